package dev.hookpost;

import java.sql.Connection;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The delivery engine behind {@link WebhookPublisher}. {@code send} enqueues one delivery per
 * matching subscription in the {@link DeliveryStore}; a dispatcher claims due deliveries and
 * hands them to their endpoint's queue; each attempt's result goes back to the store as a retry
 * time or an end. Waiting for a retry is a row in the store and one timer for the earliest due
 * time, never a thread.
 */
final class DeliveryEngine {
  private static final Logger log = LoggerFactory.getLogger(WebhookPublisher.class);
  private static final int CLAIM_BATCH = 256;
  /**
   * How many of a send's deliveries the caller's thread claims and starts itself when the store
   * is in memory: the first attempt then needs no wake-up of the dispatcher thread (it runs on
   * the transport's, see {@link #startFromSend}). The rest of a large fan-out goes to the
   * dispatcher, so {@code send} stays short.
   */
  private static final int START_IN_SEND = 4;
  /** When a delivery whose endpoint is backed up is claimed again. */
  private static final Duration BACKLOG_RETRY = Duration.ofSeconds(1);
  /** The longest wait any retry policy may ask for; longer ones are cut to it. */
  private static final Duration MAX_DELAY = Duration.ofDays(30);
  /** Whether this thread is running an attempt (see {@link #start}). */
  private static final ThreadLocal<Boolean> IN_ATTEMPT = ThreadLocal.withInitial(() -> false);

  private final Transport transport;
  private final SubscriptionRegistry registry;
  private final RetryPolicy defaultPolicy;
  private final List<DeliveryListener> listeners;
  private final EventCodec codec;
  private final Clock clock;
  private final ScheduledExecutorService scheduler;
  private final boolean ownsScheduler;
  private final EngineSettings settings;
  private final DeliveryStore store;
  private final String owner = "hookpost-" + UUID.randomUUID();
  private final EndpointQueues queues;
  private final EndpointHealth health;
  /** Bounds deliveries held in memory; unused with a durable store, where the database is the buffer. */
  private final PendingLimit pending;

  /** Where the outcomes of deliveries sent through this publisher go, by delivery id, until they end. */
  private final Map<DeliveryKey, Slot> waiting = new ConcurrentHashMap<>();
  /**
   * Deliveries claimed by this publisher and not yet handed back to the store. A delivery leaves
   * only after the store has recorded its retry or end: until then a claim that finds its row
   * again (its lease ran out) only renews the lease. Handing back and leaving are one step for
   * claimers ({@link #giveBack}).
   */
  private final Map<String, Delivery> claimed = new ConcurrentHashMap<>();
  /** Pending deliveries sent through this publisher, per subscription id. */
  private final BacklogCounts backlog = new BacklogCounts();
  /** Every delivery abandoned once closing began, for {@link #shutdown} to hand back. */
  private final List<DeliveryOutcome.Abandoned> abandonedOnClose =
      java.util.Collections.synchronizedList(new ArrayList<>());

  /** Makes checking claim capacity and claiming one step, as senders and the dispatcher both claim. */
  private final Object claimLock = new Object();
  private final AtomicInteger dispatchRequests = new AtomicInteger();
  private ScheduledFuture<?> wake; // guarded by this
  /** Set when the dispatcher found no claim capacity; cleared (with a dispatch) when a slot frees. */
  private volatile boolean starved;
  private Instant wakeAt;          // guarded by this

  /** Sends take the read lock, shutdown the write lock: nothing slips in after shutdown looked. */
  private final ReadWriteLock lifecycle = new ReentrantReadWriteLock();
  private volatile boolean closed;

  DeliveryEngine(Transport transport, SubscriptionRegistry registry, RetryPolicy defaultPolicy,
      List<DeliveryListener> listeners, EventCodec codec, Clock clock, ScheduledExecutorService scheduler,
      EngineSettings settings, DeliveryStore store) {
    this.transport = transport;
    this.registry = registry;
    this.defaultPolicy = defaultPolicy;
    this.listeners = listeners;
    this.codec = codec;
    this.clock = clock;
    this.ownsScheduler = scheduler == null;
    this.scheduler = scheduler == null ? newScheduler() : scheduler;
    this.settings = settings;
    this.store = store;
    this.queues = new EndpointQueues(settings.maxConcurrencyPerEndpoint(), settings.rateLimitPerEndpoint(),
        BACKLOG_RETRY.toNanos(), settings.maxInFlight(), System::nanoTime);
    this.health = new EndpointHealth(settings.disableAfterFailedDeliveries(), settings.disableAfterFailingFor());
    this.pending = new PendingLimit(settings.maxPendingDeliveries());
    if (store.durable()) {
      requestDispatch(); // deliveries left by an earlier run, or enqueued by other instances
    }
  }

  SubscriptionRegistry registry() {
    return registry;
  }

  DeliveryStore store() {
    return store;
  }

  // ---- accepting events ----

  SendHandle send(Event event) {
    return send(event, null);
  }

