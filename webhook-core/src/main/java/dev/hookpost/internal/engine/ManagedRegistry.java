package dev.hookpost.internal.engine;

import dev.hookpost.Subscription;
import dev.hookpost.SubscriptionRegistry;
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
  private final Recorder recorder;
  private final Dispatcher dispatcher;
  private final Removals removals;

  ManagedRegistry(SubscriptionRegistry registry, Recorder recorder, Dispatcher dispatcher, Removals removals) {
    this.registry = registry;
    this.removals = removals;
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
    removals.added(subscription.id());
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
   * {@code Skipped}, reporting each. Those in flight end as their attempt decides, but are not
   * retried: they end as skipped too; those claimed and not yet attempted, and those a send
   * racing this call stores, end as skipped when the publisher reaches them ({@link Removals}).
   *
   * @return whether the registry held it
   * @throws dev.hookpost.WebhookException if the store fails: the subscription is removed, its
   *     deliveries still wait (and are logged); call {@code remove} again to end them
   */
  @Override
  public boolean remove(String id) {
    Subscription gone = registry.find(id).orElseGet(() -> Dispatcher.placeholder(id));
    removals.removing(gone); // first: a claim that no longer finds it must know why
    boolean removed;
    try {
      removed = registry.remove(id);
    } catch (RuntimeException e) {
      removals.added(id); // still registered: its deliveries go on
      throw e;
    }
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
    gone.forEach(removals::removing);
    int n;
    try {
      n = registry.removeTenant(tenant);
    } catch (RuntimeException e) {
      gone.forEach(s -> removals.added(s.id()));
      throw e;
    }
    for (Subscription s : gone) {
      skipPending(s);
    }
    return n;
  }

  private void skipPending(Subscription gone) {
    dispatcher.registryChanged(gone.id());
    recorder.skipPending(gone);
  }

  /** Whether {@code id} was removed through this publisher, or its registry says so. */
  @Override
  public boolean removed(String id) {
    return removals.removed(id) != null;
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
