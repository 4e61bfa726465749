package dev.hookpost.internal.engine;

import dev.hookpost.DeliveryOutcome;
import dev.hookpost.Subscription;
import dev.hookpost.internal.store.DeliveryKey;
import dev.hookpost.spi.DeliveryStore;
import dev.hookpost.spi.StoredDelivery;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The send handles waiting for outcomes, by delivery: a cache of who waits for what, never a
 * record of what is pending (the store is). A waiter is completed once, by whoever removes it
 * from the map: the recorder that ended the delivery here, {@link #sweep} for deliveries that
 * another publisher ended, or shutdown.
 *
 * <p>A transactional send's delivery may never exist (its transaction rolled back): its waiter
 * carries a deadline (a lease after the send), and a sweep past it that finds no such delivery in
 * the store forgets the waiter, so nothing stays behind. A transaction that commits later than
 * that is still delivered; only its handle does not complete. Thread-safe: a chain changes only
 * inside the map's atomic {@code compute} for its key.
 */
final class Handles {
  /** The most deliveries one sweep looks up in the store. */
  static final int SWEEP_BATCH = 1_000;

  private final ConcurrentHashMap<DeliveryKey, Waiter> waiting = new ConcurrentHashMap<>();
  private Iterator<DeliveryKey> cursor; // guarded by this: where the next sweep goes on

  /**
   * One send's outcomes, one per matching subscription: the future {@code send} returns,
   * completed when the last one arrives. A future itself, and counting without an atomic object
   * of its own, as there is one per pending send (40 bytes less each).
   */
  static final class PendingSend extends CompletableFuture<List<DeliveryOutcome>> {
    private static final AtomicIntegerFieldUpdater<PendingSend> REMAINING =
        AtomicIntegerFieldUpdater.newUpdater(PendingSend.class, "remaining");
    private final DeliveryOutcome[] results;
    private volatile int remaining;

    PendingSend(int size) {
      this.results = new DeliveryOutcome[size];
      this.remaining = size;
      if (size == 0) {
        complete(List.of());
      }
    }

    /** Sets outcome {@code index}; each index is set once (its waiter is removed once). */
    void set(int index, DeliveryOutcome o) {
      results[index] = o;
      if (REMAINING.decrementAndGet(this) == 0) {
        complete(List.of(results));
      }
    }
  }

  /** A position in a send's outcomes, chained to later sends of the same delivery. */
  private static class Waiter {
    final PendingSend send;
    final int index;
    Waiter next;

    Waiter(PendingSend send, int index) {
      this.send = send;
      this.index = index;
    }

    /** Whether it may be forgotten at {@code now} if its delivery is not in the store. */
    boolean expired(Instant now) {
      return false;
    }
  }

  /** The waiter of a transactional send, whose delivery exists only if the transaction commits. */
  private static final class UncommittedWaiter extends Waiter {
    final Instant forgetAfter;

    UncommittedWaiter(PendingSend send, int index, Instant forgetAfter) {
      super(send, index);
      this.forgetAfter = forgetAfter;
    }

    @Override
    boolean expired(Instant now) {
      return now.isAfter(forgetAfter);
    }
  }

  /**
   * Makes outcome {@code index} of {@code send} wait for {@code key}'s delivery to end.
   *
   * @param forgetAfter for a transactional send, when to forget it if its delivery is not in the
   *     store (the transaction rolled back); null otherwise
   */
  void await(DeliveryKey key, PendingSend send, int index, Instant forgetAfter) {
    Waiter w = forgetAfter == null ? new Waiter(send, index) : new UncommittedWaiter(send, index, forgetAfter);
    waiting.merge(key, w, (head, added) -> {
      Waiter last = head;
      while (last.next != null) {
        last = last.next;
      }
      last.next = added;
      return head;
    });
  }

  /** Takes {@code send}'s waiter off {@code key} (its enqueue failed). */
  void forget(DeliveryKey key, PendingSend send) {
    waiting.computeIfPresent(key, (k, head) -> without(head, w -> w.send == send));
  }

  /**
   * Completes every send waiting for {@code key} with {@code outcome}.
   *
   * @return whether any was waiting
   */
  boolean complete(DeliveryKey key, DeliveryOutcome outcome) {
    Waiter chain = waiting.remove(key);
    fill(chain, outcome);
    return chain != null;
  }

  boolean isWaiting(DeliveryKey key) {
    return waiting.containsKey(key);
  }

  int size() {
    return waiting.size();
  }

  /** Every delivery waited for, for shutdown. */
  List<DeliveryKey> keys() {
    return new ArrayList<>(waiting.keySet());
  }

  /**
   * Completes the waiters whose delivery ended without this publisher knowing (another
   * instance ended it), reading up to {@link #SWEEP_BATCH} of them from the store in one
   * query, in turns so that every waiter is looked at; forgets transactional waiters past their
   * deadline whose delivery the store does not hold (rolled back).
   *
   * @param held deliveries this publisher works on itself (its recorder completes those)
   * @return how many waiters were completed
   */
  int sweep(DeliveryStore store, Function<String, Subscription> subscriptions, Predicate<DeliveryKey> held,
      Instant now) {
    Map<String, DeliveryKey> batch = new LinkedHashMap<>();
    Map<String, DeliveryKey> expired = new LinkedHashMap<>();
    for (DeliveryKey key : nextKeys()) {
      if (held.test(key)) {
        continue;
      }
      batch.put(key.deliveryId(), key);
      Waiter head = waiting.get(key);
      if (head != null && anyExpired(head, now)) {
        expired.put(key.deliveryId(), key);
      }
    }
    if (batch.isEmpty()) {
      return 0;
    }
    int completed = 0;
    for (StoredDelivery d : store.ended(batch.keySet())) {
      DeliveryKey key = batch.get(d.deliveryId());
      expired.remove(d.deliveryId());
      if (key != null && !held.test(key) && complete(key, Outcomes.ofStored(d, subscriptions.apply(d.subscriptionId())))) {
        completed++;
      }
    }
    if (!expired.isEmpty()) {
      for (StoredDelivery d : store.lookup(expired.keySet())) {
        expired.remove(d.deliveryId()); // it exists: pending, so it will end
      }
      for (DeliveryKey key : expired.values()) { // never stored: the transaction rolled back
        waiting.computeIfPresent(key, (k, head) -> without(head, w -> w.expired(now)));
      }
    }
    return completed;
  }

  /**
   * The next {@link #SWEEP_BATCH} waiting deliveries, going on where the last sweep stopped and
   * starting over at the end, so each sweep costs its batch, not the whole map (a publisher with
   * a large backlog waits for many).
   */
  private Set<DeliveryKey> nextKeys() {
    Set<DeliveryKey> keys = new LinkedHashSet<>();
    synchronized (this) {
      boolean restarted = false;
      while (keys.size() < SWEEP_BATCH) {
        if (cursor == null || !cursor.hasNext()) {
          if (restarted) {
            break; // the whole map fits in this batch
          }
          cursor = waiting.keySet().iterator(); // weakly consistent: keys added meanwhile come in a later round
          restarted = true;
          continue;
        }
        DeliveryKey key = cursor.next();
        if (waiting.containsKey(key) && !keys.add(key)) {
          break; // round the whole map since this batch began
        }
      }
    }
    return keys;
  }

  private static boolean anyExpired(Waiter head, Instant now) {
    for (Waiter w = head; w != null; w = w.next) {
      if (w.expired(now)) {
        return true;
      }
    }
    return false;
  }

  private static Waiter without(Waiter head, Predicate<Waiter> drop) {
    Waiter first = head;
    while (first != null && drop.test(first)) {
      first = first.next;
    }
    for (Waiter w = first; w != null && w.next != null; ) {
      if (drop.test(w.next)) {
        w.next = w.next.next;
      } else {
        w = w.next;
      }
    }
    return first;
  }

  private static void fill(Waiter chain, DeliveryOutcome outcome) {
    for (Waiter w = chain; w != null; w = w.next) {
      w.send.set(w.index, outcome);
    }
  }
}