  /** Enqueues in the store, inside the caller's transaction when {@code connection} is given. */
  SendHandle send(Event event, Connection connection) {
    if (event == null) {
      throw new IllegalArgumentException("event is required; create one with Event.of(type, data)");
    }
    if (connection != null && !(store instanceof TransactionalDeliveryStore)) {
      throw new IllegalStateException("send(event, connection) needs a transactional store such as"
          + " JdbcDeliveryStore from webhook-jdbc; this publisher uses " + store);
    }
    byte[] body = codec.encode(event); // once: every subscription and attempt shares these bytes
    if (body.length > settings.maxPayloadBytes()) {
      throw new IllegalArgumentException("event " + event.id() + " serializes to " + body.length
          + " bytes, over the limit of " + settings.maxPayloadBytes() + " bytes; send a smaller payload (e.g."
          + " an id the receiver can fetch details with) or raise maxPayloadBytes");
    }
    List<Subscription> matching = registry.matching(event.type());
    Outcomes outcomes = new Outcomes(matching.size());
    // Deliveries this send may create: enabled, room in their backlog, not pending from an earlier send.
    List<Subscription> fresh = new ArrayList<>(matching.size());
    List<Integer> freshIndex = new ArrayList<>(matching.size());
    List<Slot> told = new ArrayList<>(0); // outcomes known at once, told after unlocking
    for (int i = 0; i < matching.size(); i++) {
      Subscription s = matching.get(i);
      String why = !s.enabled() ? "subscription is disabled" : backlogFull(s);
      if (why != null) {
        told.add(new Slot(outcomes, i, new DeliveryOutcome.Skipped(event.id(), s, 0, why)));
      } else if (!waiting.containsKey(new DeliveryKey(event.id(), s.id()))) {
        fresh.add(s);
        freshIndex.add(i);
      } else { // sent again while pending: this handle shares the pending delivery's outcome
        chain(new DeliveryKey(event.id(), s.id()), new Slot(outcomes, i, null), s, event, told);
      }
    }
    boolean bounded = !store.durable();
    if (bounded) {
      acquirePermits(event, fresh.size());
    }
    Claim startNow = null; // claimed here, started by this thread after unlocking
    boolean dispatch = !fresh.isEmpty() && connection == null;
    lifecycle.readLock().lock();
    try {
      if (closed) {
        throw new WebhookException("this publisher is closed and takes no more events (event " + event.id()
            + " was not sent); send through a publisher that is open");
      }
      if (!fresh.isEmpty()) {
        // Slots first: a dispatcher already running may claim and finish a delivery the moment it is stored.
        Slot[] slots = new Slot[fresh.size()];
        for (int k = 0; k < fresh.size(); k++) {
          slots[k] = new Slot(outcomes, freshIndex.get(k), null);
          waiting.merge(new DeliveryKey(event.id(), fresh.get(k).id()), slots[k], Slot::append);
          backlog.increment(fresh.get(k).id());
        }
        List<String> ids = new ArrayList<>(fresh.size());
        for (Subscription s : fresh) {
          ids.add(s.id());
        }
        Instant now = clock.instant();
        List<String> added;
        try {
          added = connection != null
              ? ((TransactionalDeliveryStore) store).enqueue(connection, event.id(), event.type(), body, ids, now)
              : store.enqueue(event.id(), event.type(), body, ids, now);
        } catch (RuntimeException e) {
          for (int k = 0; k < fresh.size(); k++) {
            DeliveryKey key = new DeliveryKey(event.id(), fresh.get(k).id());
            unregister(key, slots[k]);
            // Sends that chained onto this one's slot meanwhile have no delivery behind them either.
            Slot orphans = waiting.remove(key);
            if (orphans != null) {
              orphans.fill(new DeliveryOutcome.Skipped(event.id(), fresh.get(k), 0, "the event could not be"
                  + " stored (" + e.getMessage() + "); send it again"));
            }
          }
          throw e;
        }
        if (bounded && connection == null && !added.isEmpty()) {
          // The dispatcher is needed only for what this claim left due: the rest of a fan-out, or
          // older deliveries that came first.
          try {
            startNow = claimLocked(now, START_IN_SEND);
          } catch (RuntimeException e) { // the event is stored: the dispatcher claims it instead
            log.warn("claiming the deliveries of event {} at once failed; the dispatcher takes them", event.id(), e);
          }
          dispatch = startNow == null || startNow.full() || startNow.handedBack();
        }
        // The ids the store took; null in the usual case, when it took them all.
        java.util.Set<String> taken = added.size() == ids.size() ? null : new java.util.HashSet<>(added);
        for (int k = 0; k < fresh.size(); k++) {
          Subscription s = fresh.get(k);
          Slot slot = slots[k];
          // Not taken: stored before, maybe ended long ago, and nothing will deliver it now.
          if (taken != null && !taken.contains(s.id())) {
            if (bounded) {
              pending.release(1);
            }
            if (unregister(new DeliveryKey(event.id(), s.id()), slot)) { // else that delivery ended and filled it
              slot.outcome = new DeliveryOutcome.Skipped(event.id(), s, 0, "event " + event.id()
                  + " was enqueued for this subscription before (one delivery per event id and subscription);"
                  + " send it with a new id, or requeue the stored delivery");
              told.add(slot);
            }
          }
        }
      }
    } catch (RuntimeException e) {
      if (bounded) {
        pending.release(fresh.size());
      }
      throw e instanceof WebhookException || e instanceof IllegalArgumentException || e instanceof IllegalStateException
          ? e : new WebhookException("could not enqueue event " + event.id() + " in " + store + ": " + e.getMessage(), e);
    } finally {
      lifecycle.readLock().unlock();
    }
    for (Slot slot : told) { // outside the lock: a listener may even close the publisher
      logOutcome(event.id(), event.type(), slot.outcome.subscription(), slot.outcome);
      tellOutcome(slot.outcome);
      slot.fill(slot.outcome);
    }
    if (dispatch) {
      requestDispatch();
    }
    if (startNow != null) {
      startClaimed(startNow.toStart(), this::startFromSend);
    }
    return new SendHandle(event.id(), outcomes.future);
  }

