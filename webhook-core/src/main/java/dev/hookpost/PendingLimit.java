package dev.hookpost;

import java.time.Duration;

/**
 * Counts deliveries held in memory against a limit; {@link #tryAcquire} fails fast or waits.
 * Unlike a semaphore it lets {@link #add} go over the limit, for deliveries that come back
 * (requeued dead letters), so the count always equals what is held. Thread-safe.
 */
final class PendingLimit {
  private final int max;
  private int held;

  PendingLimit(int max) {
    this.max = max;
  }

  synchronized boolean tryAcquire(int n, Duration wait) throws InterruptedException {
    if (held + n <= max) { // the usual case: no clock read
      held += n;
      return true;
    }
    long deadline = System.nanoTime() + wait.toNanos();
    while (held + n > max) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return false;
      }
      wait(Math.max(1, left / 1_000_000));
    }
    held += n;
    return true;
  }

  synchronized void add(int n) {
    held += n;
  }

  synchronized void release(int n) {
    held = Math.max(0, held - n);
    notifyAll();
  }

  synchronized int held() {
    return held;
  }
}
