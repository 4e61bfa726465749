package dev.hookpost.internal.engine;

import dev.hookpost.internal.store.DeliveryKey;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The claims this publisher works on, by delivery, with the claim capacity
 * ({@code maxInFlight}). A cache of the store's leases: everything in it is also leased in the
 * store. Thread-safe; its own monitor is only waited on by shutdown.
 */
final class Held {
  private final ConcurrentHashMap<DeliveryKey, Claim> claims = new ConcurrentHashMap<>();
  private final int capacity;
  private final Runnable onFreed;
  /** Set when a claimer found no room; the next removal then calls {@code onFreed}. */
  private volatile boolean starved;

  /**
   * @param capacity the most claims held at once
   * @param onFreed called (on the removing thread) when room frees up after a claimer found none
   */
  Held(int capacity, Runnable onFreed) {
    this.capacity = capacity;
    this.onFreed = onFreed;
  }

  /** How many more claims fit; when none, marks this as starved so that the next removal wakes the claimer. */
  int room() {
    return room(capacity);
  }

  /** {@link #room()} under a lower cap (what can start soon); {@code cap} at most the capacity. */
  int room(int cap) {
    int room = cap - claims.size();
    if (room <= 0) {
      starved = true;
      room = cap - claims.size(); // one removed before the flag was set would not have seen it
    }
    return Math.max(0, room);
  }

  boolean crowded() {
    return claims.size() > capacity / 2;
  }

  Claim get(DeliveryKey key) {
    return claims.get(key);
  }

  boolean holds(DeliveryKey key) {
    return claims.containsKey(key);
  }

  void add(Claim c) {
    claims.put(c.key, c);
  }

  /** Lets go of {@code c} (if it is still the claim held for its delivery). */
  void remove(Claim c) {
    if (claims.remove(c.key, c)) {
      if (starved && claims.size() < capacity) {
        starved = false;
        onFreed.run();
      }
      if (claims.isEmpty()) {
        synchronized (this) {
          notifyAll();
        }
      }
    }
  }

  List<Claim> all() {
    return List.copyOf(claims.values());
  }

  int size() {
    return claims.size();
  }

  /**
   * Waits until nothing is held or {@code deadlineNanos} ({@link System#nanoTime}) passes.
   *
   * @return whether nothing is held
   */
  boolean awaitEmpty(long deadlineNanos) {
    synchronized (this) {
      while (!claims.isEmpty()) {
        long left = deadlineNanos - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        try {
          wait(Math.max(1, Math.min(50, left / 1_000_000)));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return claims.isEmpty();
        }
      }
      return true;
    }
  }
}