  /**
   * Takes one send's slot back out of a delivery's chain (its enqueue failed or was a duplicate).
   *
   * @return false if the slot was no longer there: the delivery ended meanwhile and filled it
   */
  private boolean unregister(DeliveryKey key, Slot slot) {
    boolean[] found = {false};
    waiting.computeIfPresent(key, (k, head) -> {
      found[0] = head.contains(slot);
      return found[0] ? head.without(slot) : head;
    });
    if (found[0]) {
      backlog.decrement(key.subscriptionId());
    }
    return found[0];
  }

  /** Joins a send to a delivery already pending; if it ended meanwhile, the send learns that. */
  private void chain(DeliveryKey id, Slot slot, Subscription s, Event event, List<Slot> told) {
    Slot merged = waiting.computeIfPresent(id, (k, head) -> head.append(slot));
    if (merged == null) {
      slot.outcome = new DeliveryOutcome.Skipped(event.id(), s, 0, "event " + event.id() + " was enqueued for"
          + " this subscription before and has ended (one delivery per event id and subscription)");
      told.add(slot);
    }
  }

  /** One send's outcomes, one per matching subscription, completed when the last one arrives. */
  static final class Outcomes {
    final DeliveryOutcome[] results;
    final AtomicInteger remaining;
    final CompletableFuture<List<DeliveryOutcome>> future = new CompletableFuture<>();

    Outcomes(int size) {
      results = new DeliveryOutcome[size];
      remaining = new AtomicInteger(size);
      if (size == 0) {
        future.complete(List.of());
      }
    }
  }

  /**
   * Where a delivery's outcome goes: a position in a send's {@link Outcomes}, chained to the
   * slots of later sends of the same event id. Much smaller than a future per delivery.
   */
  static final class Slot {
    final Outcomes outcomes;
    final int index;
    DeliveryOutcome outcome; // only for outcomes known at send time
    Slot next;

    Slot(Outcomes outcomes, int index, DeliveryOutcome outcome) {
      this.outcomes = outcomes;
      this.index = index;
      this.outcome = outcome;
    }

    Slot append(Slot other) {
      Slot last = this;
      while (last.next != null) {
        last = last.next;
      }
      last.next = other;
      return this;
    }

    boolean contains(Slot other) {
      for (Slot s = this; s != null; s = s.next) {
        if (s == other) {
          return true;
        }
      }
      return false;
    }

    /** This chain without {@code other}; null when nothing is left. */
    Slot without(Slot other) {
      if (this == other) {
        return next;
      }
      for (Slot s = this; s.next != null; s = s.next) {
        if (s.next == other) {
          s.next = other.next;
          break;
        }
      }
      return this;
    }

    /** Fills this slot and every chained one. */
    void fill(DeliveryOutcome o) {
      for (Slot s = this; s != null; s = s.next) {
        s.outcomes.results[s.index] = o;
        if (s.outcomes.remaining.decrementAndGet() == 0) {
          s.outcomes.future.complete(List.of(s.outcomes.results));
        }
      }
    }
  }

  /**
   * Why a subscription takes no more deliveries right now: too many of its own are pending (its
   * endpoint keeps failing), so that one dead endpoint cannot use up the whole publisher's room.
   */
  private String backlogFull(Subscription s) {
    int n = backlog.get(s.id());
    int max = settings.maxPendingPerSubscription();
    return n >= max ? "subscription already has " + n + " deliveries pending (limit "
        + max + ", its endpoint keeps failing); this one was not queued" : null;
  }

  /** Takes one pending-delivery permit per delivery, failing fast or waiting as configured. */
  private void acquirePermits(Event event, int count) {
    if (count == 0) {
      return;
    }
    if (count > settings.maxPendingDeliveries()) {
      throw new IllegalArgumentException("event " + event.id() + " matches " + count + " enabled subscriptions,"
          + " more than maxPendingDeliveries (" + settings.maxPendingDeliveries() + "); raise the limit");
    }
    boolean got;
    Duration block = settings.blockWhenFull();
    try {
      got = pending.tryAcquire(count, block);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      got = false;
    }
    if (!got) {
      throw new DeliveryQueueFullException("the publisher holds " + pending.held()
          + " pending deliveries (limit " + settings.maxPendingDeliveries()
          + "); event " + event.id() + " needs " + count + " more and was not accepted" + (block.isZero() ? ""
          : " after waiting " + block) + "; retry later, or raise maxPendingDeliveries / blockWhenFull");
    }
  }

  /** Makes matching dead letters pending again, due now, and wakes the dispatcher. */
  int requeue(DeliveryQuery query) {
    int n = store.requeue(query, clock.instant());
    if (!store.durable()) {
      pending.add(n);
    }
    requestDispatch();
    return n;
  }

  // ---- the dispatcher: claims due deliveries, keeps one timer for the next due time ----

  /** Runs the dispatcher on the scheduler, once more if it is running already. */
  void requestDispatch() {
    if (dispatchRequests.getAndIncrement() == 0) {
      try {
        scheduler.execute(this::dispatchLoop);
      } catch (RejectedExecutionException e) {
        dispatchRequests.set(0);
      }
    }
  }

  private void dispatchLoop() {
    // Usually just woken by a thread that goes on with its own work (a send's fan-out, a finished
    // attempt): let it, rather than hold it for a whole claim when both share a core.
    Thread.yield();
    int seen = dispatchRequests.get();
    while (true) {
      try {
        dispatchOnce();
      } catch (VirtualMachineError e) {
        dispatchRequests.set(0);
        throw e;
      } catch (RuntimeException | Error e) {
        log.error("claiming deliveries from {} failed; trying again in {}", store, settings.pollInterval(), e);
        scheduleWake(clock.instant().plus(settings.pollInterval()));
      }
      if (dispatchRequests.compareAndSet(seen, 0)) {
        return;
      }
      seen = dispatchRequests.get();
    }
  }

