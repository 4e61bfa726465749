package dev.hookpost.internal.engine;

import dev.hookpost.DeliveryOutcome;
import dev.hookpost.DeliveryQueueFullException;
import dev.hookpost.Event;
import dev.hookpost.EventCodec;
import dev.hookpost.Subscription;
import dev.hookpost.SubscriptionRegistry;
import dev.hookpost.WebhookException;
import dev.hookpost.internal.store.DeliveryKey;
import dev.hookpost.spi.DeliveryState;
import dev.hookpost.spi.DeliveryStore;
import dev.hookpost.spi.StoredDelivery;
import dev.hookpost.spi.TransactionalDeliveryStore;
import java.sql.Connection;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * Accepts an event: validates it, serializes it once, matches subscriptions, stores one
 * delivery per matching enabled subscription, and makes the send's handle wait for them. Never
 * drops: an event is stored, or {@code send} throws. Thread-safe; holds the lifecycle's read
 * lock while it stores, never while it waits for room.
 */
final class Intake {
  /**
   * How many deliveries a send claims and starts itself when claims are cheap (the store is in
   * memory): the first attempt then needs no wake-up of the dispatcher's thread.
   */
  private static final int START_IN_SEND = 4;
  /** The end of a given-up delivery's reason when the store kept it. */
  private static final String KEPT = "; it is kept as a dead letter: requeue it (deliveries().requeue) once the"
      + " endpoint recovers, or raise maxPendingPerSubscription";

  private final DeliveryStore store;
  private final SubscriptionRegistry registry;
  private final EventCodec codec;
  private final Clock clock;
  private final EngineSettings settings;
  private final Lifecycle lifecycle;
  private final Handles handles;
  private final BacklogLimit backlog;
  private final Dispatcher dispatcher;
  private final AttemptRunner runner;
  private final Recorder recorder;
  private final Interceptors interceptors;

  Intake(DeliveryStore store, SubscriptionRegistry registry, EventCodec codec, Clock clock, EngineSettings settings,
      Lifecycle lifecycle, Handles handles, BacklogLimit backlog, Dispatcher dispatcher, AttemptRunner runner,
      Recorder recorder, Interceptors interceptors) {
    this.store = store;
    this.registry = registry;
    this.codec = codec;
    this.clock = clock;
    this.settings = settings;
    this.lifecycle = lifecycle;
    this.handles = handles;
    this.backlog = backlog;
    this.dispatcher = dispatcher;
    this.runner = runner;
    this.recorder = recorder;
    this.interceptors = interceptors;
  }

  /** See {@code WebhookPublisher.send}; {@code connection} is null outside a transaction. */
  CompletableFuture<java.util.List<DeliveryOutcome>> send(Event event, Connection connection) {
    if (event == null) {
      throw new IllegalArgumentException("event is required; create one with Event.of(type, data)");
    }
    if (connection != null && !(store instanceof TransactionalDeliveryStore)) {
      throw new IllegalStateException("send(event, connection) needs a transactional store such as"
          + " JdbcDeliveryStore from webhook-jdbc; this publisher uses " + store);
    }
    if (lifecycle.closed()) {
      throw closed(event);
    }
    byte[] body = codec.encode(event); // once: every subscription and attempt shares these bytes
    if (body.length > settings.maxPayloadBytes()) {
      throw new IllegalArgumentException("event " + event.id() + " serializes to " + body.length
          + " bytes, over the limit of " + settings.maxPayloadBytes() + " bytes; send a smaller payload (e.g."
          + " an id the receiver can fetch details with) or raise maxPayloadBytes");
    }
    List<Subscription> matching = ContentMatch.keep(registry.matching(event.tenant(), event.type()), body, event.id());
    Handles.PendingSend send = new Handles.PendingSend(matching.size());
    List<Subscription> toStore = new ArrayList<>(matching.size());
    List<Integer> indexes = new ArrayList<>(matching.size());
    List<DeliveryOutcome> told = new ArrayList<>(0);
    List<Integer> toldIndexes = new ArrayList<>(0);
    for (int i = 0; i < matching.size(); i++) {
      Subscription s = matching.get(i);
      String full = s.enabled() ? backlog.check(s) : null;
      if (!s.enabled()) {
        told.add(new DeliveryOutcome.Skipped(event.id(), s, 0, "subscription is disabled"));
        toldIndexes.add(i);
      } else if (full != null) {
        told.add(new DeliveryOutcome.GaveUp(event.id(), s, 0, null, full)); // its reason is completed below
        toldIndexes.add(i);
      } else {
        toStore.add(s);
        indexes.add(i);
      }
    }
    Map<String, String> metadata = interceptors.capture(event);
    Stored stored = toStore.isEmpty() ? Stored.NOTHING
        : store(event, body, metadata, toStore, indexes, send, connection);
    for (int k = 0; k < told.size(); k++) { // after storing: a send that throws told nobody anything
      DeliveryOutcome o = told.get(k) instanceof DeliveryOutcome.GaveUp g
          ? new DeliveryOutcome.GaveUp(event.id(), g.subscription(), 0, null, g.reason()
              + deadLetter(event, body, metadata, g.subscription(), g.reason(), connection))
          : told.get(k);
      recorder.tell(null, event.type(), o);
      send.set(toldIndexes.get(k), o);
    }
    // Last: a listener above may have closed the publisher, which then abandoned these unstarted.
    dispatcher.start(stored.startNow(), runner::startFromSend);
    if (stored.wake()) { // after this send's own attempts are on their way: the rest of a fan-out
      dispatcher.wake();
    }
    return send;
  }

