package dev.hookpost.internal.store;

import java.util.HashMap;
import java.util.Map;

/**
 * The unended deliveries of each (subscription, ordering key), in enqueue order: only the first
 * of a chain may be claimed. Deliveries without a key are not held here. Each chain is a list
 * linked through its entries ({@link Entry#chain}, {@link Entry#chainPrev}, {@link Entry#chainNext}),
 * so that asking whether an entry is first, and removing it, look nothing up; only adding finds
 * the chain, by subscription then key (no key object is made). Not thread-safe: used under
 * {@link InMemoryDeliveryStore}'s lock.
 */
final class KeyChains {
  /** One chain's ends; empty chains are dropped (a subscription's map of them is kept, one per subscription). */
  static final class Chain {
    private Entry first;
    private Entry last;
  }

  private final Map<String, Map<String, Chain>> bySubscription = new HashMap<>();

  /**
   * Adds an entry that is pending (new, or requeued), in enqueue order ({@link Entry#seq}).
   *
   * @return the chain's first entry before, if {@code e} took its place (it must stop being due); else null
   */
  Entry add(Entry e) {
    Map<String, Chain> keys = bySubscription.computeIfAbsent(e.key.subscriptionId(), s -> new HashMap<>());
    Chain chain = keys.get(e.orderingKey);
    if (chain == null) {
      chain = new Chain();
      keys.put(e.orderingKey, chain);
    }
    e.chain = chain;
    Entry after = chain.last; // new deliveries go last; a requeued one goes back to its place
    while (after != null && after.seq > e.seq) {
      after = after.chainPrev;
    }
    Entry before = after == null ? chain.first : after.chainNext;
    e.chainPrev = after;
    e.chainNext = before;
    if (before == null) {
      chain.last = e;
    } else {
      before.chainPrev = e;
    }
    if (after == null) {
      chain.first = e;
      return before; // e displaced the first, if there was one
    }
    after.chainNext = e;
    return null;
  }

  /** Whether {@code e} may be claimed: it has no key, or it is the first of its chain. */
  boolean claimable(Entry e) {
    return e.orderingKey == null || (e.chain != null && e.chain.first == e);
  }

  /**
   * Removes an entry that ended.
   *
   * @return the chain's new first entry, which may be claimed now, or null
   */
  Entry remove(Entry e) {
    Chain chain = e.chain;
    if (chain == null) {
      return null;
    }
    boolean wasFirst = chain.first == e;
    if (e.chainPrev == null) {
      chain.first = e.chainNext;
    } else {
      e.chainPrev.chainNext = e.chainNext;
    }
    if (e.chainNext == null) {
      chain.last = e.chainPrev;
    } else {
      e.chainNext.chainPrev = e.chainPrev;
    }
    e.chain = null;
    e.chainPrev = null;
    e.chainNext = null;
    if (chain.first == null) { // the subscription's map stays, empty: its next keyed delivery needs it again
      bySubscription.get(e.key.subscriptionId()).remove(e.orderingKey);
      return null;
    }
    return wasFirst ? chain.first : null;
  }
}
