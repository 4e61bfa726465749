package dev.hookpost.internal.store;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * The in-memory store's leased deliveries, by the delivery id handed out with the claim, in claim
 * order: ending a claimed delivery finds it without parsing its id. While every lease ends no
 * earlier than the ones given before it (one lease length, a clock that goes forward), claim order
 * is the order they end in, and looking for expired ones stops at the first live one; once a
 * lease ended earlier than an older one, it looks at them all until the live ones are in order
 * again. Not thread-safe: guarded by {@link InMemoryDeliveryStore}'s monitor.
 */
final class Leases {
  private final LinkedHashMap<String, Entry> leased = new LinkedHashMap<>();
  /** The latest end of a lease given so far; null before the first. */
  private Instant latestLeaseEnd;
  /** Whether a lease was given that ends before an older one: claim order is then not expiry order. */
  private boolean outOfOrder;

  /** Removes and returns the deliveries whose lease ended at {@code now} (they keep owner and lease end). */
  List<Entry> takeExpired(Instant now) {
    List<Entry> expired = List.of();
    Instant previousEnd = null; // of the live leases looked at, to see whether they are in order again
    boolean inOrder = true;
    for (Iterator<Entry> it = leased.values().iterator(); it.hasNext(); ) {
      Entry e = it.next();
      if (e.leaseUntil.isAfter(now)) {
        if (!outOfOrder) {
          break;
        }
        inOrder &= previousEnd == null || !e.leaseUntil.isBefore(previousEnd);
        previousEnd = e.leaseUntil;
        continue;
      }
      it.remove();
      if (expired.isEmpty()) {
        expired = new ArrayList<>();
      }
      expired.add(e);
    }
    if (inOrder) {
      outOfOrder = false; // the leases that ended early have all ended: stop at the first live one again
    }
    return expired;
  }

  /** Leases {@code e} to {@code owner} until {@code until}. */
  void give(Entry e, String owner, Instant until) {
    e.owner = owner;
    e.leaseUntil = until;
    if (latestLeaseEnd != null && until.isBefore(latestLeaseEnd)) {
      outOfOrder = true;
    } else {
      latestLeaseEnd = until;
    }
    leased.put(e.id(), e);
  }

  /** Puts back an expired lease no claim took: it stays its owner's, now behind leases that end later. */
  void keep(Entry e) {
    leased.put(e.id(), e);
    outOfOrder = true;
  }

  /** Ends {@code owner}'s lease on a delivery; null when it holds none (the change is ignored). */
  Entry release(String deliveryId, String owner) {
    Entry e = leased.get(deliveryId);
    if (e == null || !owner.equals(e.owner)) {
      return null;
    }
    leased.remove(deliveryId);
    e.owner = null;
    e.leaseUntil = null;
    return e;
  }
}
