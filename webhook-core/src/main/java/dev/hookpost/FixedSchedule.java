package dev.hookpost;

import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/** A fixed list of delays between attempts. Immutable. */
final class FixedSchedule implements RetryPolicy {
  private final List<Duration> delays;
  private final Duration longest;

  FixedSchedule(List<Duration> delays) {
    for (int i = 0; i < delays.size(); i++) {
      if (delays.get(i).isNegative()) {
        throw new IllegalArgumentException("delays[" + i + "] is negative (" + delays.get(i)
            + "); use zero or a positive Duration");
      }
    }
    this.delays = List.copyOf(delays);
    this.longest = delays.isEmpty() ? Duration.ZERO : Collections.max(this.delays);
  }

  @Override
  public Optional<Duration> nextDelay(Attempt failed) {
    int retry = failed.number(); // attempts made so far = index of the next delay + 1
    if (retry > delays.size()) {
      return Optional.empty();
    }
    Duration delay = delays.get(retry - 1);
    return Optional.of(Backoff.honourRetryAfter(delay, failed, longest));
  }

  @Override
  public String toString() {
    return "FixedSchedule" + delays;
  }
}
