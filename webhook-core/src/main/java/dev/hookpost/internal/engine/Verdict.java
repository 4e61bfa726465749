package dev.hookpost.internal.engine;

import dev.hookpost.Attempt;
import dev.hookpost.RetryPolicy;
import dev.hookpost.spi.DeliveryState;
import dev.hookpost.spi.EndpointRefusedException;
import java.time.Duration;
import java.util.Optional;

/**
 * What to do after an attempt: a pure decision from the attempt and the retry policy, with no
 * clock, store or thread. {@link #of} is the whole rule; the recorder carries it out.
 */
sealed interface Verdict {
  /** The verdict after a 2xx answer. */
  End DELIVERED = new End(DeliveryState.DELIVERED, null, null);

  /** The longest wait any retry policy may ask for; longer ones are cut to it. */
  Duration MAX_DELAY = Duration.ofDays(30);

  /** Try again after {@code delay}. */
  record Retry(Duration delay) implements Verdict {}

  /**
   * The delivery ends in {@code state}; {@code reason} is null when delivered.
   *
   * @param disable why the subscription should be disabled now, or null
   */
  record End(DeliveryState state, String reason, String disable) implements Verdict {}

  /**
   * Decides what follows {@code attempt}: 2xx ends it delivered; a refused endpoint ends it
   * rejected; 410 Gone ends it failed and disables the subscription; anything else is retried
   * after the policy's delay (at most {@link #MAX_DELAY}) or, when the policy says stop or
   * throws, ends it failed.
   */
  static Verdict of(Attempt attempt, RetryPolicy policy) {
    if (attempt.succeeded()) {
      return DELIVERED;
    }
    if (attempt.error().orElse(null) instanceof EndpointRefusedException refused) {
      return new End(DeliveryState.REJECTED, String.valueOf(refused.getMessage()), null);
    }
    if (attempt.hasStatus(410)) {
      String why = "the endpoint answered 410 Gone";
      return new End(DeliveryState.FAILED, why, why);
    }
    Optional<Duration> delay;
    String policyFailed = null;
    try {
      delay = policy.nextDelay(attempt);
    } catch (RuntimeException e) {
      delay = Optional.empty();
      policyFailed = "the retry policy threw " + e + " after attempt " + attempt.number() + "; last: "
          + attempt.describe();
    }
    if (delay == null || delay.isEmpty()) {
      return new End(DeliveryState.FAILED, policyFailed != null ? policyFailed
          : "the retry policy gave up after " + attempt.number() + " attempt(s); last: " + attempt.describe(), null);
    }
    Duration wait = delay.get();
    return new Retry(wait.isNegative() ? Duration.ZERO : wait.compareTo(MAX_DELAY) > 0 ? MAX_DELAY : wait);
  }
}
