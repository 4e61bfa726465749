package dev.hookpost.internal.engine;

import dev.hookpost.Attempt;
import dev.hookpost.DeliveryOutcome;
import dev.hookpost.Subscription;
import dev.hookpost.WebhookException;
import dev.hookpost.spi.StoredDelivery;
import dev.hookpost.spi.TransportResponse;
import java.time.Duration;
import java.time.Instant;

/** Builds the outcome the application sees, from a verdict or from an ended row. Pure. */
final class Outcomes {
  private Outcomes() {}

  /** The outcome of an attempt that {@code end} ended. */
  static DeliveryOutcome of(Verdict.End end, Claim c, Attempt attempt) {
    return switch (end.state()) {
      case DELIVERED -> new DeliveryOutcome.Delivered(c.stored.eventId(), c.subscription, attempt.number(),
          attempt.status().orElse(0), attempt.sinceFirstAttempt());
      case REJECTED -> new DeliveryOutcome.Rejected(c.stored.eventId(), c.subscription, attempt.number(), end.reason());
      default -> new DeliveryOutcome.GaveUp(c.stored.eventId(), c.subscription, attempt.number(), attempt,
          end.reason());
    };
  }

  /**
   * The outcome an ended row stands for, as seen by a publisher that did not end it (another
   * instance did): the details it has are the row's.
   *
   * @throws IllegalArgumentException if the row is still pending
   */
  static DeliveryOutcome ofStored(StoredDelivery d, Subscription s) {
    Instant first = d.firstAttemptAt() != null ? d.firstAttemptAt() : d.createdAt();
    Duration elapsed = Duration.between(first, d.updatedAt());
    String why = d.lastError() != null ? d.lastError() : "ended with " + d.state();
    return switch (d.state()) {
      case PENDING -> throw new IllegalArgumentException(d.deliveryId() + " has not ended");
      case DELIVERED -> new DeliveryOutcome.Delivered(d.eventId(), s, d.attempts(), d.lastStatus(),
          elapsed.isNegative() ? Duration.ZERO : elapsed);
      case REJECTED -> new DeliveryOutcome.Rejected(d.eventId(), s, d.attempts(), why);
      case SKIPPED -> new DeliveryOutcome.Skipped(d.eventId(), s, d.attempts(), why);
      case FAILED -> new DeliveryOutcome.GaveUp(d.eventId(), s, d.attempts(), lastAttempt(d, first, elapsed), why);
    };
  }

  private static Attempt lastAttempt(StoredDelivery d, Instant first, Duration elapsed) {
    if (d.attempts() == 0) {
      return null;
    }
    Duration since = elapsed.isNegative() ? Duration.ZERO : elapsed;
    return d.lastStatus() != 0
        ? Attempt.answered(d.attempts(), first, since, TransportResponse.of(d.lastStatus()), null)
        : Attempt.failed(d.attempts(), first, since, new WebhookException(String.valueOf(d.lastError())));
  }

  static DeliveryOutcome.Abandoned abandoned(StoredDelivery d, Subscription s, int attempts, String reason) {
    return new DeliveryOutcome.Abandoned(d, s, attempts, reason);
  }
}
