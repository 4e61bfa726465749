package dev.hookpost.spi;

import java.time.Instant;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * Selects stored deliveries, to inspect or requeue them.
 *
 * <pre>{@code
 * store.find(DeliveryQuery.deadLetters().forSubscription("shipping"));
 * store.requeue(DeliveryQuery.deadLetters().createdBetween(from, to));
 * }</pre>
 *
 * @param states the states wanted; never empty
 * @param subscriptionId only this subscription's, or null for all
 * @param createdFrom only those enqueued at or after this, or null
 * @param createdBefore only those enqueued before this, or null
 * @param limit at most this many (1..10,000)
 */
public record DeliveryQuery(Set<DeliveryState> states, String subscriptionId, Instant createdFrom,
    Instant createdBefore, int limit) {
  /** The most a query returns: 10,000. */
  public static final int MAX_LIMIT = 10_000;

  /**
   * @throws IllegalArgumentException if states is empty or limit is outside 1..10,000
   */
  public DeliveryQuery {
    Objects.requireNonNull(states, "states");
    if (states.isEmpty()) {
      throw new IllegalArgumentException("states must name at least one DeliveryState");
    }
    states = Set.copyOf(states);
    if (limit < 1 || limit > MAX_LIMIT) {
      throw new IllegalArgumentException("limit must be 1.." + MAX_LIMIT + ", was " + limit);
    }
  }

  /** Deliveries that ended without success: {@link DeliveryState#FAILED} and {@link DeliveryState#REJECTED}. */
  public static DeliveryQuery deadLetters() {
    return new DeliveryQuery(EnumSet.of(DeliveryState.FAILED, DeliveryState.REJECTED), null, null, null, MAX_LIMIT);
  }

  /** Deliveries in any of {@code states}. */
  public static DeliveryQuery inState(DeliveryState first, DeliveryState... more) {
    return new DeliveryQuery(EnumSet.of(first, more), null, null, null, MAX_LIMIT);
  }

  /** Narrows to one subscription. */
  public DeliveryQuery forSubscription(String id) {
    return new DeliveryQuery(states, Objects.requireNonNull(id, "id"), createdFrom, createdBefore, limit);
  }

  /** Narrows to deliveries enqueued in [from, before). */
  public DeliveryQuery createdBetween(Instant from, Instant before) {
    return new DeliveryQuery(states, subscriptionId, from, before, limit);
  }

  /** Returns at most {@code max}. */
  public DeliveryQuery limit(int max) {
    return new DeliveryQuery(states, subscriptionId, createdFrom, createdBefore, max);
  }

  /** Whether {@code d} matches. */
  public boolean matches(StoredDelivery d) {
    return states.contains(d.state())
        && (subscriptionId == null || subscriptionId.equals(d.subscriptionId()))
        && (createdFrom == null || !d.createdAt().isBefore(createdFrom))
        && (createdBefore == null || d.createdAt().isBefore(createdBefore));
  }
}
