package dev.hookpost.spi;

import dev.hookpost.DeliveryQueueFullException;
import dev.hookpost.internal.store.InMemoryDeliveryStore;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where deliveries wait: the publisher enqueues one per matching subscription, claims those due,
 * and records how each attempt went. {@link #inMemory()} is the default; the {@code webhook-jdbc}
 * module keeps them in a database so they survive a crash and several publisher instances can
 * share the work.
 *
 * <p>Claims take a lease: a claimed delivery is not handed to another claimer until its lease
 * expires (its claimer died) or the claimer records a retry or an end. Every method that changes
 * a claimed delivery names the claimer ({@code owner}); a change from an owner whose lease was
 * taken over is ignored and returns false.
 *
 * <p>The store is the one truth about a delivery: its {@link DeliveryState} changes only as
 * {@link DeliveryState#checkMove} allows, and a change that succeeds (a method returning true)
 * is the gate that lets exactly one publisher report the delivery's outcome. Several publishers
 * may share one store; whatever a publisher keeps in memory is rebuilt from it.
 *
 * <p>Implementations must be thread-safe.
 */
public interface DeliveryStore {

  /**
   * Stores an event's envelope once and one {@link DeliveryState#PENDING} delivery per
   * subscription, due at {@code dueAt}. Enqueuing the same event and subscription again changes
   * nothing, whatever state the stored delivery is in.
   *
   * @return the subscription ids that got a new delivery (the others had one already)
   * @throws DeliveryQueueFullException if the store bounds what it holds and is full (nothing
   *     was stored)
   */
  List<String> enqueue(String eventId, String eventType, byte[] payload, List<String> subscriptionIds, Instant dueAt);

  /**
   * Like {@link #enqueue(String, String, byte[], List, Instant)}, with what the publisher keeps
   * beside the envelope. The publisher calls this one.
   *
   * <ul>
   *   <li>{@code metadata}: what {@link AttemptInterceptor#capture} returned, kept with the event
   *       and handed back as every one of its deliveries' {@link StoredDelivery#metadata()}
   *       (empty: nothing kept).
   *   <li>{@code orderingKey} (null: none): a store that keeps keys claims a delivery with a key
   *       only when no delivery of the same subscription and key enqueued before it is still
   *       {@link DeliveryState#PENDING} (waiting, leased or waiting for a retry), so that each
   *       key's deliveries are attempted one at a time in enqueue order.
   * </ul>
   *
   * <p>Default: refuses a key, else the plain {@code enqueue}, which drops the metadata. The
   * in-memory store and {@code JdbcDeliveryStore} keep both.
   *
   * @throws UnsupportedOperationException if {@code orderingKey} is not null and this store does
   *     not keep keys (nothing was stored)
   * @throws DeliveryQueueFullException if the store bounds what it holds and is full (nothing
   *     was stored)
   */
  default List<String> enqueue(String eventId, String eventType, byte[] payload, Map<String, String> metadata,
      String orderingKey, List<String> subscriptionIds, Instant dueAt) {
    if (orderingKey != null) {
      throw new UnsupportedOperationException(this + " does not keep ordering keys, so event " + eventId
          + " was not stored; use the in-memory store or JdbcDeliveryStore, or send it without a key");
    }
    return enqueue(eventId, eventType, payload, subscriptionIds, dueAt);
  }

  /**
   * Stores a delivery that ended before any attempt, as a dead letter that {@link #find} shows
   * and {@link #requeue} makes pending again: what the publisher does with a delivery it gives up
   * at once (its subscription is past {@code maxPendingPerSubscription}). The envelope is stored
   * as by {@link #enqueue}; the delivery is in {@code state} with no attempt, {@code reason} as
   * its last error, ended at {@code at}. If the store holds a delivery of this event and
   * subscription already, nothing changes.
   *
   * <p>Default: stores nothing and returns false (the outcome is still reported; only requeue
   * cannot bring it back). The in-memory store and {@code JdbcDeliveryStore} store it.
   *
   * @param state a state {@link DeliveryState#isRequeueable() requeue can leave}, e.g.
   *     {@link DeliveryState#FAILED}
   * @return whether it was stored
   * @throws IllegalArgumentException if {@code state} is not requeueable
   */
  default boolean enqueueEnded(String eventId, String eventType, byte[] payload, Map<String, String> metadata,
      String orderingKey, String subscriptionId, DeliveryState state, String reason, Instant at) {
    checkEnded(state);
    return false;
  }

  /**
   * Checks {@link #enqueueEnded}'s {@code state}.
   *
   * @throws IllegalArgumentException if {@code state} is not requeueable
   */
  static void checkEnded(DeliveryState state) {
    if (state == null || !state.isRequeueable()) {
      throw new IllegalArgumentException("enqueueEnded stores a dead letter that requeue can bring back, so its state"
          + " must be FAILED, REJECTED or SKIPPED, was " + state);
    }
  }

  /**
   * Claims up to {@code limit} pending deliveries due at {@code now} whose lease is free or
   * expired, oldest due first, leasing them to {@code owner} until {@code now + lease}.
   */
  List<StoredDelivery> claim(Instant now, int limit, Duration lease, String owner);

  /**
   * When the earliest pending delivery not under a live lease falls due, if any. One whose lease
   * expired may count from then on, or only once a claim took it back (the in-memory store); the
   * engine polls durable stores, so it is claimed either way.
   */
  Optional<Instant> nextDue();

  /**
   * Records a failed attempt and makes the delivery due again at {@code nextAttemptAt}, releasing
   * the lease.
   *
   * @return false if {@code owner} no longer holds the lease (the change was ignored)
   */
  boolean retry(String deliveryId, String owner, AttemptRecord attempt, Instant firstAttemptAt,
      Instant nextAttemptAt);

  /**
   * Records how a delivery ended ({@code attempt} is null when none was made) and releases it.
   *
   * @param state any state but {@link DeliveryState#PENDING}
   * @param reason why it ended, for dead letters; null when delivered
   * @return false if {@code owner} no longer holds the lease (the change was ignored)
   */
  boolean finish(String deliveryId, String owner, DeliveryState state, AttemptRecord attempt,
      Instant firstAttemptAt, String reason);

  /** Deliveries matching {@code query}, oldest first. */
  List<StoredDelivery> find(DeliveryQuery query);

  /**
   * How many deliveries match {@code query}, whatever its limit: what a gauge of pending
   * deliveries reads. Default: the size of {@link #find} with the largest limit, so at most
   * {@link DeliveryQuery#MAX_LIMIT}; the in-memory store and {@code JdbcDeliveryStore} count
   * them all without reading them.
   */
  default int count(DeliveryQuery query) {
    return find(query.limit(DeliveryQuery.MAX_LIMIT)).size();
  }

  /**
   * The deliveries with these ids, in any state, payload included. Ids the store does not hold
   * (never enqueued, rolled back, purged) are left out; the in-memory store also remembers
   * recently ended deliveries (without their payload) after letting them go.
   */
  List<StoredDelivery> lookup(Collection<String> deliveryIds);

  /**
   * The deliveries with these ids that have ended ({@link DeliveryState#isFinal()}): what a
   * publisher polls to complete the sends whose deliveries another publisher ended. Default:
   * {@link #lookup} without the pending ones; a database store reads only the ended rows.
   */
  default List<StoredDelivery> ended(Collection<String> deliveryIds) {
    return lookup(deliveryIds).stream().filter(d -> d.state().isFinal()).toList();
  }

  /**
   * How many of {@code subscriptionId}'s deliveries are pending after at least one failed
   * attempt: its backlog of failing deliveries, the same number for every publisher sharing the
   * store.
   */
  int countFailing(String subscriptionId);

  /**
   * Waits until the store has room for {@code deliveries} more pending ones, for at most
   * {@code timeout}. Stores without a bound of their own (a database is its own bound) return
   * true at once, which is the default.
   *
   * @return whether there is room now (a concurrent enqueue may still take it)
   * @throws InterruptedException if the thread is interrupted while waiting
   */
  default boolean awaitRoom(int deliveries, Duration timeout) throws InterruptedException {
    return true;
  }

  /**
   * Ends every pending delivery of {@code subscriptionId} that no live lease holds (at
   * {@code now}) as {@link DeliveryState#SKIPPED} with {@code reason}: what removing a
   * subscription does. Those under a live lease end as their attempt decides.
   *
   * @return the deliveries this call ended (the caller reports them)
   */
  List<StoredDelivery> skipPending(String subscriptionId, String reason, Instant now);

  /** One delivery's attempts, oldest first, as far as the retention limit kept them. */
  List<AttemptRecord> history(String deliveryId);

  /**
   * Makes the deliveries matching {@code query} that ended unsuccessfully
   * ({@link DeliveryState#isRequeueable()}: failed, rejected or skipped) pending again, due at {@code dueAt}, with a fresh
   * attempt count (history is kept).
   *
   * @return how many were requeued
   */
  int requeue(DeliveryQuery query, Instant dueAt);

  /**
   * Deletes attempt history, and finished deliveries with their events, older than
   * {@code olderThan}.
   *
   * @return how many deliveries were deleted
   */
  int purge(Instant olderThan);

  /**
   * Deletes up to {@code limit} ended deliveries whose retention is over, with their attempts,
   * and the events left without deliveries: {@link DeliveryState#DELIVERED} ones that last changed
   * before {@code deliveredBefore}, and those that can be requeued ({@link DeliveryState#isRequeueable()}:
   * failed, rejected, skipped) before {@code deadLettersBefore}. Pending deliveries are never
   * deleted. The publisher calls it on its retention schedule ({@code WebhookPublisher.Builder.retention}),
   * again after a short pause while a call deletes {@code limit}, so that no call holds locks
   * for long.
   *
   * <p>Default: {@link #purge} of everything ended before the earlier instant, in one call
   * (it keeps more, and is not bounded by {@code limit}), and nothing when either is null;
   * {@code JdbcDeliveryStore} deletes in bounded transactions.
   *
   * @param deliveredBefore null: keep delivered ones
   * @param deadLettersBefore null: keep failed, rejected and skipped ones
   * @return how many deliveries were deleted
   */
  default int purgeEnded(Instant deliveredBefore, Instant deadLettersBefore, int limit) {
    if (deliveredBefore == null || deadLettersBefore == null) {
      return 0;
    }
    return purge(deliveredBefore.isBefore(deadLettersBefore) ? deliveredBefore : deadLettersBefore);
  }

  /**
   * Called once a purge round of the publisher's retention schedule has deleted {@code purged}
   * deliveries ({@link #purgeEnded} until a call deleted fewer than asked), so that a database
   * store can give the freed space back. Runs on the publisher's scheduler, so work that takes
   * long belongs on a thread of the store's own; what it throws is logged. Default: nothing. {@code JdbcDeliveryStore} on PostgreSQL vacuums its
   * tables after a large round and rebuilds their indexes when the round deleted more than it left.
   *
   * @param purged at least 1
   */
  default void afterPurge(int purged) {}

  /** Whether deliveries survive the JVM (a database), rather than living in this process only. */
  boolean durable();

  /**
   * Subscribes {@code wake} to the news that deliveries were stored where this publisher cannot
   * see it happen: a transaction that enqueued through {@code send(event, connection)} committed,
   * or another publisher instance sent. The engine subscribes its dispatcher when it starts (a
   * wake-up runs one claim at once instead of at the next poll) and closes the subscription when
   * it shuts down; the poll stays as the safety net, so a store may miss news or have none.
   *
   * <p>Contract for {@code wake}: it may be called on any thread the store owns, and spuriously
   * (when nothing new is due, or several times for one change); it never blocks nor throws.
   * The subscription's {@code close()} stops the calls soon after (one already under way may
   * still finish) and throws nothing.
   *
   * <p>Default: no news (the same-JVM case is woken by the publisher itself), returns a
   * subscription that does nothing. {@code JdbcDeliveryStore} on PostgreSQL listens with
   * {@code LISTEN/NOTIFY}.
   *
   * @return closes the subscription
   */
  default AutoCloseable onNewDeliveries(Runnable wake) {
    java.util.Objects.requireNonNull(wake, "wake");
    return () -> { };
  }

  /**
   * A thread-safe store in this process's memory: fast, and lost when the JVM stops. Holds at
   * most 100,000 pending deliveries; see {@link #inMemory(int)}.
   */
  static DeliveryStore inMemory() {
    return inMemory(100_000);
  }

  /**
   * A store in this process's memory that holds at most {@code maxPending} pending deliveries:
   * past it, {@link #enqueue} throws {@link DeliveryQueueFullException}.
   *
   * @throws IllegalArgumentException if {@code maxPending} is below 1
   */
  static DeliveryStore inMemory(int maxPending) {
    return new InMemoryDeliveryStore(maxPending);
  }
}
