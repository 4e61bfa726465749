package dev.hookpost.internal.engine;

import dev.hookpost.DeliveryOutcome;
import dev.hookpost.Subscription;
import dev.hookpost.internal.store.DeliveryKey;
import dev.hookpost.spi.DeliveryStore;
import dev.hookpost.spi.StoredDelivery;
import dev.hookpost.spi.Transport;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;

/**
 * Closes a publisher: stops intake and claims, lets attempts on the wire finish until the
 * deadline, and reports everything this publisher was working on or waiting for that has not
 * ended as {@link DeliveryOutcome.Abandoned}, exactly once each (the claim's phase, and the
 * handles' removal, are the gates). Abandoned deliveries go back to the store, pending, for the
 * next publisher. Never throws: whatever the registry, the store or a listener does, the
 * transport and the scheduler are closed.
 */
final class Shutdown {
  /** How long to wait, past the deadline, for results already being written to the store. */
  private static final Duration RECORDING_GRACE = Duration.ofSeconds(5);

  private final DeliveryStore store;
  private final String owner;
  private final Clock clock;
  private final Lifecycle lifecycle;
  private final Dispatcher dispatcher;
  private final EndpointQueues queues;
  private final Held held;
  private final Handles handles;
  private final Recorder recorder;
  private final Transport transport;
  private final ScheduledExecutorService scheduler;
  private final boolean ownsScheduler;
  private final Duration lease;

  Shutdown(DeliveryStore store, String owner, Clock clock, Lifecycle lifecycle, Dispatcher dispatcher,
      EndpointQueues queues, Held held, Handles handles, Recorder recorder, Transport transport,
      ScheduledExecutorService scheduler, boolean ownsScheduler, Duration lease) {
    this.store = store;
    this.owner = owner;
    this.clock = clock;
    this.lifecycle = lifecycle;
    this.dispatcher = dispatcher;
    this.queues = queues;
    this.held = held;
    this.handles = handles;
    this.recorder = recorder;
    this.transport = transport;
    this.scheduler = scheduler;
    this.ownsScheduler = ownsScheduler;
    this.lease = lease;
  }

  /** Runs the shutdown once; later calls return an empty list at once. */
  List<DeliveryOutcome.Abandoned> run(Duration timeout) {
    if (!lifecycle.close()) {
      return List.of();
    }
    List<DeliveryOutcome.Abandoned> abandoned = new ArrayList<>();
    Set<String> told = new HashSet<>(); // abandoned claims, handed back to the store: not told again below
    try {
      dispatcher.stop();
      long deadline = System.nanoTime() + timeout.toNanos();
      // Waiting for their endpoint's slot: they will not start any more.
      queues.drainWaiting(c -> abandon(c, "the publisher closed before attempt " + (c.attempts + 1)
          + " could start", abandoned, told));
      for (Claim c : held.all()) {
        if (c.phase() == Claim.Phase.QUEUED) {
          abandon(c, "the publisher closed before attempt " + (c.attempts + 1) + " could start", abandoned, told);
        }
      }
      held.awaitEmpty(deadline); // attempts on the wire get until the deadline
      for (Claim c : held.all()) {
        abandon(c, "the publisher closed before attempt " + c.attempts + " finished (shutdown timeout " + timeout
            + "); it stays in " + store + " and is attempted again by the next publisher", abandoned, told);
      }
      held.awaitEmpty(System.nanoTime() + RECORDING_GRACE.toNanos()); // results being written finish
      if (!store.durable()) {
        abandonStored(abandoned, told);
      }
      abandonWaiting(abandoned);
    } catch (Throwable e) {
      Reporter.safely(() -> Reporter.log.error("shutting down the publisher failed part-way", e));
    } finally {
      closeQuietly();
    }
    if (!abandoned.isEmpty()) {
      Reporter.safely(() -> Reporter.log.warn("publisher closed with {} unfinished deliveries; they were reported as"
          + " Abandoned", abandoned.size()));
    }
    return List.copyOf(abandoned);
  }

  private void abandon(Claim c, String reason, List<DeliveryOutcome.Abandoned> out, Set<String> told) {
    if (c.abandon()) {
      told.add(c.id());
      out.add(recorder.abandon(c, reason));
    }
  }

  /**
   * A store in memory dies with the process: every delivery pending in it (waiting for a retry,
   * or not yet claimed) is handed back to the application now. They stay pending in the store.
   */
  private void abandonStored(List<DeliveryOutcome.Abandoned> out, Set<String> told) {
    Instant now = clock.instant();
    List<StoredDelivery> pending;
    try {
      pending = store.claim(Instant.MAX.minus(lease), Integer.MAX_VALUE, lease, owner + "/shutdown");
    } catch (RuntimeException e) {
      Reporter.safely(() -> Reporter.log.error("could not read what waits in {}", store, e));
      return;
    }
    for (StoredDelivery d : pending) {
      try {
        store.retry(d.deliveryId(), owner + "/shutdown", null, d.firstAttemptAt(), d.nextAttemptAt() != null ? d.nextAttemptAt() : now);
      } catch (RuntimeException e) {
        Reporter.safely(() -> Reporter.log.warn("could not release {} in {}", d.deliveryId(), store, e));
      }
      if (told.contains(d.deliveryId())) {
        continue;
      }
      Subscription s = dispatcher.subscription(d.subscriptionId());
      DeliveryOutcome.Abandoned a = Outcomes.abandoned(d, s, d.attempts(), d.attempts() == 0
          ? "the publisher closed before the first attempt"
          : "the publisher closed while the delivery waited for retry " + (d.attempts() + 1));
      recorder.tell(new DeliveryKey(d.eventId(), d.subscriptionId()), d.eventType(), a);
      out.add(a);
    }
  }

  /** Sends still waiting: an ended delivery tells its outcome; one still pending is abandoned here. */
  private void abandonWaiting(List<DeliveryOutcome.Abandoned> out) {
    List<DeliveryKey> keys = handles.keys();
    for (int from = 0; from < keys.size(); from += Handles.SWEEP_BATCH) {
      List<DeliveryKey> chunk = keys.subList(from, Math.min(keys.size(), from + Handles.SWEEP_BATCH));
      List<String> ids = new ArrayList<>(chunk.size());
      for (DeliveryKey k : chunk) {
        ids.add(k.deliveryId());
      }
      List<StoredDelivery> rows;
      try {
        rows = store.lookup(ids);
      } catch (RuntimeException e) {
        Reporter.safely(() -> Reporter.log.error("could not read deliveries from {} at shutdown", store, e));
        rows = List.of();
      }
      for (StoredDelivery d : rows) {
        DeliveryKey key = new DeliveryKey(d.eventId(), d.subscriptionId());
        Subscription s = dispatcher.subscription(d.subscriptionId());
        if (d.state().isFinal()) {
          handles.complete(key, Outcomes.ofStored(d, s));
        } else if (handles.isWaiting(key) && !held.holds(key)) {
          DeliveryOutcome.Abandoned a = Outcomes.abandoned(d, s, d.attempts(), "the publisher closed before"
              + " the delivery ended; it stays in " + store + " and is delivered by the next publisher");
          recorder.tell(key, d.eventType(), a);
          out.add(a);
        }
      }
    }
  }

  private void closeQuietly() {
    if (ownsScheduler) {
      try {
        scheduler.shutdownNow();
      } catch (Throwable e) {
        Reporter.safely(() -> Reporter.log.warn("stopping the scheduler failed", e));
      }
    }
    try {
      transport.close();
    } catch (Throwable e) {
      Reporter.safely(() -> Reporter.log.warn("closing transport {} failed", transport, e));
    }
  }
}
