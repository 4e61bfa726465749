package dev.hookpost;

import java.util.List;
import java.util.Optional;

/**
 * Where the publisher finds subscriptions. The default is {@link #inMemory()}; an application
 * that keeps subscriptions in its own database implements this interface over it.
 *
 * <p>Implementations must be thread-safe: {@link #matching} is called on every send, the other
 * methods at any time from any thread.
 */
public interface SubscriptionRegistry {

  /** Every subscription that {@link Subscription#accepts accepts} {@code eventType}, enabled or not. */
  List<Subscription> matching(String eventType);

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

  /** Removes the subscription with {@code id}; returns whether there was one. */
  boolean remove(String id);

  /**
   * Enables or disables the subscription with {@code id}; returns whether that changed anything
   * (false when there is no such subscription or it already was so). New events to a disabled
   * subscription are skipped, and so are its pending retries when they fall due.
   */
  boolean setEnabled(String id, boolean enabled);

  /** A thread-safe in-memory registry: reads take no lock, changes copy the list. */
  static SubscriptionRegistry inMemory() {
    return new InMemorySubscriptionRegistry();
  }
}
