package dev.hookpost;

import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;

/**
 * The state of delivering one event to one subscription. Small on purpose: the event and its
 * envelope bytes are shared by every delivery of the event. Guarded by its own monitor.
 */
final class Delivery {
  final Event event;
  final byte[] body;
  final Subscription subscription;
  final RetryPolicy policy;
  final CompletableFuture<DeliveryOutcome> outcome = new CompletableFuture<>();

  int attempts;
  Instant firstAttemptAt;
  /** The scheduled next attempt while waiting for a retry, else null. */
  Future<?> pendingRetry;
  boolean finished;
  /** Whether it holds one of the publisher's pending-delivery permits. */
  boolean holdsPermit;

  Delivery(Event event, byte[] body, Subscription subscription, RetryPolicy policy) {
    this.event = event;
    this.body = body;
    this.subscription = subscription;
    this.policy = policy;
  }

  @Override
  public String toString() {
    return "Delivery[" + event.id() + " -> " + subscription.id() + "]";
  }
}