  private void dispatchOnce() {
    Instant now = clock.instant();
    List<Delivery> toStart;
    boolean full;
    // Claims happen under the read lock: shutdown (the write lock) never sees a batch half taken.
    lifecycle.readLock().lock();
    try {
      if (closed) {
        return;
      }
      Claim claim = claimLocked(now, CLAIM_BATCH);
      if (claim == null) {
        return;
      }
      toStart = claim.toStart();
      full = claim.full();
    } finally {
      lifecycle.readLock().unlock();
    }
    startClaimed(toStart, this::start); // outside the lock: attempts run listeners, and a listener may close the publisher
    if (full) {
      requestDispatch(); // more may be due: claim again after this round
    }
    Optional<Instant> next = store.nextDue();
    Instant poll = store.durable() ? now.plus(settings.pollInterval()) : null;
    Instant at = next.map(n -> poll == null || n.isBefore(poll) ? n : poll).orElse(poll);
    if (at != null && !full) {
      scheduleWake(at);
    }
  }

  /**
   * Claims up to {@code limit} due deliveries for this publisher. Caller holds the lifecycle read
   * lock and has checked {@code closed}.
   *
   * @return what to start, or null when there is no claim capacity (the next end frees a slot and
   *     calls the dispatcher again)
   */
  private Claim claimLocked(Instant now, int limit) {
    synchronized (claimLock) {
      int room = settings.maxInFlight() - claimed.size();
      if (room <= 0) {
        starved = true;
        // Look again: a delivery that ended before the flag was set freed a slot without seeing
        // it, and if it was the last one in flight nobody would call the dispatcher again.
        room = settings.maxInFlight() - claimed.size();
        if (room <= 0) {
          return null;
        }
      }
      int asked = Math.min(limit, room);
      List<StoredDelivery> batch = store.claim(now, asked, settings.lease(), owner);
      List<Delivery> toStart = new ArrayList<>(batch.size());
      boolean handedBack = false;
      Instant leaseUntil = now.plus(settings.lease());
      for (StoredDelivery sd : batch) {
        Delivery mine = claimed.get(sd.deliveryId());
        if (mine != null) {
          mine.leaseUntil = leaseUntil; // ours and still worked on (see claimed): the claim only renewed its lease
          continue;
        }
        Subscription s;
        try {
          s = registry.find(sd.subscriptionId()).orElse(null);
        } catch (RuntimeException e) {
          lookupFailed(sd, now, e);
          handedBack = true;
          continue;
        }
        Delivery d = new Delivery(sd, s == null ? placeholder(sd) : s,
            s == null ? defaultPolicy : s.retryPolicy().orElse(defaultPolicy));
        if (s == null || !s.enabled()) {
          d.skip = "subscription was " + (s == null ? "removed" : "disabled") + " after " + sd.attempts()
              + " attempt(s)";
        }
        d.leaseUntil = leaseUntil;
        claimed.put(d.id(), d);
        toStart.add(d);
      }
      return new Claim(toStart, batch.size() == asked, handedBack);
    }
  }

  /** The registry failed for a delivery just claimed: it goes back to the store, due after a poll interval. */
  private void lookupFailed(StoredDelivery sd, Instant now, RuntimeException e) {
    log.error("looking up subscription {} in {} failed; {} waits for the next poll", sd.subscriptionId(),
        registry, sd.deliveryId(), e);
    try {
      store.retry(sd.deliveryId(), owner, null, sd.firstAttemptAt(), now.plus(settings.pollInterval()));
    } catch (RuntimeException storeDown) {
      log.warn("could not hand {} back to {}; it is claimed again when its lease ends", sd.deliveryId(), store,
          storeDown);
    }
  }

  /**
   * What one claim took: the deliveries to start, whether the store may have more due, and
   * whether some went back to the store (so the dispatcher must schedule their wake-up).
   */
  private record Claim(List<Delivery> toStart, boolean full, boolean handedBack) {}

  /**
   * Hands claimed deliveries to their endpoints' queues (or ends the skipped ones), which call
   * {@code start} for those with a free slot. No lock held.
   */
  private void startClaimed(List<Delivery> toStart, EndpointQueues.StartFn start) {
    for (Delivery d : toStart) {
      synchronized (d) {
        if (d.finished) {
          continue; // abandoned by a shutdown that began after the claim
        }
        d.started = true;
      }
      if (d.skip != null) {
        end(d, DeliveryState.SKIPPED, null, new DeliveryOutcome.Skipped(d.eventId(), d.subscription,
            d.stored.attempts(), d.skip));
      } else if (!queues.submit(d, nanos(), start, claimed.size() > settings.maxInFlight() / 2)) {
        later(d, BACKLOG_RETRY); // its endpoint is backed up: keep the claim capacity for the others
      }
    }
  }

  /** Makes sure the dispatcher runs at {@code at} (keeps an earlier timer, replaces a later one). */
  private void scheduleWake(Instant at) {
    synchronized (this) {
      Instant now = clock.instant();
      if (closed || (wake != null && wakeAt.isAfter(now) && !wakeAt.isAfter(at))) {
        return; // an earlier timer that has not fired yet covers it
      }
      if (wake != null) {
        wake.cancel(false);
      }
      long delay = Math.max(0, Duration.between(now, at).toNanos());
      try {
        wakeAt = at;
        wake = scheduler.schedule(this::requestDispatch, delay, TimeUnit.NANOSECONDS);
      } catch (RejectedExecutionException e) {
        wake = null;
        wakeAt = null;
      }
    }
  }

