package dev.hookpost.internal.engine;

import dev.hookpost.Attempt;
import dev.hookpost.DeliveryOutcome;
import dev.hookpost.Subscription;
import dev.hookpost.SubscriptionRegistry;
import dev.hookpost.internal.store.DeliveryKey;
import dev.hookpost.spi.AttemptRecord;
import dev.hookpost.spi.DeliveryState;
import dev.hookpost.spi.DeliveryStore;
import dev.hookpost.spi.StoredDelivery;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Consumer;

/**
 * Writes what happened to a claim into the store, and reports an outcome only when the store
 * took the change: the store's state transition is the gate, so an outcome is reported once
 * however many publishers, retries and shutdowns race for it. Callers move the claim to
 * {@link Claim.Phase#RECORDING} (or win {@link Claim#abandon}) first, so a claim is recorded by
 * one thread. Thread-safe; holds no lock.
 */
final class Recorder {
  private final DeliveryStore store;
  private final Clock clock;
  private final Held held;
  private final Handles handles;
  private final Reporter reporter;
  private final BacklogLimit backlog;
  private final EndpointHealth health;
  private final SubscriptionRegistry registry;
  /** Tells the dispatcher when a delivery handed back falls due. */
  private final Consumer<Instant> due;
  private final HandBacks handBacks = new HandBacks();
  private final Removals removals;

  Recorder(DeliveryStore store, Clock clock, Held held, Handles handles, Reporter reporter,
      BacklogLimit backlog, EndpointHealth health, SubscriptionRegistry registry, Consumer<Instant> due,
      Removals removals) {
    this.removals = removals;
    this.store = store;
    this.clock = clock;
    this.held = held;
    this.handles = handles;
    this.reporter = reporter;
    this.backlog = backlog;
    this.health = health;
    this.registry = registry;
    this.due = due;
  }

  /** An attempt of {@code c} finished; {@code c} is {@link Claim.Phase#RECORDING}. */
  void attempted(Claim c, Attempt attempt) {
    AttemptRecord record = record(attempt, clock.instant());
    Verdict verdict = Verdict.of(attempt, c.policy);
    if (verdict instanceof Verdict.Retry retry) {
      if (attempt.number() == 1) {
        backlog.add(c.subscription.id(), 1); // it starts failing
      }
      release(c, record, clock.instant().plus(retry.delay()), null);
      // Asked after the retry is written: a removal before it, here or elsewhere, is seen, and one
      // after it skips the retry with the other pending ones.
      boolean removed = gone(c.subscription.id());
      // Listeners last, with the claim let go: one that closes the publisher does not wait for itself.
      reporter.attempted(c.stored, c.subscription, attempt);
      if (removed) {
        skipPending(c.subscription); // it ends as skipped, not retried
      } else {
        reporter.retryScheduled(c.stored, c.subscription, attempt, retry.delay());
      }
      return;
    }
    Verdict.End end = (Verdict.End) verdict;
    end(c, end.state(), record, Outcomes.of(end, c, attempt), attempt);
    if (end.state() == DeliveryState.DELIVERED) {
      health.delivered(c.subscription.id());
    } else if (end.disable() != null) {
      disable(c.subscription, end.disable());
    } else if (end.state() == DeliveryState.FAILED && c.firstAttemptAt != null) {
      String unhealthy = health.failed(c.subscription.id(), c.firstAttemptAt, clock.instant());
      if (unhealthy != null) {
        disable(c.subscription, unhealthy);
      }
    }
  }

  /**
   * Recording {@code c} itself failed (a bug): it is let go in memory and stays leased in the
   * store, so it is attempted again when the lease ends, and reported then.
   */
  void failed(Claim c, Throwable bug) {
    Reporter.safely(() -> Reporter.log.error("recording the attempt of {} failed; it is attempted again when its"
        + " lease ends", c.id(), bug));
    c.move(Claim.Phase.RECORDING, Claim.Phase.DONE);
    held.remove(c);
  }

  /** Ends {@code c} without an attempt as skipped (its subscription is disabled or gone). */
  void skip(Claim c) {
    skip(c, c.skip);
  }

  /** Ends {@code c} without an attempt as skipped, for {@code reason}. */
  void skip(Claim c, String reason) {
    end(c, DeliveryState.SKIPPED, null, new DeliveryOutcome.Skipped(c.stored.eventId(), c.subscription,
        c.stored.attempts(), reason), null);
  }

  /**
   * Whether {@code c}'s subscription was removed through this publisher after it was claimed:
   * its attempt is not made ({@link #skip(Claim, String)} it instead). Cheap while nothing was removed.
   */
  boolean removedSinceClaimed(Claim c) {
    return removals.removedHere(c.subscription.id()) != null;
  }

  /**
   * Whether {@code id} was removed here or elsewhere and not added again: asks the registry when
   * not here, even while a cache of it still serves the subscription.
   */
  private boolean gone(String id) {
    return removals.removed(id) != null;
  }