  /**
   * Stores a delivery given up at once (its subscription's failing backlog is full) as a dead
   * letter that requeue can bring back, except in a caller's transaction, which may still roll
   * back; a store that fails or does not keep it is logged. Returns the rest of its reason: what
   * the application can do.
   */
  private String deadLetter(Event event, byte[] body, Map<String, String> metadata, Subscription s, String why,
      Connection connection) {
    boolean kept = false;
    if (connection == null) {
      try {
        kept = store.enqueueEnded(event.id(), event.type(), body, metadata, event.orderingKey(), s.id(),
            DeliveryState.FAILED, why + KEPT, clock.instant());
      } catch (RuntimeException e) {
        Reporter.safely(() -> Reporter.log.warn("could not keep event {} for subscription {} as a dead letter in {}",
            event.id(), s.id(), store, e));
      }
    }
    return kept ? KEPT : "; it was not stored: send it again once the endpoint recovers, or raise"
        + " maxPendingPerSubscription";
  }

  /** What a send stored: the claims it starts itself, and whether the dispatcher has more to take. */
  private record Stored(List<Claim> startNow, boolean wake) {
    static final Stored NOTHING = new Stored(List.of(), false);
  }

  /** Stores the deliveries; claims the first few to start itself when claims are cheap. */
  private Stored store(Event event, byte[] body, Map<String, String> metadata, List<Subscription> subs, List<Integer> indexes,
      Handles.PendingSend send, Connection connection) {
    List<String> ids = new ArrayList<>(subs.size());
    for (Subscription s : subs) {
      ids.add(s.id());
    }
    Duration block = settings.blockWhenFull();
    long deadline = System.nanoTime() + block.toNanos();
    List<Claim> startNow = List.of();
    boolean wake = false;
    List<String> added;
    while (true) {
      if (!lifecycle.enter()) {
        throw closed(event);
      }
      try {
        // Waiters first: a claimer may end a delivery the moment it is stored.
        Instant forgetAfter = connection == null ? null : clock.instant().plus(settings.lease());
        for (int k = 0; k < subs.size(); k++) {
          handles.await(new DeliveryKey(event.id(), ids.get(k)), send, indexes.get(k), forgetAfter);
        }
        try {
          added = connection != null
              ? ((TransactionalDeliveryStore) store).enqueue(connection, event.id(), event.type(), body, metadata,
                  event.orderingKey(), ids, clock.instant())
              : store.enqueue(event.id(), event.type(), body, metadata, event.orderingKey(), ids, clock.instant());
        } catch (DeliveryQueueFullException e) {
          forget(event, ids, send);
          if (System.nanoTime() - deadline >= 0) {
            throw full(e, event, block);
          }
          added = null;
        } catch (WebhookException | IllegalArgumentException | IllegalStateException
            | UnsupportedOperationException e) {
          forget(event, ids, send);
          throw e;
        } catch (RuntimeException e) {
          forget(event, ids, send);
          throw new WebhookException("could not enqueue event " + event.id() + " in " + store + ": " + e, e);
        }
        if (added != null) {
          if (added.size() < ids.size()) {
            duplicates(event, ids, added);
          }
          if (connection == null && !store.durable() && !added.isEmpty()) {
            int[] asked = new int[1];
            startNow = dispatcher.claim(clock.instant(), START_IN_SEND, asked);
            wake = asked[0] == 0 || startNow.size() >= asked[0]; // no room, or more may be due
          } else {
            wake = connection == null; // a transaction's deliveries are found by the poll after its commit
          }
          break;
        }
      } finally {
        lifecycle.exit();
      }
      awaitRoom(ids.size(), deadline); // outside the lock: shutdown must not wait for a blocked sender
    }
    return new Stored(startNow, wake);
  }

  private void forget(Event event, List<String> ids, Handles.PendingSend send) {
    for (String id : ids) {
      handles.forget(new DeliveryKey(event.id(), id), send);
    }
  }

  /** Sends of an id and subscription stored before share that delivery's outcome; one that ended tells it now. */
  private void duplicates(Event event, List<String> ids, List<String> added) {
    Set<String> taken = new HashSet<>(added);
    List<String> old = new ArrayList<>();
    for (String id : ids) {
      if (!taken.contains(id)) {
        old.add(StoredDelivery.idOf(event.id(), id));
      }
    }
    for (StoredDelivery d : store.lookup(old)) {
      if (d.state().isFinal()) {
        handles.complete(new DeliveryKey(d.eventId(), d.subscriptionId()),
            Outcomes.ofStored(d, dispatcher.subscription(d.subscriptionId())));
      }
    }
  }

  private void awaitRoom(int n, long deadline) {
    try {
      store.awaitRoom(n, Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DeliveryQueueFullException("interrupted while waiting for room in " + store + "; nothing was sent");
    }
  }

  private static DeliveryQueueFullException full(DeliveryQueueFullException e, Event event, Duration block) {
    return new DeliveryQueueFullException(e.getMessage() + (block.isZero() ? "" : " after waiting " + block)
        + "; retry later, or raise maxPendingDeliveries / blockWhenFull (event " + event.id() + " was not sent)");
  }

  private static WebhookException closed(Event event) {
    return new WebhookException("this publisher is closed and takes no more events (event " + event.id()
        + " was not sent); send through a publisher that is open");
  }
}
