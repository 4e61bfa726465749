package dev.hookpost;

import dev.hookpost.spi.StoredDelivery;
import dev.hookpost.spi.Transport;
import java.time.Duration;

/**
 * Hears every step of every delivery: each attempt, each retry scheduled, each final outcome.
 * All methods do nothing by default; override the ones you need.
 *
 * <pre>{@code
 * WebhookPublisher.builder().listener(new DeliveryListener() {
 *   @Override public void onOutcome(DeliveryOutcome outcome) {
 *     if (outcome instanceof DeliveryOutcome.GaveUp g) alerts.raise(g.subscription(), g.reason());
 *   }
 * })
 * }</pre>
 *
 * <p>Called on the publisher's threads, possibly concurrently: keep it quick and thread-safe.
 * Some calls come on the thread that called {@code send}, before it returns: outcomes known at
 * once ({@code Skipped} for a disabled subscription, {@code GaveUp} with no attempt for one whose
 * failing backlog is full), and,
 * with the in-memory store and a transport that runs {@link Transport#execute} inline (a test
 * double, or a closed transport), calls about the first attempts when the transport answers at
 * once.
 * Whatever it throws ({@code Error}s included) is logged and does not disturb delivery, the
 * other listeners, or the outcome reaching the send's handle.
 */
public interface DeliveryListener {
  /** A listener that does nothing. */
  DeliveryListener NONE = new DeliveryListener() {};

  /**
   * {@code publisher} was built and is about to take events: called once, on the thread that
   * calls {@code build()}, before it returns; e.g. to register gauges that read
   * {@link WebhookPublisher#deliveries()} or {@link WebhookPublisher#subscriptions()}.
   */
  default void onStart(WebhookPublisher publisher) {}

  /** An attempt of {@code delivery} (event id, type, envelope bytes) finished, with an answer or an error. */
  default void onAttempt(StoredDelivery delivery, Subscription subscription, Attempt attempt) {}

  /** {@code failed} will be followed by another attempt after {@code delay}. */
  default void onRetryScheduled(StoredDelivery delivery, Subscription subscription, Attempt failed, Duration delay) {}

  /** The delivery reached its final outcome; called exactly once per delivery. */
  default void onOutcome(DeliveryOutcome outcome) {}

  /**
   * The publisher disabled {@code subscription} in its registry: the endpoint answered 410 Gone,
   * or its deliveries kept failing. Re-enable it with
   * {@code publisher.subscriptions().setEnabled(id, true)} once the endpoint is fixed.
   */
  default void onSubscriptionDisabled(Subscription subscription, String reason) {}
}
