package dev.hookpost;

import java.time.Duration;

/** Shared arithmetic of the retry policies. */
final class Backoff {
  private Backoff() {}

  /** The longer of {@code delay} and the endpoint's {@code Retry-After}, never beyond {@code max}. */
  static Duration honourRetryAfter(Duration delay, Attempt failed, Duration max) {
    Duration asked = failed.retryAfter().orElse(Duration.ZERO);
    if (asked.compareTo(max) > 0) {
      asked = max;
    }
    return asked.compareTo(delay) > 0 ? asked : delay;
  }
}