  /** A subscription that was removed from the registry, for the outcome of its orphaned delivery. */
  private static Subscription placeholder(StoredDelivery sd) {
    return Subscription.builder().id(sd.subscriptionId()).endpoint("https://removed.invalid/")
        .secret("whsec_" + java.util.Base64.getEncoder().encodeToString(new byte[24])).enabled(false).build();
  }

  // ---- attempts ----

  /**
   * Starts an attempt: on this thread when it is not inside an attempt already (the dispatcher,
   * or a transport callback that just freed the slot: no hand-off to another thread), else on the
   * scheduler so that transports that answer synchronously cannot recurse; after the endpoint's
   * rate-limit wait when there is one.
   */
  private void start(Delivery d, long waitNanos) {
    try {
      if (waitNanos <= 0 && !IN_ATTEMPT.get()) {
        attemptHere(d);
      } else if (waitNanos <= 0) {
        scheduler.execute(() -> attemptHere(d));
      } else {
        scheduler.schedule(() -> attemptHere(d), waitNanos, TimeUnit.NANOSECONDS);
      }
    } catch (RejectedExecutionException e) {
      // The scheduler is full or shut down: give the slot back, and the delivery to the store.
      queues.release(d, nanos(), this::start);
      try {
        handBack(d, "the scheduler refused its attempt (" + e.getMessage() + ")");
      } catch (RuntimeException storeDown) {
        log.warn("could not hand {} back to {}; it is claimed again when its lease ends", d, store, storeDown);
      }
    }
  }

  /**
   * Starts an attempt that {@code send} claimed and its endpoint has a slot for: on the
   * transport's own thread ({@link Transport#execute}), so that signing and building the request
   * do not hold the caller of {@code send}. Deliveries that wait for a slot cost the caller
   * nothing more: they start later, on the thread that frees one.
   */
  private void startFromSend(Delivery d, long waitNanos) {
    if (waitNanos > 0 || IN_ATTEMPT.get()) { // a send from a listener inside an attempt: no recursion
      start(d, waitNanos);
      return;
    }
    AtomicBoolean run = new AtomicBoolean(); // once: a task that ran and then threw is not run again
    try {
      transport.execute(() -> {
        if (run.compareAndSet(false, true)) {
          attemptHere(d);
        }
      });
    } catch (RuntimeException e) {
      if (!run.compareAndSet(false, true)) { // the event is accepted: send does not fail for this
        log.error("running the attempt of {} through {} failed after it started", d, transport, e);
        return;
      }
      if (!(e instanceof RejectedExecutionException)) { // else the transport is closed
        log.warn("{} refused to run the attempt of {}; it runs on the caller's thread", transport, d, e);
      }
      start(d, waitNanos);
    }
  }

  /** Runs an attempt on this thread, marked as inside one, so that what it starts cannot recurse. */
  private void attemptHere(Delivery d) {
    boolean outer = !IN_ATTEMPT.get();
    IN_ATTEMPT.set(true);
    try {
      attempt(d);
    } finally {
      if (outer) {
        IN_ATTEMPT.set(false);
      }
    }
  }

  /** Gives a claimed delivery back to the store, unattempted, due again after {@code delay}. */
  private void later(Delivery d, Duration delay) {
    synchronized (d) {
      d.finished = true;
    }
    Instant due = clock.instant().plus(delay);
    try {
      giveBack(d, null, due, "the publisher closed before attempt " + (d.attempts + 1) + " could start");
    } finally {
      freedCapacity();
    }
    scheduleWake(due);
  }

  /**
   * Hands a claimed delivery back to the store, due at {@code due}, and lets go of it, as one
   * step for claimers: a claim that finds the row while this claim still holds it must take it
   * for a lease renewal (the lease ran out while it was worked on), and one that finds it after
   * must start it anew. Without the claim lock, a claim in between (the retry due at once, as
   * full jitter allows) took it for a renewal and then nobody started it until its lease ran out.
   *
   * <p>When the publisher has closed and the store is in memory, {@link #shutdown} has taken
   * or is about to take what waits in the store, under the same lock, and would not see this
   * one again: it is abandoned instead, for {@code whyClosed}.
   *
   * @return whether the store still had this publisher's lease on it (see {@link DeliveryStore#retry})
   */
  private boolean giveBack(Delivery d, AttemptRecord attempt, Instant due, String whyClosed) {
    synchronized (claimLock) {
      if (!closed || store.durable()) {
        try {
          return store.retry(d.id(), owner, attempt, d.firstAttemptAt, due);
        } finally {
          claimed.remove(d.id(), d);
        }
      }
    }
    endFinished(d, null, null, abandoned(d, whyClosed)); // outside the lock: it tells the listeners
    return true;
  }

  /** A claim slot came free: if the dispatcher stopped for want of one, let it claim again. */
  private void freedCapacity() {
    if (starved && claimed.size() < settings.maxInFlight()) {
      starved = false;
      requestDispatch();
    }
  }

  /**
   * Stops working on a claimed delivery without an attempt: back to the store to be claimed
   * again after a poll interval, or abandoned when the publisher is closing.
   */
  private void handBack(Delivery d, String why) {
    if (closed) {
      end(d, null, null, abandoned(d, "the publisher closed; " + why));
      return;
    }
    synchronized (d) {
      if (d.finished) {
        return;
      }
      d.finished = true;
    }
    log.warn("{} goes back to {}: {}", d, store, why);
    try {
      giveBack(d, null, clock.instant().plus(settings.pollInterval()), "the publisher closed; " + why);
    } finally {
      freedCapacity();
    }
    scheduleWake(clock.instant().plus(settings.pollInterval()));
  }

