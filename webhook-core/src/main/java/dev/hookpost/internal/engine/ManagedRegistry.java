package dev.hookpost.internal.engine;

import dev.hookpost.DeliveryOutcome;
import dev.hookpost.Subscription;
import dev.hookpost.SubscriptionRegistry;
import dev.hookpost.internal.store.DeliveryKey;
import dev.hookpost.spi.DeliveryStore;
import dev.hookpost.spi.StoredDelivery;
import java.time.Clock;
import java.util.List;
import java.util.Optional;

/**
 * The registry as {@code WebhookPublisher.subscriptions()} hands it out: the application's
 * registry, plus what a change means for stored deliveries. Removing a subscription is the one
 * explicit act that ends its pending deliveries: they end {@code Skipped} (and are reported),
 * whether or not the registry held it, which is also how an operator ends the deliveries left
 * by a subscription that is gone for good. Thread-safe as the registry it wraps.
 */
final class ManagedRegistry implements SubscriptionRegistry {
  static final String REMOVED = "subscription was removed";

  private final SubscriptionRegistry registry;
  private final DeliveryStore store;
  private final Clock clock;
  private final Recorder recorder;
  private final Dispatcher dispatcher;

  ManagedRegistry(SubscriptionRegistry registry, DeliveryStore store, Clock clock, Recorder recorder,
      Dispatcher dispatcher) {
    this.registry = registry;
    this.store = store;
    this.clock = clock;
    this.recorder = recorder;
    this.dispatcher = dispatcher;
  }

  @Override
  public List<Subscription> matching(String tenant, String eventType) {
    return registry.matching(tenant, eventType);
  }

  @Override
  public List<Subscription> ofTenant(String tenant) {
    return registry.ofTenant(tenant);
  }

  @Override
  public List<Subscription> all() {
    return registry.all();
  }

  @Override
  public Optional<Subscription> find(String id) {
    return registry.find(id);
  }

  /** Adds it; deliveries waiting for its id are claimed on their next look (within 20 poll intervals). */
  @Override
  public void add(Subscription subscription) {
    registry.add(subscription);
    dispatcher.registryChanged(subscription.id());
  }

  /** Replaces it; its pending deliveries carry on with the new one (nothing ends). */
  @Override
  public void replace(Subscription subscription) {
    registry.replace(subscription);
    dispatcher.registryChanged(subscription.id());
  }

  /**
   * Removes the subscription, then ends its pending deliveries that no attempt holds as
   * {@code Skipped}, reporting each; those in flight end as their attempt decides.
   *
   * @return whether the registry held it
   * @throws dev.hookpost.WebhookException if the store fails: the subscription is removed, its
   *     deliveries still wait (and are logged); call {@code remove} again to end them
   */
  @Override
  public boolean remove(String id) {
    Subscription gone = registry.find(id).orElseGet(() -> Dispatcher.placeholder(id));
    boolean removed = registry.remove(id);
    skipPending(gone);
    return removed;
  }

  /**
   * Removes the tenant's subscriptions, then ends the pending deliveries of each as
   * {@link #remove} does.
   *
   * @throws dev.hookpost.WebhookException if the store fails: the subscriptions are removed,
   *     the deliveries of those not yet handled still wait; remove them by id to end those
   */
  @Override
  public int removeTenant(String tenant) {
    List<Subscription> gone = registry.ofTenant(tenant);
    int n = registry.removeTenant(tenant);
    for (Subscription s : gone) {
      skipPending(s);
    }
    return n;
  }

  private void skipPending(Subscription gone) {
    String id = gone.id();
    dispatcher.registryChanged(id);
    for (StoredDelivery d : store.skipPending(id, REMOVED, clock.instant())) {
      recorder.tell(new DeliveryKey(d.eventId(), id), d.eventType(),
          new DeliveryOutcome.Skipped(d.eventId(), gone, d.attempts(), REMOVED));
    }
  }

  @Override
  public boolean setEnabled(String id, boolean enabled) {
    return registry.setEnabled(id, enabled);
  }

  @Override
  public FailureRun recordFailure(String id, java.time.Instant firstAttemptAt) {
    return registry.recordFailure(id, firstAttemptAt);
  }

  @Override
  public void recordDelivered(String id) {
    registry.recordDelivered(id);
  }

  @Override
  public String toString() {
    return registry.toString();
  }
}
