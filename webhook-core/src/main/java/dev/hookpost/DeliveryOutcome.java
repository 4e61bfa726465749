package dev.hookpost;

import dev.hookpost.spi.StoredDelivery;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * How delivering one event to one subscription ended. Every delivery ends in exactly one of
 * these; a sealed type, so a pattern {@code switch} (Java 21) checks every case is handled:
 *
 * <pre>{@code
 * switch (outcome) {
 *   case DeliveryOutcome.Delivered d -> metrics.delivered(d.attempts());
 *   case DeliveryOutcome.GaveUp g -> alert(g.reason());
 *   case DeliveryOutcome.Rejected r -> alert(r.reason());
 *   case DeliveryOutcome.Skipped s -> {}
 *   case DeliveryOutcome.Abandoned a -> outbox.save(a.delivery());
 * }
 * }</pre>
 */
public sealed interface DeliveryOutcome {

  /** The event's id, also its {@code webhook-id}. */
  String eventId();

  /** The subscription the event was for. */
  Subscription subscription();

  /** How many attempts were made. */
  int attempts();

  /** The endpoint answered 2xx. */
  record Delivered(String eventId, Subscription subscription, int attempts, int status, Duration elapsed)
      implements DeliveryOutcome {
    /** @throws NullPointerException if a reference is null */
    public Delivered {
      Objects.requireNonNull(eventId, "eventId");
      Objects.requireNonNull(subscription, "subscription");
      Objects.requireNonNull(elapsed, "elapsed");
    }
  }

  /**
   * Delivery stopped failing-over: the retry policy said stop, the endpoint answered 410 Gone,
   * or the policy made the answer final; or, with no attempt made, the subscription already had
   * {@code maxPendingPerSubscription} failing deliveries (a dead endpoint does not take the
   * room of healthy ones). Either way it is a dead letter the application can requeue.
   *
   * @param lastAttempt the attempt that failed last; null only when {@code attempts} is 0
   * @param reason why the publisher stopped, in words
   */
  record GaveUp(String eventId, Subscription subscription, int attempts, Attempt lastAttempt, String reason)
      implements DeliveryOutcome {
    /** @throws NullPointerException if a reference is null */
    public GaveUp {
      Objects.requireNonNull(eventId, "eventId");
      Objects.requireNonNull(subscription, "subscription");
      if (lastAttempt == null && attempts != 0) {
        throw new NullPointerException("lastAttempt is required when attempts were made");
      }
      Objects.requireNonNull(reason, "reason");
    }

    /** The last HTTP status, when the endpoint answered at all. */
    public OptionalInt lastStatus() {
      return lastAttempt == null ? OptionalInt.empty() : lastAttempt.status();
    }

    /** The last error, when the last attempt got no answer. */
    public Optional<Throwable> lastError() {
      return lastAttempt == null ? Optional.empty() : lastAttempt.error();
    }
  }

  /** The transport refused to contact the endpoint (e.g. a private address); never retried. */
  record Rejected(String eventId, Subscription subscription, int attempts, String reason)
      implements DeliveryOutcome {
    /** @throws NullPointerException if a reference is null */
    public Rejected {
      Objects.requireNonNull(eventId, "eventId");
      Objects.requireNonNull(subscription, "subscription");
      Objects.requireNonNull(reason, "reason");
    }
  }

  /**
   * No (further) attempt was made: the subscription is disabled or was removed. Nothing else
   * skips a delivery.
   *
   * @param attempts attempts made before it was skipped
   */
  record Skipped(String eventId, Subscription subscription, int attempts, String reason) implements DeliveryOutcome {
    /** @throws NullPointerException if a reference is null */
    public Skipped {
      Objects.requireNonNull(eventId, "eventId");
      Objects.requireNonNull(subscription, "subscription");
      Objects.requireNonNull(reason, "reason");
    }
  }

  /**
   * The publisher was closed before this delivery finished. It carries the stored delivery,
   * envelope bytes included, so the application can keep it and send it again. With a durable
   * store the delivery also stays in the store and is retried by the next publisher.
   */
  record Abandoned(StoredDelivery delivery, Subscription subscription, int attempts, String reason)
      implements DeliveryOutcome {
    /** @throws NullPointerException if a reference is null */
    public Abandoned {
      Objects.requireNonNull(delivery, "delivery");
      Objects.requireNonNull(subscription, "subscription");
      Objects.requireNonNull(reason, "reason");
    }

    @Override
    public String eventId() {
      return delivery.eventId();
    }
  }
}