  private void attempt(Delivery d) {
    boolean over;
    boolean leaseRunningOut;
    synchronized (d) {
      over = d.finished;
      leaseRunningOut = !over && leaseRunningOut(d);
      if (!over && !leaseRunningOut) {
        d.attempts++;
      }
    }
    if (over) { // ended (e.g. abandoned) while it waited for its slot: pass the slot on
      queues.release(d, nanos(), this::start);
      return;
    }
    if (leaseRunningOut) { // another instance may take it over any moment: never send it alongside
      queues.release(d, nanos(), this::start); // first: the slot need not wait for the store
      try {
        handBack(d, "it waited for its endpoint's slot until less than half of its " + settings.lease()
            + " lease was left");
      } catch (RuntimeException e) { // the store failed: the lease runs out and the delivery is claimed again
        log.warn("could not hand {} back to {}", d, store, e);
      }
      return;
    }
    Instant start = clock.instant();
    if (d.firstAttemptAt == null) {
      d.firstAttemptAt = start; // one Instant for both: it is kept per pending delivery
    }
    int number = d.attempts;
    CompletableFuture<TransportResponse> response;
    try {
      response = transport.send(request(d, start));
      if (response == null) {
        response = CompletableFuture.failedFuture(new IllegalStateException(transport + " returned no future"));
      }
    } catch (RuntimeException e) {
      response = CompletableFuture.failedFuture(e);
    }
    response.whenComplete((r, e) -> {
      try {
        afterAttempt(d, number, start, r, e);
      } catch (RuntimeException | Error bug) {
        if (bug instanceof VirtualMachineError vm) {
          throw vm;
        }
        log.error("handling the result of attempt {} of {} failed; giving up on it", number, d, bug);
        end(d, DeliveryState.FAILED, null, new DeliveryOutcome.GaveUp(d.eventId(), d.subscription, number,
            Attempt.failed(number, start, Duration.between(d.firstAttemptAt, clock.instant()), bug),
            "Hookpost failed while handling attempt " + number + ": " + bug));
      }
    });
  }

  /**
   * Whether less than half of {@code d}'s lease is left, so that an attempt starting now might
   * still run when the lease ends and another instance takes the delivery over and sends it too.
   * The dispatcher claims up to {@code maxInFlight} deliveries at once, and those behind a slow
   * endpoint's queue can wait longer than their lease. Only a durable store is shared with other
   * instances; the in-memory one has no other claimer.
   */
  private boolean leaseRunningOut(Delivery d) {
    Instant until = d.leaseUntil;
    return until != null && store.durable()
        && !clock.instant().isBefore(until.minus(settings.lease().dividedBy(2)));
  }

  private TransportRequest request(Delivery d, Instant start) {
    Subscription s = d.subscription;
    long timestamp = start.getEpochSecond();
    Map<String, String> headers = new LinkedHashMap<>(8 + s.headers().size());
    headers.putAll(s.headers());
    headers.put(WebhookHeaders.CONTENT_TYPE, WebhookHeaders.JSON);
    headers.put(WebhookHeaders.USER_AGENT, WebhookHeaders.USER_AGENT_VALUE);
    headers.put(WebhookHeaders.ID, d.eventId());
    headers.put(WebhookHeaders.TIMESTAMP, Long.toString(timestamp));
    headers.put(WebhookHeaders.SIGNATURE, s.signer().sign(d.eventId(), timestamp, d.stored.payload()));
    return new TransportRequest(s.endpoint(), headers, d.stored.payload());
  }

  private void afterAttempt(Delivery d, int number, Instant start, TransportResponse r, Throwable e) {
    queues.release(d, nanos(), this::start);
    synchronized (d) {
      if (d.finished) {
        return; // abandoned at shutdown while in flight: its late answer changes nothing
      }
    }
    Instant end = clock.instant();
    Duration since = Duration.between(d.firstAttemptAt, end);
    Throwable error = unwrap(e);
    Attempt attempt = r != null && error == null
        ? Attempt.answered(number, start, since, r, RetryAfter.parse(r.header("retry-after").orElse(null), end))
        : Attempt.failed(number, start, since, error != null ? error : new IllegalStateException("no response"));
    for (DeliveryListener l : listeners) {
      notify(() -> l.onAttempt(d.stored, d.subscription, attempt));
    }
    AttemptRecord record = AttemptRecord.of(attempt, end);
    String eventId = d.eventId();
    if (attempt.succeeded()) {
      health.delivered(d.subscription.id());
      end(d, DeliveryState.DELIVERED, record,
          new DeliveryOutcome.Delivered(eventId, d.subscription, number, r.status(), since));
    } else if (error instanceof EndpointRefusedException) {
      end(d, DeliveryState.REJECTED, record,
          new DeliveryOutcome.Rejected(eventId, d.subscription, number, error.getMessage()));
    } else if (attempt.hasStatus(410)) {
      end(d, DeliveryState.FAILED, record, new DeliveryOutcome.GaveUp(eventId, d.subscription, number, attempt,
          "the endpoint answered 410 Gone"));
      disable(d.subscription, "the endpoint answered 410 Gone");
    } else {
      retryOrGiveUp(d, attempt, record);
    }
  }

