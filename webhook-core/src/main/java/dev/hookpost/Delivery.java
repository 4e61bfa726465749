package dev.hookpost;

import java.time.Instant;

/**
 * A delivery this publisher has claimed from the store and is working on: small on purpose;
 * the envelope bytes are shared by every delivery of an event. Guarded by its own monitor.
 */
final class Delivery {
  final StoredDelivery stored;
  final Subscription subscription;
  final RetryPolicy policy;

  int attempts;
  Instant firstAttemptAt;
  boolean finished;
  /** Handed to its endpoint's queue; until then, shutdown may abandon it at once. */
  boolean started;
  /** Why it is ended without an attempt as soon as it is claimed (its subscription is gone), or null. */
  String skip;
  /** Its endpoint's queue, once submitted (for releasing the slot it takes). */
  EndpointQueues.Queue queue;
  /** When this publisher's lease on it ends, as far as it knows; null when not claimed by the dispatcher. */
  volatile Instant leaseUntil;

  Delivery(StoredDelivery stored, Subscription subscription, RetryPolicy policy) {
    this.stored = stored;
    this.subscription = subscription;
    this.policy = policy;
    this.attempts = stored.attempts();
    this.firstAttemptAt = stored.firstAttemptAt();
  }

  String id() {
    return stored.deliveryId();
  }

  String eventId() {
    return stored.eventId();
  }

  @Override
  public String toString() {
    return "Delivery[" + stored.deliveryId() + "]";
  }
}
