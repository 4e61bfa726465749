package dev.hookpost.internal.engine;

import dev.hookpost.RetryPolicy;
import dev.hookpost.Subscription;
import dev.hookpost.internal.store.DeliveryKey;
import dev.hookpost.spi.StoredDelivery;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A delivery this publisher has claimed from the store and works on, under a lease. It is a
 * cache of the stored row: losing it loses nothing, as the row comes back when the lease ends.
 *
 * <p>Its {@link Phase} moves only forward, by compare-and-set: whoever moves it to
 * {@link Phase#DONE} (the recorder after an attempt, the dispatcher handing it back, or
 * shutdown abandoning it) is the one that reports it. Thread-safe.
 */
final class Claim {
  /** Where a claim stands in this publisher. */
  enum Phase {
    /** Claimed; waiting for its endpoint's slot (or for its skip to be recorded). */
    QUEUED,
    /** Its attempt is on the wire. */
    RUNNING,
    /** Its attempt finished and the result is being written to the store. */
    RECORDING,
    /** Recorded, handed back or abandoned: nobody touches it any more. */
    DONE
  }

  final StoredDelivery stored;
  final DeliveryKey key;
  final Subscription subscription;
  final RetryPolicy policy;
  /** Why it ends as skipped without an attempt (its subscription is disabled or gone), or null. */
  final String skip;
  private final AtomicReference<Phase> phase = new AtomicReference<>(Phase.QUEUED);
  /**
   * The lease's owner token in the store: one per claim batch, so that a release written late by
   * an earlier claim of the same delivery (the row was claimed again meanwhile) is refused by the
   * store instead of ending this claim's lease. Renewed with {@link #leaseUntil}.
   */
  volatile String lease;
  /** When this publisher's lease ends, as far as it knows; renewed when a claim finds it again. */
  volatile Instant leaseUntil;
  /** Its endpoint's queue once submitted, for releasing the slot it takes. */
  EndpointQueues.Queue queue;
  /** Set by the attempt runner before the attempt; read after it completes. */
  volatile Instant firstAttemptAt;
  volatile int attempts;

  Claim(StoredDelivery stored, Subscription subscription, RetryPolicy policy, String skip, String lease,
      Instant leaseUntil) {
    this.stored = stored;
    this.key = new DeliveryKey(stored.eventId(), stored.subscriptionId());
    this.subscription = subscription;
    this.policy = policy;
    this.skip = skip;
    this.lease = lease;
    this.leaseUntil = leaseUntil;
    this.attempts = stored.attempts();
    this.firstAttemptAt = stored.firstAttemptAt();
  }

  String id() {
    return stored.deliveryId();
  }

  Phase phase() {
    return phase.get();
  }

  /** Moves from {@code from} to {@code to}; false if another thread moved it first. */
  boolean move(Phase from, Phase to) {
    if (to.ordinal() <= from.ordinal()) {
      throw new IllegalArgumentException("a claim only moves forward, not from " + from + " to " + to);
    }
    return phase.compareAndSet(from, to);
  }

  /**
   * Moves to {@link Phase#DONE} from {@link Phase#QUEUED} or {@link Phase#RUNNING} (never from
   * {@link Phase#RECORDING}: a result being written is not abandoned).
   *
   * @return whether this call did it
   */
  boolean abandon() {
    return move(Phase.QUEUED, Phase.DONE) || move(Phase.RUNNING, Phase.DONE);
  }

  @Override
  public String toString() {
    return "Claim[" + stored.deliveryId() + ", " + phase.get() + "]";
  }
}