  private void retryOrGiveUp(Delivery d, Attempt failed, AttemptRecord record) {
    Optional<Duration> delay;
    try {
      delay = d.policy.nextDelay(failed);
    } catch (RuntimeException e) {
      log.error("retry policy {} threw; giving up on {}", d.policy, d, e);
      delay = Optional.empty();
    }
    if (delay.isEmpty()) {
      end(d, DeliveryState.FAILED, record, new DeliveryOutcome.GaveUp(d.eventId(), d.subscription, failed.number(),
          failed, "the retry policy gave up after " + failed.number() + " attempt(s); last: " + failed.describe()));
      String unhealthy = health.failed(d.subscription.id(), d.firstAttemptAt, clock.instant());
      if (unhealthy != null) {
        disable(d.subscription, unhealthy);
      }
      return;
    }
    Duration wait = delay.get().compareTo(MAX_DELAY) > 0 ? MAX_DELAY : delay.get();
    if (closed && !store.durable()) {
      end(d, null, record, abandoned(d, "the publisher closed after attempt " + failed.number() + " failed ("
          + failed.describe() + ")"));
      return;
    }
    log.info("webhook attempt failed, retrying in {}: event={} type={} subscription={} endpoint={} attempt={} {}",
        wait, d.eventId(), d.stored.eventType(), d.subscription.id(), d.subscription.endpointForLogs(),
        failed.number(), failed.describe());
    for (DeliveryListener l : listeners) {
      notify(() -> l.onRetryScheduled(d.stored, d.subscription, failed, wait));
    }
    synchronized (d) {
      if (d.finished) {
        return; // abandoned by shutdown meanwhile
      }
      d.finished = true; // this claim is over; the store holds the delivery until it is due again
    }
    Instant next = clock.instant().plus(wait);
    try {
      if (!giveBack(d, record, next, "the publisher closed after attempt " + failed.number() + " failed ("
          + failed.describe() + ")")) {
        log.warn("lost the lease on {} before recording its retry; another instance took it over", d);
      }
    } catch (RuntimeException e) {
      log.error("recording the retry of {} in {} failed; it is claimed again when its lease ends", d, store, e);
    }
    requestDispatch();
  }

  /**
   * Ends a claimed delivery exactly once: record it in the store (unless {@code state} is null,
   * for an abandoned one), log, tell the listeners, complete the sender's future.
   */
  private void end(Delivery d, DeliveryState state, AttemptRecord record, DeliveryOutcome outcome) {
    synchronized (d) {
      if (d.finished) {
        return;
      }
      d.finished = true;
    }
    endFinished(d, state, record, outcome);
  }

  /** {@link #end} for a delivery whose caller has already marked it finished. */
  private void endFinished(Delivery d, DeliveryState state, AttemptRecord record, DeliveryOutcome outcome) {
    boolean ours = true;
    if (state == null) {
      try {
        if (store.durable()) { // abandoned here, not lost: the next publisher (or another instance) takes it at once
          giveBack(d, null, clock.instant(), null); // durable: never abandoned in giveBack
        } else { // the application got it back in the Abandoned outcome; memory lets it go
          store.finish(d.id(), owner, DeliveryState.SKIPPED, null, d.firstAttemptAt, reasonOf(outcome));
        }
      } catch (RuntimeException e) {
        log.warn("could not release {} in {}", d, store, e);
      }
    }
    if (state != null) {
      try {
        if (!store.finish(d.id(), owner, state, record, d.firstAttemptAt,
            outcome instanceof DeliveryOutcome.Delivered ? null : reasonOf(outcome))) {
          ours = false; // another claim of it holds the delivery now, and will end it
          log.warn("lost the lease on {} before recording its end; another instance took it over", d);
        }
      } catch (RuntimeException e) {
        log.error("recording the end of {} in {} failed; it will be attempted again after its lease", d, store, e);
      }
    }
    claimed.remove(d.id(), d); // after the store: until then a claim that finds its row only renews the lease
    freedCapacity();
    if (!store.durable() && ours) {
      pending.release(1);
    }
    Slot slot = waiting.remove(new DeliveryKey(d.eventId(), d.stored.subscriptionId()));
    if (slot != null) {
      backlog.decrement(d.subscription.id());
    }
    if (outcome instanceof DeliveryOutcome.Abandoned a && closed) {
      abandonedOnClose.add(a);
    }
    logOutcome(d.eventId(), d.stored.eventType(), d.subscription, outcome);
    tellOutcome(outcome);
    if (slot != null) {
      slot.fill(outcome);
    }
  }

  private static String reasonOf(DeliveryOutcome o) {
    if (o instanceof DeliveryOutcome.GaveUp g) {
      return g.reason();
    } else if (o instanceof DeliveryOutcome.Rejected r) {
      return r.reason();
    } else if (o instanceof DeliveryOutcome.Skipped s) {
      return s.reason();
    } else if (o instanceof DeliveryOutcome.Abandoned a) {
      return a.reason();
    }
    return null;
  }

  /** Disables a subscription in the registry and tells the application. */
  private void disable(Subscription s, String reason) {
    health.reset(s.id());
    boolean changed;
    try {
      changed = registry.setEnabled(s.id(), false);
    } catch (RuntimeException e) {
      log.error("could not disable subscription {} in {}", s.id(), registry, e);
      return;
    }
    if (changed) {
      log.warn("webhook subscription disabled: subscription={} endpoint={} reason={}; re-enable it with"
          + " subscriptions().setEnabled(id, true) once the endpoint is fixed", s.id(), s.endpointForLogs(), reason);
      for (DeliveryListener l : listeners) {
        notify(() -> l.onSubscriptionDisabled(s, reason));
      }
    }
  }

  private void tellOutcome(DeliveryOutcome outcome) {
    for (DeliveryListener l : listeners) {
      notify(() -> l.onOutcome(outcome));
    }
  }

