package dev.hookpost.micrometer;

import dev.hookpost.Attempt;
import dev.hookpost.spi.StoredDelivery;
import java.time.Duration;
import java.time.Instant;

/** When an attempt ended, and the durations that follow, from what the listener is told. Pure. */
final class AttemptTimes {
  private AttemptTimes() {}

  /**
   * When {@code attempt} ended: its delivery's first attempt started at {@code firstAttemptAt}
   * (this attempt's own start when it is the first), and {@link Attempt#sinceFirstAttempt()}
   * runs from there to this attempt's end.
   */
  static Instant end(StoredDelivery delivery, Attempt attempt) {
    Instant first = delivery.firstAttemptAt() != null ? delivery.firstAttemptAt() : attempt.startedAt();
    return first.plus(attempt.sinceFirstAttempt());
  }

  /** How long {@code attempt} took; never negative. */
  static Duration duration(StoredDelivery delivery, Attempt attempt) {
    return nonNegative(Duration.between(attempt.startedAt(), end(delivery, attempt)));
  }

  /** From the send (when the delivery was stored) to the end of {@code attempt}; never negative. */
  static Duration sinceSend(StoredDelivery delivery, Attempt attempt) {
    return nonNegative(Duration.between(delivery.createdAt(), end(delivery, attempt)));
  }

  private static Duration nonNegative(Duration d) {
    return d.isNegative() ? Duration.ZERO : d;
  }
}
