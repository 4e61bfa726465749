package dev.hookpost.internal.engine;

import dev.hookpost.Subscription;
import dev.hookpost.spi.DeliveryStore;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.function.LongSupplier;

/**
 * The per-subscription limit on failing deliveries (pending after at least one failed attempt),
 * so that an endpoint that keeps failing cannot take the room of healthy ones. Healthy
 * deliveries that merely wait for a slot never count.
 *
 * <p>The number is the store's ({@link DeliveryStore#countFailing}), the same for every
 * publisher sharing it; this class caches it per subscription, adds this publisher's own
 * changes as they happen, and reads it again from the store once it is older than the refresh
 * interval, so the cache is corrected from the store and never drifts. Memory: one entry per
 * subscription. Thread-safe.
 */
final class BacklogLimit {
  private final DeliveryStore store;
  private final int max;
  private final long refreshNanos;
  private final LongSupplier ticker;
  private final ConcurrentHashMap<String, Count> counts = new ConcurrentHashMap<>();

  /** One subscription's count: small, as there is one per subscription. */
  private static final class Count {
    static final AtomicIntegerFieldUpdater<Count> N = AtomicIntegerFieldUpdater.newUpdater(Count.class, "n");
    volatile int n;
    /** When {@code n} was read from the store (ticker time); {@code Long.MIN_VALUE} before the first read. */
    volatile long readAt = Long.MIN_VALUE;
  }

  BacklogLimit(DeliveryStore store, int max, Duration refreshEvery, LongSupplier ticker) {
    this.store = store;
    this.max = max;
    this.refreshNanos = refreshEvery.toNanos();
    this.ticker = ticker;
  }

  /**
   * Why {@code s} takes no new delivery now (its failing backlog is full), or null; the caller
   * says what became of the delivery.
   */
  String check(Subscription s) {
    Count c = counts.computeIfAbsent(s.id(), id -> new Count());
    long now = ticker.getAsLong();
    if (c.readAt == Long.MIN_VALUE || now - c.readAt >= refreshNanos) {
      try {
        c.n = store.countFailing(s.id());
        c.readAt = now;
      } catch (RuntimeException e) {
        Reporter.safely(() -> Reporter.log.warn("counting the failing deliveries of subscription {} in {} failed;"
            + " the last count stands", s.id(), store, e));
      }
    }
    int n = c.n;
    return n < max ? null : "subscription " + s.id() + " already has " + n + " failing deliveries waiting for a retry"
        + " (maxPendingPerSubscription " + max + "), so this one was not attempted";
  }

  /** This publisher changed {@code subscriptionId}'s failing count by {@code delta}. */
  void add(String subscriptionId, int delta) {
    Count c = counts.get(subscriptionId);
    if (c != null) {
      Count.N.addAndGet(c, delta);
    }
  }
}
