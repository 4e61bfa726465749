package dev.hookpost;

import java.util.List;
import java.util.Optional;

/**
 * Where the publisher finds subscriptions. The default is {@link #inMemory()}; an application
 * that keeps subscriptions in its own database implements this interface over it
 * ({@code webhook-jdbc} has one in the deliveries' database).
 *
 * <p>Subscriptions may belong to a tenant ({@link Subscription.Builder#tenant}): an event of
 * tenant X ({@link Event#forTenant}) reaches X's subscriptions and those that listen to
 * {@link Subscription#allTenants() every tenant}; an event without a tenant reaches only
 * subscriptions without one (and those listening to every tenant).
 *
 * <p>Implementations must be thread-safe: {@link #matching} is called on every send, the other
 * methods at any time from any thread.
 */
public interface SubscriptionRegistry {

  /**
   * Every subscription that hears events of {@code tenant} (null: events without a tenant; see
   * {@link Subscription#acceptsTenant}) and {@link Subscription#accepts accepts} {@code eventType},
   * enabled or not: the tenant's own, in the order added, then those listening to every tenant.
   * For an event without a tenant, only the subscriptions without one.
   * Content filters are the publisher's to apply.
   */
  List<Subscription> matching(String tenant, String eventType);

  /**
   * Every subscription that belongs to {@code tenant}, in the order added; empty when none.
   * Default: {@link #all()} filtered; registries with many tenants override it with an index.
   */
  default List<Subscription> ofTenant(String tenant) {
    java.util.Objects.requireNonNull(tenant, "tenant");
    return all().stream().filter(s -> s.tenant().filter(tenant::equals).isPresent()).toList();
  }

  /**
   * Removes every subscription of {@code tenant} (e.g. a customer who left); returns how many.
   * Through {@code publisher.subscriptions()}, their pending deliveries that no attempt holds end
   * at once as skipped, as with {@link #remove}. Default: {@link #remove} of each of
   * {@link #ofTenant}.
   */
  default int removeTenant(String tenant) {
    int n = 0;
    for (Subscription s : ofTenant(tenant)) {
      n += remove(s.id()) ? 1 : 0;
    }
    return n;
  }

  /** Every subscription, in the order added. */
  List<Subscription> all();

  /** The subscription with {@code id}, if any. */
  Optional<Subscription> find(String id);

  /**
   * Adds a subscription.
   *
   * @throws IllegalArgumentException if a subscription with the same id exists
   */
  void add(Subscription subscription);

  /**
   * Removes the subscription with {@code id}; returns whether there was one. Through
   * {@code publisher.subscriptions()}, every delivery of it ends: those pending at once as
   * skipped, those in flight as their attempt decides (skipped rather than retried), and those
   * stored later (a send racing the removal, or one of another instance that has not seen it yet)
   * as skipped when claimed.
   */
  boolean remove(String id);

  /**
   * Whether subscription {@code id} was removed and not added again since, as far as this
   * registry remembers: a publisher then ends the deliveries still stored for it as skipped
   * ("subscription was removed") instead of making them wait for the id to be registered. A
   * registry that several publishers share keeps this so that each sees another's removal
   * ({@code JdbcSubscriptionRegistry} does, for 30 days). Each publisher remembers the removals
   * made through it in any case. Called when a claimed delivery's id is not found, and when an
   * attempt failed and would be retried. Default: false (nothing remembered).
   */
  default boolean removed(String id) {
    return false;
  }

  /**
   * Puts {@code subscription} in the place of the one with the same id, e.g. after
   * {@link Subscription#rotateSecret}, a new endpoint or other event types. Its pending
   * deliveries carry on with the new one (through {@code WebhookPublisher.subscriptions()} they
   * are not ended, as {@link #remove} ends them).
   *
   * <p>The default removes, then adds: a send in between does not see the subscription. The
   * registries of this library override it to change it in one step; so should yours.
   *
   * @throws IllegalArgumentException if there is no subscription with that id
   */
  default void replace(Subscription subscription) {
    java.util.Objects.requireNonNull(subscription, "subscription");
    if (!remove(subscription.id())) {
      throw new IllegalArgumentException("there is no subscription '" + subscription.id() + "' to replace; add it");
    }
    add(subscription);
  }

  /**
   * Enables or disables the subscription with {@code id}; returns whether that changed anything
   * (false when there is no such subscription or it already was so). New events to a disabled
   * subscription are skipped, and so are its pending retries when they fall due.
   */
  boolean setEnabled(String id, boolean enabled);

  /**
   * How many deliveries to a subscription failed in a row, and since when (the first attempt of
   * the oldest of them): what {@code disableFailingEndpoints} decides on.
   *
   * @param failures failed deliveries in a row, at least 1
   * @param since the first attempt of the oldest of them
   */
  record FailureRun(int failures, java.time.Instant since) {}

  /**
   * Adds a failed delivery (first attempted at {@code firstAttemptAt}) to subscription
   * {@code id}'s run of failures and returns the run, for registries shared by several
   * publishers so that they judge an endpoint's health together. Default: null, which makes
   * each publisher count in its own memory.
   */
  default FailureRun recordFailure(String id, java.time.Instant firstAttemptAt) {
    return null;
  }

  /** Ends subscription {@code id}'s run of failures: a delivery succeeded. Default: nothing. */
  default void recordDelivered(String id) {}

  /**
   * A thread-safe in-memory registry, indexed by tenant: {@link #matching} takes no lock and
   * looks only at the event's tenant's subscriptions and those of every tenant, so it stays fast
   * with many tenants; a change copies one tenant's list.
   */
  static SubscriptionRegistry inMemory() {
    return new InMemorySubscriptionRegistry();
  }
}
