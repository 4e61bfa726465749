package dev.hookpost.internal.store;

import java.util.HashMap;
import java.util.Map;
import java.util.TreeSet;

/**
 * The unended deliveries of each (subscription, ordering key), in enqueue order: only the first
 * of a chain may be claimed. Deliveries without a key are not held here. Not thread-safe: used
 * under {@link InMemoryDeliveryStore}'s lock.
 */
final class KeyChains {
  private record Chain(String subscriptionId, String orderingKey) {}

  private final Map<Chain, TreeSet<Entry>> chains = new HashMap<>();

  private static Chain chainOf(Entry e) {
    return new Chain(e.key.subscriptionId(), e.orderingKey);
  }

  /**
   * Adds an entry that is pending (new, or requeued), in enqueue order.
   *
   * @return the chain's first entry before, if {@code e} took its place (it must stop being due); else null
   */
  Entry add(Entry e) {
    TreeSet<Entry> chain = chains.computeIfAbsent(chainOf(e), k -> new TreeSet<>((a, b) -> Long.compare(a.seq, b.seq)));
    Entry first = chain.isEmpty() ? null : chain.first();
    chain.add(e);
    return first != null && chain.first() == e ? first : null;
  }

  /** Whether {@code e} may be claimed: it has no key, or it is the first of its chain. */
  boolean claimable(Entry e) {
    if (e.orderingKey == null) {
      return true;
    }
    TreeSet<Entry> chain = chains.get(chainOf(e));
    return chain != null && chain.first() == e;
  }

  /**
   * Removes an entry that ended.
   *
   * @return the chain's new first entry, which may be claimed now, or null
   */
  Entry remove(Entry e) {
    if (e.orderingKey == null) {
      return null;
    }
    Chain key = chainOf(e);
    TreeSet<Entry> chain = chains.get(key);
    if (chain == null) {
      return null;
    }
    boolean wasFirst = chain.first() == e;
    chain.remove(e);
    if (chain.isEmpty()) {
      chains.remove(key);
      return null;
    }
    return wasFirst ? chain.first() : null;
  }
}
