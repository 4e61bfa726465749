package dev.hookpost.internal.engine;

import dev.hookpost.RetryPolicy;
import dev.hookpost.Subscription;
import dev.hookpost.SubscriptionRegistry;
import dev.hookpost.internal.store.DeliveryKey;
import dev.hookpost.spi.DeliveryStore;
import dev.hookpost.spi.StoredDelivery;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Claims due deliveries from the store, in batches under a lease, and hands them to their
 * endpoints' queues; keeps one timer for the next due time or, for a durable store, the next
 * poll (whichever is first); at most once per poll interval lets {@link Handles#sweep} complete
 * sends whose deliveries other publishers ended.
 *
 * <p>Thread-safe. One dispatch loop runs at a time ({@code requests} counts wake-ups); claims by
 * the loop and by {@code send} take the claim lock, so the room they check is the room they
 * fill; the wake timer is guarded by this object's monitor.
 */
final class Dispatcher {
  private static final int CLAIM_BATCH = 256;
  /** When a delivery whose endpoint is backed up is claimed again. */
  static final Duration BACKLOG_RETRY = Duration.ofSeconds(1);

  private final DeliveryStore store;
  private final SubscriptionRegistry registry;
  private final RetryPolicy defaultPolicy;
  private final String owner;
  private final Clock clock;
  private final ScheduledExecutorService scheduler;
  private final EngineSettings settings;
  private final Lifecycle lifecycle;
  private final Held held;
  private final EndpointQueues queues;
  private final Handles handles;
  private final Unregistered unregistered;
  private AttemptRunner runner;
  private Recorder recorder;

  private final Object claimLock = new Object();
  private long claims; // guarded by claimLock: numbers the lease tokens
  private final AtomicInteger requests = new AtomicInteger();
  private volatile Instant lastSweep = Instant.MIN;
  private Instant endpointsCountedAt; // guarded by claimLock
  /** Set when the registry changed through the publisher: count the endpoints again at the next claim. */
  private volatile boolean recountEndpoints;
  private int endpoints;              // guarded by claimLock: distinct endpoints of enabled subscriptions
  private ScheduledFuture<?> timer; // guarded by this
  /** The store's news of deliveries stored elsewhere, which wakes this dispatcher; closed at stop. */
  private volatile AutoCloseable news = () -> { };
  private Instant timerAt;          // guarded by this

  Dispatcher(DeliveryStore store, SubscriptionRegistry registry, RetryPolicy defaultPolicy, String owner, Clock clock,
      ScheduledExecutorService scheduler, EngineSettings settings, Lifecycle lifecycle, Held held,
      EndpointQueues queues, Handles handles) {
    this.store = store;
    this.registry = registry;
    this.defaultPolicy = defaultPolicy;
    this.owner = owner;
    this.clock = clock;
    this.scheduler = scheduler;
    this.settings = settings;
    this.lifecycle = lifecycle;
    this.held = held;
    this.queues = queues;
    this.handles = handles;
    this.unregistered = new Unregistered(store);
  }

  /** Wires the parts made after this one (they call back into {@link #wake}). */
  void connect(AttemptRunner runner, Recorder recorder) {
    this.runner = runner;
    this.recorder = recorder;
  }

  /**
   * Starts: at once when the store has deliveries due or is polled, else on the first wake-up;
   * from now on the store's news of deliveries stored elsewhere wakes it too.
   */
  void begin() {
    try {
      news = store.onNewDeliveries(this::wake);
    } catch (RuntimeException e) {
      Reporter.safely(() -> Reporter.log.warn("{} could not tell this publisher of new deliveries; it polls every {}",
          store, settings.pollInterval(), e));
    }
    if (store.durable() || store.nextDue().isPresent()) {
      wake();
    }
  }

  /** Runs the dispatch loop on the scheduler, once more if it is running already. */
  void wake() {
    if (requests.getAndIncrement() == 0) {
      try {
        scheduler.execute(this::loop);
      } catch (RejectedExecutionException e) {
        requests.set(0); // shut down: nothing more to dispatch
      }
    }
  }

  private void loop() {
    Thread.yield(); // usually woken by a thread with more to do (a send's fan-out): let it, on a shared core
    int seen = requests.get();
    while (true) {
      try {
        once();
      } catch (Throwable e) {
        if (e.getCause() instanceof java.sql.SQLTimeoutException) { // the store logged it at WARN, with its purpose
          Reporter.safely(() -> Reporter.log.debug("claiming from {} timed out; trying again in {}", store,
              settings.pollInterval()));
        } else {
          Reporter.safely(() -> Reporter.log.error("claiming deliveries from {} failed; trying again in {}", store,
              settings.pollInterval(), e));
        }
        schedule(clock.instant().plus(settings.pollInterval()));
      }
      if (requests.compareAndSet(seen, 0)) {
        return;
      }
      seen = requests.get();
    }
  }

  private void once() {
    synchronized (this) { // this run replaces the timer: it sets the next one below
      if (timer != null) {
        timer.cancel(false);
        timer = null;
      }
    }
    Instant now = clock.instant();
    if (!lifecycle.enter()) {
      return;
    }
    List<Claim> toStart;
    boolean full;
    try {
      int[] asked = new int[1];
      toStart = claim(now, CLAIM_BATCH, asked);
      full = asked[0] > 0 && toStart.size() >= asked[0];
    } finally {
      lifecycle.exit();
    }
    start(toStart, runner::start); // outside the lock: attempts call listeners, which may close the publisher
    if (full) {
      wake(); // more may be due
    }
    if (handles.size() > 0 && !now.isBefore(lastSweep.plus(settings.pollInterval()))) {
      lastSweep = now;
      handles.sweep(store, this::subscription, held::holds, now);
    }
    // A store outside this process (a database) changes behind this publisher's back: poll it.
    // One in memory changes only through the publishers using it, which wake their dispatchers.
    Instant poll = store.durable() ? now.plus(settings.pollInterval()) : null;
    Instant at = store.nextDue().filter(n -> poll == null || n.isBefore(poll)).orElse(poll);
    if (!full && at != null) {
      schedule(at);
    }
  }

  /**
   * Claims up to {@code limit} due deliveries, as much as the claim capacity allows. Caller is
   * inside the lifecycle. A row this publisher holds already (its lease ran out while it was
   * worked on) only renews the lease.
   *
   * @param asked set to how many were asked of the store (0 when there was no room)
   * @return the new claims, to {@link #start}
   */
  List<Claim> claim(Instant now, int limit, int[] asked) {
    synchronized (claimLock) {
      int room = store.durable() ? held.room(claimCap(now)) : held.room();
      asked[0] = Math.min(limit, room);
      if (asked[0] == 0) {
        return List.of();
      }
      String lease = owner + "/" + ++claims;
      List<StoredDelivery> batch = store.claim(now, asked[0], settings.lease(), lease);
      List<Claim> out = new ArrayList<>(batch.size());
      Instant leaseUntil = now.plus(settings.lease());
      for (StoredDelivery sd : batch) {
        Claim mine = held.get(new DeliveryKey(sd.eventId(), sd.subscriptionId()));
        if (mine != null) {
          mine.lease = lease;
          mine.leaseUntil = leaseUntil;
          continue;
        }
        Subscription s;
        try {
          s = registry.find(sd.subscriptionId()).orElse(null);
        } catch (RuntimeException e) {
          Reporter.safely(() -> Reporter.log.error("looking up subscription {} in {} failed; {} waits for the next"
              + " poll", sd.subscriptionId(), registry, sd.deliveryId(), e));
          waitFor(sd, lease, now.plus(settings.pollInterval()));
          continue;
        }
        if (s == null) { // not registered (yet): it waits; only removing the subscription ends it
          unregistered.waiting(sd.subscriptionId(), now);
          waitFor(sd, lease, Unregistered.recheckAt(now, settings.pollInterval()));
          continue;
        }
        String skip = !s.enabled() ? "subscription was disabled after " + sd.attempts() + " attempt(s)" : null;
        Claim c = new Claim(sd, s, s.retryPolicy().orElse(defaultPolicy), skip, lease, leaseUntil);
        held.add(c);
        out.add(c);
      }
      return out;
    }
  }

  /**
   * How many claims a durable store's publisher holds at most: about what its endpoints can start,
   * their slots plus the few each endpoint's queue keeps waiting ({@link EndpointQueues#waitingPerEndpoint}),
   * so a claim does not take rows only to hand them back. Pure.
   */
  static int claimCapacity(int maxInFlight, int perEndpoint, int endpoints) {
    long perEndpointHeld = perEndpoint + EndpointQueues.waitingPerEndpoint(perEndpoint);
    return (int) Math.min(maxInFlight, perEndpointHeld * Math.max(1, endpoints));
  }

  /**
   * {@link #claimCapacity} for the endpoints registered now, counted again after a change through
   * the publisher, else at most once every 20 poll intervals (10 s by default): reading every
   * subscription can be a whole table's read, and a count a little stale only sizes claims. It
   * stops counting once the cap is {@code maxInFlight}.
   */
  private int claimCap(Instant now) {
    if (recountEndpoints || endpointsCountedAt == null
        || !now.isBefore(endpointsCountedAt.plus(settings.pollInterval().multipliedBy(20)))) {
      recountEndpoints = false;
      long enough = settings.maxInFlight() / Math.max(1, claimCapacity(Integer.MAX_VALUE,
          settings.maxConcurrencyPerEndpoint(), 1)) + 1;
      try {
        endpoints = (int) registry.all().stream().filter(Subscription::enabled).map(Subscription::endpoint)
            .distinct().limit(enough).count();
      } catch (RuntimeException e) {
        endpoints = Integer.MAX_VALUE / 2; // the registry failed: claim as before, it is logged per delivery
      }
      endpointsCountedAt = now;
    }
    return claimCapacity(settings.maxInFlight(), settings.maxConcurrencyPerEndpoint(), endpoints);
  }

  /** Hands new claims to their endpoints' queues, which call {@code start} for those with a free slot. */
  void start(List<Claim> claims, EndpointQueues.StartFn start) {
    for (Claim c : claims) {
      if (c.skip != null) {
        if (c.move(Claim.Phase.QUEUED, Claim.Phase.RECORDING)) {
          recorder.skip(c);
        }
      } else if (!queues.submit(c, runner.nanos(), start, held.crowded())) {
        recorder.handBack(c, Claim.Phase.QUEUED, clock.instant().plus(BACKLOG_RETRY), "its endpoint is backed up");
      }
    }
  }

  /** Hands a claimed delivery back unattempted, due at {@code due}; it was never held in memory. */
  private void waitFor(StoredDelivery sd, String lease, Instant due) {
    try {
      store.retry(sd.deliveryId(), lease, null, sd.firstAttemptAt(), due);
      schedule(due);
    } catch (RuntimeException storeDown) {
      Reporter.safely(() -> Reporter.log.warn("could not hand {} back to {}; it is claimed again when its lease"
          + " ends", sd.deliveryId(), store, storeDown));
    }
  }

  /** The subscription {@code id} names now; a disabled placeholder when it is gone or the registry fails. */
  Subscription subscription(String id) {
    try {
      return registry.find(id).orElseGet(() -> placeholder(id));
    } catch (RuntimeException e) {
      return placeholder(id);
    }
  }

  /** A delivery falls due at {@code at}: runs the loop then (or at once, if it is due already). */
  void dueAt(Instant at) {
    if (at.isAfter(clock.instant())) {
      schedule(at);
    } else {
      wake();
    }
  }

  /** Makes sure the loop runs at {@code at}: keeps an earlier timer, replaces a later one. */
  private void schedule(Instant at) {
    synchronized (this) {
      Instant now = clock.instant();
      if (lifecycle.closed() || (timer != null && !timer.isDone() && !timerAt.isAfter(at))) {
        return; // a timer that has not fired yet, due no later, covers it (whatever the clock says)
      }
      if (timer != null) {
        timer.cancel(false);
      }
      try {
        timerAt = at;
        timer = scheduler.schedule(this::wake, Math.max(0, Duration.between(now, at).toNanos()), TimeUnit.NANOSECONDS);
      } catch (RejectedExecutionException e) {
        timer = null;
        timerAt = null;
      }
    }
  }

  /** {@code subscriptionId} was registered again or removed: a later wait of its deliveries is logged anew. */
  void registryChanged(String subscriptionId) {
    unregistered.forget(subscriptionId);
    recountEndpoints = true;
  }

  /** Stops the store's news and the timer (shutdown). */
  void stop() {
    try {
      news.close();
    } catch (Exception e) {
      Reporter.safely(() -> Reporter.log.warn("closing the news of new deliveries from {} failed", store, e));
    }
    synchronized (this) {
      if (timer != null) {
        timer.cancel(false);
        timer = null;
      }
    }
  }

  /** A subscription that was removed from the registry, for the outcome of its orphaned delivery. */
  static Subscription placeholder(String id) {
    return Subscription.builder().id(id).endpoint("https://removed.invalid/")
        .secret("whsec_" + Base64.getEncoder().encodeToString(new byte[24])).enabled(false).build();
  }
}
