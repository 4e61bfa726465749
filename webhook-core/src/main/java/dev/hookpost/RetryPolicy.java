package dev.hookpost;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Decides, after a failed attempt, whether to try again and after how long. A pure function:
 * the publisher does the waiting (on its scheduler, holding no thread).
 *
 * <p>Every failure reaches the policy: network errors, timeouts and every non-2xx answer
 * except 410 Gone (which always ends a delivery). To make some answers final, wrap a policy
 * with {@link #giveUpWhen}:
 *
 * <pre>{@code
 * RetryPolicy policy = RetryPolicy.exponentialBackoff()
 *     .maxAttempts(6)
 *     .build()
 *     .giveUpWhen(attempt -> attempt.hasStatus(400));
 * }</pre>
 *
 * <p>A {@code Retry-After} the endpoint sent lengthens the next delay, never beyond the
 * policy's maximum delay. Implementations must be thread-safe.
 */
public interface RetryPolicy {

  /**
   * Returns how long to wait before the next attempt, or empty to give up.
   *
   * @param failed the attempt that just failed; its {@link Attempt#number()} is the number of
   *     attempts made so far
   */
  Optional<Duration> nextDelay(Attempt failed);

  /**
   * Returns a policy that gives up at once on attempts matching {@code isFinal} and otherwise
   * asks this one. E.g. {@code giveUpWhen(a -> a.hasStatus(400) || a.hasStatus(422))}.
   */
  default RetryPolicy giveUpWhen(Predicate<Attempt> isFinal) {
    Objects.requireNonNull(isFinal, "isFinal");
    RetryPolicy self = this;
    return failed -> isFinal.test(failed) ? Optional.empty() : self.nextDelay(failed);
  }

  /**
   * Starts an exponential backoff policy with full jitter: the n-th retry waits a random time
   * between zero and {@code min(maxDelay, initialDelay × multiplier^(n-1))}.
   *
   * <p>Defaults:
   * <ul>
   *   <li>initial delay 1 s, multiplier 2.0, max delay 1 h
   *   <li>max attempts 10 (the first attempt included)
   *   <li>max total time 24 h from the first attempt
   * </ul>
   */
  static ExponentialBackoffBuilder exponentialBackoff() {
    return new ExponentialBackoffBuilder();
  }

  /**
   * The Standard Webhooks (Svix) schedule: the first attempt at once, then retries after 5 s,
   * 5 min, 30 min, 2 h, 5 h, 10 h and 10 h: 8 attempts over about 27.5 hours. No jitter. The
   * publisher's default.
   */
  static RetryPolicy standardSchedule() {
    return fixedSchedule(Duration.ofSeconds(5), Duration.ofMinutes(5), Duration.ofMinutes(30),
        Duration.ofHours(2), Duration.ofHours(5), Duration.ofHours(10), Duration.ofHours(10));
  }

  /**
   * Retries after each of {@code delays} in turn, then gives up: {@code n} delays allow
   * {@code n + 1} attempts. A {@code Retry-After} may lengthen a delay up to the longest one.
   *
   * @throws IllegalArgumentException if a delay is null or negative
   */
  static RetryPolicy fixedSchedule(Duration... delays) {
    return new FixedSchedule(List.of(delays));
  }

  /** Never retries: one attempt per delivery. */
  static RetryPolicy none() {
    return failed -> Optional.empty();
  }
}