  /**
   * Records {@code c}'s end and, if the store took it, reports {@code outcome}: the listeners
   * hear it and the sends waiting for it complete. If the store refused (another claim took the
   * delivery over) or failed, nothing is reported here: the delivery is still pending, and
   * whoever ends it reports it. The claim is let go before any listener runs, so a listener
   * that closes the publisher does not wait for itself.
   */
  private void end(Claim c, DeliveryState state, AttemptRecord record, DeliveryOutcome outcome, Attempt attempt) {
    boolean recorded = false;
    try {
      recorded = store.finish(c.id(), c.lease, state, record, c.firstAttemptAt, reasonOf(outcome));
      if (!recorded) {
        Reporter.safely(() -> Reporter.log.warn("lost the lease on {} before recording its end; another claim of it"
            + " ends it", c.id()));
      }
    } catch (RuntimeException e) {
      Reporter.safely(() -> Reporter.log.error("recording the end of {} in {} failed; it is attempted again when its"
          + " lease ends", c.id(), store, e));
    }
    boolean wasFailing = record != null ? record.number() > 1 : c.stored.attempts() > 0;
    if (recorded && wasFailing) {
      backlog.add(c.subscription.id(), -1); // a failing one ended
    }
    c.move(Claim.Phase.RECORDING, Claim.Phase.DONE);
    held.remove(c);
    if (recorded && c.stored.orderingKey() != null) {
      nextOfKey();
    }
    if (attempt != null) {
      reporter.attempted(c.stored, c.subscription, attempt);
    }
    if (recorded) {
      try {
        reporter.outcome(c.stored.eventType(), outcome);
      } finally {
        handles.complete(c.key, outcome);
      }
    }
  }

  /**
   * A keyed delivery ended: the next of its key may be claimed now. A store in memory says at
   * once whether anything is due (usually not: the next of the key is not sent yet), so the
   * dispatcher is woken only for it; a database is asked at the next claim.
   */
  private void nextOfKey() {
    if (store.durable()) {
      due.accept(clock.instant());
    } else {
      store.nextDue().ifPresent(due);
    }
  }

  /**
   * Hands {@code c} back to the store unattempted, due at {@code due}, if this thread moves it
   * from {@code from} to done (else shutdown took it first).
   */
  void handBack(Claim c, Claim.Phase from, Instant due, String why) {
    if (!c.move(from, Claim.Phase.DONE)) {
      return;
    }
    Reporter.safely(() -> Reporter.log.debug("{} goes back to {}: {}", c.id(), store, why));
    int often = handBacks.handedBack(clock.instant());
    if (often > 0) {
      Reporter.safely(() -> Reporter.log.warn("{} claimed deliveries went back to {} unattempted in the last {} (the"
          + " latest because {}); each is claimed again, but the publisher claims more than its endpoints can"
          + " start: lower maxInFlight or raise maxConcurrencyPerEndpoint", often, store, HandBacks.EVERY, why));
    }
    release(c, null, due, why);
  }

  /**
   * Lets go of {@code c} in memory, then in the store (in that order: a claim that finds the row
   * afterwards must take it as new, not as this one's lease renewal).
   */
  private void release(Claim c, AttemptRecord record, Instant dueAt, String why) {
    c.move(Claim.Phase.RECORDING, Claim.Phase.DONE);
    held.remove(c);
    try {
      if (!store.retry(c.id(), c.lease, record, c.firstAttemptAt, dueAt)) {
        Reporter.safely(() -> Reporter.log.warn("lost the lease on {} before recording its retry; another claim of"
            + " it goes on", c.id()));
      }
    } catch (RuntimeException e) {
      Reporter.safely(() -> Reporter.log.error("recording the retry of {} in {} failed; it is claimed again when its"
          + " lease ends", c.id(), store, e));
    }
    due.accept(dueAt);
  }

  /** Abandons {@code c} (shutdown): back to the store for whoever runs next. Caller won {@link Claim#abandon}. */
  DeliveryOutcome.Abandoned abandon(Claim c, String reason) {
    held.remove(c);
    try {
      store.retry(c.id(), c.lease, null, c.firstAttemptAt, clock.instant());
    } catch (RuntimeException e) {
      Reporter.safely(() -> Reporter.log.warn("could not hand {} back to {}; it is claimed again when its lease"
          + " ends", c.id(), store, e));
    }
    DeliveryOutcome.Abandoned a = Outcomes.abandoned(c.stored, c.subscription, c.attempts, reason);
    tell(c.key, c.stored.eventType(), a);
    return a;
  }

  /**
   * Ends the pending deliveries of {@code gone}, a removed subscription, that no attempt holds,
   * as skipped, and reports each.
   */
  void skipPending(Subscription gone) {
    String id = gone.id();
    for (StoredDelivery d : store.skipPending(id, ManagedRegistry.REMOVED, clock.instant())) {
      tell(new DeliveryKey(d.eventId(), id), d.eventType(),
          new DeliveryOutcome.Skipped(d.eventId(), gone, d.attempts(), ManagedRegistry.REMOVED));
    }
  }

  /** Reports an outcome this publisher decided without the store (at send time, or at shutdown). */
  void tell(DeliveryKey key, String eventType, DeliveryOutcome outcome) {
    try {
      reporter.outcome(eventType, outcome);
    } finally {
      if (key != null) {
        handles.complete(key, outcome);
      }
    }
  }

  private void disable(Subscription s, String reason) {
    health.reset(s.id());
    boolean changed;
    try {
      changed = registry.setEnabled(s.id(), false);
    } catch (RuntimeException e) {
      Reporter.safely(() -> Reporter.log.error("could not disable subscription {} in {}", s.id(), registry, e));
      return;
    }
    if (changed) {
      reporter.disabled(s, reason);
    }
  }

  static AttemptRecord record(Attempt a, Instant end) {
    return new AttemptRecord(a.number(), a.startedAt(), Duration.between(a.startedAt(), end),
        a.status().orElse(0), a.error().map(e -> a.describe().intern()).orElse(null)); // errors repeat: share
  }

  private static String reasonOf(DeliveryOutcome o) {
    if (o instanceof DeliveryOutcome.GaveUp g) {
      return g.reason();
    } else if (o instanceof DeliveryOutcome.Rejected r) {
      return r.reason();
    } else if (o instanceof DeliveryOutcome.Skipped s) {
      return s.reason();
    }
    return null;
  }
}