  private static void logOutcome(String id, String type, Subscription s, DeliveryOutcome outcome) {
    boolean quiet = outcome instanceof DeliveryOutcome.Delivered || outcome instanceof DeliveryOutcome.Skipped;
    if (quiet && !log.isDebugEnabled()) {
      return; // the common case: nothing to format
    }
    String sub = s.id();
    String endpoint = s.endpointForLogs();
    if (outcome instanceof DeliveryOutcome.Delivered o) {
      log.debug("webhook delivered: event={} type={} subscription={} endpoint={} attempts={} status={}",
          id, type, sub, endpoint, o.attempts(), o.status());
    } else if (outcome instanceof DeliveryOutcome.GaveUp o) {
      log.warn("webhook gave up: event={} type={} subscription={} endpoint={} attempts={} reason={}",
          id, type, sub, endpoint, o.attempts(), o.reason());
    } else if (outcome instanceof DeliveryOutcome.Rejected o) {
      log.warn("webhook rejected: event={} type={} subscription={} endpoint={} reason={}",
          id, type, sub, endpoint, o.reason());
    } else if (outcome instanceof DeliveryOutcome.Skipped o) {
      log.debug("webhook skipped: event={} type={} subscription={} reason={}", id, type, sub, o.reason());
    } else if (outcome instanceof DeliveryOutcome.Abandoned o) {
      log.warn("webhook abandoned: event={} type={} subscription={} endpoint={} attempts={} reason={}",
          id, type, sub, endpoint, o.attempts(), o.reason());
    }
  }

  private static DeliveryOutcome.Abandoned abandoned(Delivery d, String reason) {
    return new DeliveryOutcome.Abandoned(d.stored, d.subscription, d.attempts, reason);
  }

  // ---- shutdown ----

  List<DeliveryOutcome.Abandoned> shutdown(Duration timeout) {
    lifecycle.writeLock().lock();
    try {
      if (closed) {
        return List.of();
      }
      closed = true;
    } finally {
      lifecycle.writeLock().unlock();
    }
    synchronized (this) {
      if (wake != null) {
        wake.cancel(false);
      }
    }
    // Deliveries queued behind their endpoint's limit do not start any more.
    queues.drainWaiting(d -> end(d, null, null, abandoned(d, "the publisher closed before attempt "
        + (d.attempts + 1) + " could start")));
    if (!store.durable()) {
      // Deliveries waiting in memory for a retry or a first claim will never be tried: hand them back now.
      List<Delivery> waitingInStore = new ArrayList<>();
      synchronized (claimLock) { // see giveBack
        for (StoredDelivery sd : store.claim(Instant.MAX.minus(settings.lease()), Integer.MAX_VALUE,
            settings.lease(), owner)) {
          if (claimed.containsKey(sd.deliveryId())) {
            continue; // in flight: its attempt ends it, or the deadline below
          }
          Subscription s = registry.find(sd.subscriptionId()).orElseGet(() -> placeholder(sd));
          Delivery d = new Delivery(sd, s, defaultPolicy);
          claimed.put(d.id(), d);
          waitingInStore.add(d);
        }
      }
      for (Delivery d : waitingInStore) {
        end(d, null, null, abandoned(d, d.attempts == 0 ? "the publisher closed before the first attempt"
            : "the publisher closed while the delivery waited for retry " + (d.attempts + 1)));
      }
    }
    // Claimed but not yet handed to an endpoint (their claimer may be the thread running this
    // shutdown, from a listener): abandoned now rather than waited for.
    for (Delivery d : List.copyOf(claimed.values())) {
      boolean unstarted;
      synchronized (d) {
        unstarted = !d.started && !d.finished;
      }
      if (unstarted) {
        end(d, null, null, abandoned(d, "the publisher closed before attempt " + (d.attempts + 1) + " could start"));
      }
    }
    // Attempts in flight get until the deadline.
    long deadline = System.nanoTime() + timeout.toNanos();
    try {
      while (!claimed.isEmpty() && System.nanoTime() < deadline) {
        Thread.sleep(Math.min(5, Math.max(1, (deadline - System.nanoTime()) / 1_000_000)));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    for (Delivery d : List.copyOf(claimed.values())) {
      String reason = "the publisher closed before attempt " + d.attempts + " finished (shutdown timeout "
          + timeout + ")" + (store.durable() ? "; it stays in " + store + " and will be attempted again" : "");
      end(d, null, null, abandoned(d, reason)); // does nothing if it finished meanwhile
    }
    List<DeliveryOutcome.Abandoned> abandoned = List.copyOf(abandonedOnClose);
    if (ownsScheduler) {
      scheduler.shutdownNow();
    }
    try {
      transport.close();
    } catch (Exception e) {
      log.warn("closing transport {} failed", transport, e);
    }
    if (!abandoned.isEmpty()) {
      log.warn("publisher closed with {} unfinished deliveries; they were reported as Abandoned", abandoned.size());
    }
    return abandoned;
  }

  // ---- helpers ----

  /** The time rate limits count in, from the publisher's clock; 0 without a rate limit (no clock read). */
  private long nanos() {
    if (settings.rateLimitPerEndpoint() <= 0) {
      return 0;
    }
    Instant now = clock.instant();
    return now.getEpochSecond() * 1_000_000_000L + now.getNano();
  }

  private static void notify(Runnable call) {
    try {
      call.run();
    } catch (VirtualMachineError e) {
      throw e;
    } catch (RuntimeException | Error e) {
      log.warn("a DeliveryListener threw; delivery goes on", e);
    }
  }

  private static Throwable unwrap(Throwable e) {
    while (e instanceof CompletionException || e instanceof ExecutionException) {
      if (e.getCause() == null) {
        break;
      }
      e = e.getCause();
    }
    return e;
  }

  private static ScheduledExecutorService newScheduler() {
    AtomicInteger n = new AtomicInteger();
    ThreadFactory threads = r -> {
      Thread t = new Thread(r, "hookpost-scheduler-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
    ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(2, threads);
    executor.setRemoveOnCancelPolicy(true);
    return executor;
  }
}
