package dev.hookpost;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * How many deliveries each subscription has pending in this publisher. Counting takes no lock,
 * as every attempt of a busy subscription counts the same key from many threads; a count that
 * falls to zero is dropped, so subscriptions with nothing pending cost no memory. Thread-safe.
 */
final class BacklogCounts {
  /** A counter at zero is dead: it is being dropped and never counts up again. */
  private final ConcurrentHashMap<String, AtomicInteger> counts = new ConcurrentHashMap<>();

  /** The deliveries {@code subscriptionId} has pending. */
  int get(String subscriptionId) {
    AtomicInteger n = counts.get(subscriptionId);
    return n == null ? 0 : n.get();
  }

  void increment(String subscriptionId) {
    while (true) {
      AtomicInteger n = counts.get(subscriptionId);
      if (n == null) {
        if (counts.putIfAbsent(subscriptionId, new AtomicInteger(1)) == null) {
          return;
        }
        continue;
      }
      int v = n.get();
      if (v == 0) {
        counts.remove(subscriptionId, n); // help drop the dead one, then start afresh
      } else if (n.compareAndSet(v, v + 1)) {
        return;
      }
    }
  }

  /** Counts one pending delivery less; never below zero. */
  void decrement(String subscriptionId) {
    AtomicInteger n = counts.get(subscriptionId);
    if (n == null) {
      return;
    }
    int v;
    do {
      v = n.get();
      if (v == 0) {
        return;
      }
    } while (!n.compareAndSet(v, v - 1));
    if (v == 1) {
      counts.remove(subscriptionId, n);
    }
  }

  /** How many subscriptions have a count, for tests. */
  int size() {
    return counts.size();
  }
}
