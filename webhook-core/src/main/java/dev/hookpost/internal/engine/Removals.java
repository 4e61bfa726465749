package dev.hookpost.internal.engine;

import dev.hookpost.Subscription;
import dev.hookpost.SubscriptionRegistry;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Subscription ids removed through this publisher (the newest {@link #MAX}, until added again),
 * and, asked of the registry, those removed through another publisher sharing it: a delivery
 * claimed or attempted for one of them ends as skipped ({@link ManagedRegistry#REMOVED}) instead
 * of being sent to the removed endpoint, retried, or made to wait as unregistered. Thread-safe:
 * this object's monitor guards the map; {@link #any} lets the attempt path skip it while nothing
 * was removed.
 */
final class Removals {
  /** Removed ids remembered in memory; older ones are forgotten first. */
  static final int MAX = 10_000;

  private final SubscriptionRegistry registry;
  private final Map<String, Subscription> removed = new LinkedHashMap<>() {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Subscription> eldest) {
      return size() > MAX;
    }
  };
  private volatile boolean any;

  Removals(SubscriptionRegistry registry) {
    this.registry = registry;
  }

  /** {@code s} is being removed: from now on its deliveries end. */
  synchronized void removing(Subscription s) {
    removed.put(s.id(), s);
    any = true;
  }

  /** {@code id} was added again: its deliveries go on. */
  synchronized void added(String id) {
    removed.remove(id);
  }

  /** The subscription as it was when removed through this publisher, or null. */
  Subscription removedHere(String id) {
    if (!any) {
      return null;
    }
    synchronized (this) {
      return removed.get(id);
    }
  }

  /**
   * The subscription {@code id} was, if it was removed here or (the registry says) elsewhere: a
   * disabled placeholder for the latter; null if it was not removed, or the registry fails.
   */
  Subscription removed(String id) {
    Subscription here = removedHere(id);
    if (here != null) {
      return here;
    }
    try {
      return registry.removed(id) ? Dispatcher.placeholder(id) : null;
    } catch (RuntimeException e) {
      return null; // the registry is down: the delivery waits, as for an id never removed
    }
  }
}
