package dev.hookpost.internal.engine;

import java.time.Duration;
import java.time.Instant;

/**
 * Counts claimed deliveries handed back to the store unattempted. One hand-back is normal (its
 * endpoint was backed up, its lease ran short) and logged at DEBUG; many in a minute mean the
 * publisher claims more than it can start, so at most once a minute, when at least
 * {@link #OFTEN} happened since the last summary, one WARN line says how many and why.
 * Thread-safe (this object's monitor, held only to count).
 */
final class HandBacks {
  static final Duration EVERY = Duration.ofMinutes(1);
  /** Hand-backs in a minute from which the summary is worth a WARN line. */
  static final int OFTEN = 100;

  private Instant windowStart;
  private int count;

  /** Whether a summary of {@code count} hand-backs since {@code windowStart} is due at {@code now}. */
  static boolean summaryDue(Instant windowStart, int count, Instant now) {
    return count >= OFTEN && !now.isBefore(windowStart.plus(EVERY));
  }

  /** Counts one hand-back at {@code now}; returns how many to summarize now, or 0 when no summary is due. */
  synchronized int handedBack(Instant now) {
    if (windowStart == null) {
      windowStart = now;
    }
    count++;
    if (summaryDue(windowStart, count, now)) {
      int n = count;
      count = 0;
      windowStart = now;
      return n;
    }
    if (!now.isBefore(windowStart.plus(EVERY))) { // a quiet minute: start counting afresh
      count = 1;
      windowStart = now;
    }
    return 0;
  }
}
