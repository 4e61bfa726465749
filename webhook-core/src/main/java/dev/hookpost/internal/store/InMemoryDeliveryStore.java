package dev.hookpost.internal.store;

import dev.hookpost.DeliveryQueueFullException;

import dev.hookpost.spi.AttemptRecord;
import dev.hookpost.spi.DeliveryQuery;
import dev.hookpost.spi.DeliveryState;
import dev.hookpost.spi.DeliveryStore;
import dev.hookpost.spi.StoredDelivery;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Deliveries in this process's memory. Delivered and skipped deliveries are dropped when they
 * end (a compact record of the newest {@link #MAX_RECENTLY_ENDED} stays for {@link #lookup});
 * dead letters (failed, rejected) are kept, the newest {@link #MAX_DEAD_LETTERS}, so memory
 * stays bounded. Pending deliveries are bounded by {@code maxPending}: {@link #enqueue} throws
 * {@link DeliveryQueueFullException} past it. Thread-safe: one lock (this object's monitor),
 * held only for map and index updates, and waited on by {@link #awaitRoom}. Deliveries with an
 * ordering key are due only while first of their subscription's and key's chain ({@link KeyChains}).
 */
public final class InMemoryDeliveryStore implements DeliveryStore {
  /** Dead letters and skipped deliveries kept for inspection and requeue; older ones are dropped first. */
  static final int MAX_DEAD_LETTERS = 10_000;
  /** Ended deliveries remembered (without payload) after they are let go, for {@link #lookup}. */
  static final int MAX_RECENTLY_ENDED = 10_000;
  private static final int MAX_HISTORY = 20;

  // Written out rather than composed with Comparator.comparing: every enqueue, claim and end
  // compares several times, and the composed lambdas showed up in profiles.
  private static final Comparator<Entry> BY_DUE = (a, b) -> {
    int c = a.nextAttemptAt.compareTo(b.nextAttemptAt);
    return c != 0 ? c : Long.compare(a.seq, b.seq);
  };

  private final Map<DeliveryKey, Entry> byId = new HashMap<>();
  private final TreeSet<Entry> due = new TreeSet<>(BY_DUE);       // pending, not leased
  private final Leases leases = new Leases(); // pending and leased
  private final LinkedHashMap<DeliveryKey, Entry> deadLetters = new LinkedHashMap<>();
  private final KeyChains chains = new KeyChains();
  /** Delivered and skipped entries, without their payload, newest last. */
  private final LinkedHashMap<DeliveryKey, Entry> recentlyEnded = new LinkedHashMap<>();
  /** Per subscription id: pending deliveries with at least one failed attempt. */
  private final HashMap<String, Integer> failing = new HashMap<>();
  private final int maxPending;
  private int roomWaiters;
  private long seq;

  /**
   * @param maxPending the most pending deliveries held at once
   * @throws IllegalArgumentException if {@code maxPending} is below 1
   */
  public InMemoryDeliveryStore(int maxPending) {
    if (maxPending < 1) {
      throw new IllegalArgumentException("maxPending must be at least 1, was " + maxPending);
    }
    this.maxPending = maxPending;
  }

  private int pending() {
    return byId.size() - deadLetters.size();
  }

  /** {@inheritDoc} Waits on this store's monitor, woken whenever a delivery ends. */
  @Override
  public synchronized boolean awaitRoom(int deliveries, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (pending() + deliveries > maxPending) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return false;
      }
      roomWaiters++;
      try {
        wait(Math.max(1, left / 1_000_000));
      } finally {
        roomWaiters--;
      }
    }
    return true;
  }

  @Override
  public List<String> enqueue(String eventId, String eventType, byte[] payload, List<String> subscriptionIds,
      Instant dueAt) {
    return enqueue(eventId, eventType, payload, Map.of(), null, subscriptionIds, dueAt);
  }

  @Override
  public synchronized List<String> enqueue(String eventId, String eventType, byte[] payload,
      Map<String, String> metadata, String orderingKey, List<String> subscriptionIds, Instant dueAt) {
    Map<String, String> kept = Map.copyOf(metadata);
    int fresh = 0;
    for (String sub : subscriptionIds) {
      fresh += byId.containsKey(new DeliveryKey(eventId, sub)) ? 0 : 1;
    }
    if (fresh > 0 && pending() + fresh > maxPending) {
      throw new DeliveryQueueFullException("the publisher holds " + pending() + " pending deliveries (limit "
          + maxPending + ") in its in-memory store; event " + eventId + " needs " + fresh + " more and was not accepted");
    }
    List<String> added = new ArrayList<>(subscriptionIds.size());
    for (String sub : subscriptionIds) {
      DeliveryKey key = new DeliveryKey(eventId, sub);
      if (byId.containsKey(key)) {
        continue;
      }
      recentlyEnded.remove(key);
      Entry e = new Entry(key, eventType, payload, kept, orderingKey, dueAt, seq++);
      byId.put(key, e);
      if (orderingKey != null) {
        chains.add(e); // last of its chain: first only when the chain was empty
      }
      if (chains.claimable(e)) {
        due.add(e);
      }
      added.add(sub);
    }
    return added;
  }

  /** {@inheritDoc} It is kept among the dead letters (the newest {@link #MAX_DEAD_LETTERS}), not counted as pending. */
  @Override
  public synchronized boolean enqueueEnded(String eventId, String eventType, byte[] payload,
      Map<String, String> metadata, String orderingKey, String subscriptionId, DeliveryState state, String reason,
      Instant at) {
    DeliveryStore.checkEnded(state);
    DeliveryKey key = new DeliveryKey(eventId, subscriptionId);
    if (byId.containsKey(key)) {
      return false;
    }
    recentlyEnded.remove(key);
    Entry e = new Entry(key, eventType, payload, Map.copyOf(metadata), orderingKey, at, seq++);
    byId.put(key, e);
    e.state.checkMove(state);
    e.lastError = reason;
    endAs(e, state); // never in a key's chain: requeue puts it there
    return true;
  }

  @Override
  public synchronized List<StoredDelivery> claim(Instant now, int limit, Duration lease, String owner) {
    // Deliveries whose lease expired compete with the due ones, oldest due first; one this claim
    // does not take keeps its old lease, so that its owner can still record its end (as in the
    // JDBC stores, where a lease ends only when another claim takes the row).
    List<Entry> expired = leases.takeExpired(now);
    for (Entry e : expired) {
      if (chains.claimable(e)) {
        due.add(e);
      }
    }
    List<StoredDelivery> out = new ArrayList<>(Math.min(limit, due.size()));
    while (out.size() < limit && !due.isEmpty() && !due.first().nextAttemptAt.isAfter(now)) {
      Entry e = due.pollFirst();
      leases.give(e, owner, now.plus(lease));
      out.add(e.view());
    }
    for (Entry e : expired) {
      if (due.remove(e) || !chains.claimable(e)) { // not taken: still leased by its owner
        leases.keep(e);
      }
    }
    return out;
  }

  @Override
  public synchronized Optional<Instant> nextDue() {
    return due.isEmpty() ? Optional.empty() : Optional.of(due.first().nextAttemptAt);
  }

  @Override
  public synchronized boolean retry(String deliveryId, String owner, AttemptRecord attempt, Instant firstAttemptAt,
      Instant nextAttemptAt) {
    Entry e = leases.release(deliveryId, owner);
    if (e == null) {
      return false;
    }
    e.state.checkMove(DeliveryState.PENDING);
    boolean wasFailing = e.attempts > 0;
    record(e, attempt, firstAttemptAt, nextAttemptAt);
    if (!wasFailing && e.attempts > 0) {
      countFailing(e, 1);
    }
    e.nextAttemptAt = nextAttemptAt;
    if (chains.claimable(e)) {
      due.add(e);
    }
    return true;
  }

  @Override
  public synchronized boolean finish(String deliveryId, String owner, DeliveryState state, AttemptRecord attempt,
      Instant firstAttemptAt, String reason) {
    if (state == DeliveryState.PENDING) {
      throw new IllegalArgumentException("finish needs a final state, not PENDING; use retry to reschedule");
    }
    Entry e = leases.release(deliveryId, owner);
    if (e == null) {
      return false;
    }
    e.state.checkMove(state);
    if (e.attempts > 0) {
      countFailing(e, -1);
    }
    Instant now = attempt != null ? attempt.startedAt().plus(attempt.duration()) : e.updatedAt;
    record(e, attempt, firstAttemptAt, now);
    if (reason != null) {
      e.lastError = reason;
    }
    endAs(e, state);
    return true;
  }

  /**
   * Ends {@code e}: lets the next of its key go, keeps {@code e} for requeue when it ended
   * unsuccessfully, else only remembers it (without payload).
   */
  private void endAs(Entry e, DeliveryState state) {
    e.state = state;
    Entry next = chains.remove(e);
    if (next != null && next.owner == null) {
      due.add(next); // the next of its key may go now
    }
    if (state.isRequeueable()) {
      deadLetters.put(e.key, e);
      if (deadLetters.size() > MAX_DEAD_LETTERS) {
        Iterator<Entry> oldest = deadLetters.values().iterator();
        byId.remove(oldest.next().key);
        oldest.remove();
      }
    } else {
      byId.remove(e.key);
      e.payload = null; // remembered for lookup, not kept
      e.history = null;
      recentlyEnded.put(e.key, e);
      if (recentlyEnded.size() > MAX_RECENTLY_ENDED) {
        Iterator<Entry> oldest = recentlyEnded.values().iterator();
        oldest.next();
        oldest.remove();
      }
    }
    if (roomWaiters > 0) {
      notifyAll();
    }
  }

  @Override
  public synchronized List<StoredDelivery> skipPending(String subscriptionId, String reason, Instant now) {
    List<Entry> waiting = new ArrayList<>(); // due, and those waiting behind an earlier one of their key
    for (Entry e : byId.values()) {
      if (e.state == DeliveryState.PENDING && e.owner == null && e.key.subscriptionId().equals(subscriptionId)) {
        waiting.add(e);
      }
    }
    List<StoredDelivery> out = new ArrayList<>(waiting.size());
    for (Entry e : waiting) {
      e.state.checkMove(DeliveryState.SKIPPED);
      due.remove(e);
      if (e.attempts > 0) {
        countFailing(e, -1);
      }
      e.lastError = reason;
      e.updatedAt = now;
      endAs(e, DeliveryState.SKIPPED);
      out.add(e.view());
    }
    return out;
  }

  private void countFailing(Entry e, int delta) {
    failing.merge(e.key.subscriptionId(), delta, (a, b) -> a + b == 0 ? null : a + b);
  }

  @Override
  public synchronized int countFailing(String subscriptionId) {
    return failing.getOrDefault(subscriptionId, 0);
  }

  @Override
  public synchronized List<StoredDelivery> lookup(Collection<String> deliveryIds) {
    List<StoredDelivery> out = new ArrayList<>(deliveryIds.size());
    for (String id : deliveryIds) {
      DeliveryKey key = DeliveryKey.of(id);
      Entry e = byId.get(key);
      if (e == null) {
        e = recentlyEnded.get(key);
      }
      if (e != null) {
        out.add(e.view());
      }
    }
    return out;
  }

  private static void record(Entry e, AttemptRecord attempt, Instant firstAttemptAt, Instant now) {
    if (firstAttemptAt != null && e.firstAttemptAt == null) {
      e.firstAttemptAt = firstAttemptAt;
    }
    if (attempt != null) {
      if (e.history == null && e.attempts >= 1 && e.firstAttemptAt != null) {
        e.history = new ArrayDeque<>(4);
        e.history.add(e.firstAttempt());
      }
      if (e.history != null) {
        e.history.add(attempt);
        if (e.history.size() > MAX_HISTORY) {
          e.history.poll();
        }
      }
      e.attempts = Math.max(e.attempts, attempt.number());
      e.lastStatus = attempt.status();
      e.lastError = attempt.error();
      now = attempt.startedAt().plus(attempt.duration());
    }
    e.updatedAt = now;
  }

  @Override
  public synchronized List<StoredDelivery> find(DeliveryQuery query) {
    List<StoredDelivery> out = new ArrayList<>();
    List<Entry> all = new ArrayList<>(byId.values());
    all.sort(Comparator.comparingLong(e -> e.seq));
    for (Entry e : all) {
      if (out.size() >= query.limit()) {
        break;
      }
      StoredDelivery d = e.view();
      if (query.matches(d)) {
        out.add(d);
      }
    }
    return out;
  }

  @Override
  public synchronized int count(DeliveryQuery query) {
    int n = 0;
    for (Entry e : byId.values()) {
      n += query.states().contains(e.state) && query.matches(e.view()) ? 1 : 0;
    }
    return n;
  }

  @Override
  public synchronized List<AttemptRecord> history(String deliveryId) {
    Entry e = byId.get(DeliveryKey.of(deliveryId));
    return e == null ? List.of() : e.attempts();
  }

  @Override
  public synchronized int requeue(DeliveryQuery query, Instant dueAt) {
    int n = 0;
    for (Entry e : new ArrayList<>(deadLetters.values())) {
      if (n >= query.limit() || !query.matches(e.view())) {
        continue;
      }
      e.state.checkMove(DeliveryState.PENDING);
      deadLetters.remove(e.key);
      e.history = new ArrayDeque<>(e.attempts()); // the fields that held the first attempt are reset below
      e.state = DeliveryState.PENDING;
      e.attempts = 0;
      e.firstAttemptAt = null;
      e.nextAttemptAt = dueAt;
      e.updatedAt = dueAt;
      if (e.orderingKey != null) {
        Entry displaced = chains.add(e); // by enqueue order: it may go ahead of later ones still waiting
        if (displaced != null) {
          due.remove(displaced);
        }
      }
      if (chains.claimable(e)) {
        due.add(e);
      }
      n++;
    }
    return n;
  }

  @Override
  public synchronized int purge(Instant olderThan) {
    int n = 0;
    for (Iterator<Entry> it = deadLetters.values().iterator(); it.hasNext(); ) {
      Entry e = it.next();
      if (e.updatedAt.isBefore(olderThan)) {
        it.remove();
        byId.remove(e.key);
        n++;
      }
    }
    for (Entry e : byId.values()) {
      if (e.history == null) {
        e.history = new ArrayDeque<>(e.attempts()); // an empty history means "purged", not "one attempt"
      }
      e.history.removeIf(a -> a.startedAt().isBefore(olderThan));
    }
    return n;
  }

  @Override
  public boolean durable() {
    return false;
  }

  @Override
  public synchronized String toString() {
    return "InMemoryDeliveryStore[" + byId.size() + " deliveries, " + deadLetters.size() + " dead letters]";
  }
}
