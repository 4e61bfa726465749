package dev.hookpost;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The delivery engine behind {@link WebhookPublisher}: one {@link Delivery} per matching
 * subscription, attempts run on the scheduler, transport callbacks decide what comes next.
 */
final class DeliveryEngine {
  private static final Logger log = LoggerFactory.getLogger(WebhookPublisher.class);

  private final Transport transport;
  private final SubscriptionRegistry registry;
  private final RetryPolicy defaultPolicy;
  private final List<DeliveryListener> listeners;
  private final EventCodec codec;
  private final Clock clock;
  private final ScheduledExecutorService scheduler;
  private final boolean ownsScheduler;
  private final EngineSettings settings;
  private final EndpointQueues queues;
  private final EndpointHealth health;
  private final Semaphore pending;

  private final Set<Delivery> live = ConcurrentHashMap.newKeySet();
  /** Sends take the read lock, shutdown the write lock: no delivery slips in after shutdown looked. */
  private final ReadWriteLock lifecycle = new ReentrantReadWriteLock();
  private volatile boolean closed;

  DeliveryEngine(Transport transport, SubscriptionRegistry registry, RetryPolicy defaultPolicy,
      List<DeliveryListener> listeners, EventCodec codec, Clock clock, ScheduledExecutorService scheduler,
      EngineSettings settings) {
    this.transport = transport;
    this.registry = registry;
    this.defaultPolicy = defaultPolicy;
    this.listeners = listeners;
    this.codec = codec;
    this.clock = clock;
    this.ownsScheduler = scheduler == null;
    this.scheduler = scheduler == null ? newScheduler() : scheduler;
    this.settings = settings;
    this.queues = new EndpointQueues(settings.maxConcurrencyPerEndpoint(), settings.rateLimitPerEndpoint());
    this.health = new EndpointHealth(settings.disableAfterFailedDeliveries(), settings.disableAfterFailingFor());
    this.pending = new Semaphore(settings.maxPendingDeliveries());
  }

  SubscriptionRegistry registry() {
    return registry;
  }

  SendHandle send(Event event) {
    if (event == null) {
      throw new IllegalArgumentException("event is required; create one with Event.of(type, data)");
    }
    byte[] body = codec.encode(event); // once: every subscription and attempt shares these bytes
    if (body.length > settings.maxPayloadBytes()) {
      throw new IllegalArgumentException("event " + event.id() + " serializes to " + body.length
          + " bytes, over the limit of " + settings.maxPayloadBytes() + " bytes; send a smaller payload (e.g."
          + " an id the receiver can fetch details with) or raise maxPayloadBytes");
    }
    List<Subscription> matching = registry.matching(event.type());
    int enabled = 0;
    for (Subscription s : matching) {
      enabled += s.enabled() ? 1 : 0;
    }
    acquirePermits(event, enabled);
    List<Delivery> started = new ArrayList<>(enabled);
    List<CompletableFuture<DeliveryOutcome>> futures = new ArrayList<>(matching.size());
    lifecycle.readLock().lock();
    try {
      if (closed) {
        pending.release(enabled);
        throw new WebhookException("this publisher is closed and takes no more events (event " + event.id()
            + " was not sent); send through a publisher that is open");
      }
      for (Subscription s : matching) {
        Delivery d = new Delivery(event, body, s, s.retryPolicy().orElse(defaultPolicy));
        futures.add(d.outcome);
        if (!s.enabled()) {
          finish(d, new DeliveryOutcome.Skipped(event.id(), s, "subscription is disabled"));
        } else {
          d.holdsPermit = true;
          live.add(d);
          started.add(d);
        }
      }
    } finally {
      lifecycle.readLock().unlock();
    }
    for (Delivery d : started) {
      queues.submit(d, nanos(), this::start);
    }
    return new SendHandle(event.id(), all(futures));
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
    if (block.isZero()) {
      got = pending.tryAcquire(count);
    } else {
      try {
        got = pending.tryAcquire(count, block.toNanos(), TimeUnit.NANOSECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        got = false;
      }
    }
    if (!got) {
      throw new DeliveryQueueFullException("the publisher holds " + (settings.maxPendingDeliveries()
          - pending.availablePermits()) + " pending deliveries (limit " + settings.maxPendingDeliveries()
          + "); event " + event.id() + " needs " + count + " more and was not accepted" + (block.isZero() ? ""
          : " after waiting " + block) + "; retry later, or raise maxPendingDeliveries / blockWhenFull");
    }
  }

  /** Runs an attempt now on the scheduler, or after the endpoint's rate limit wait. */
  private void start(Delivery d, long waitNanos) {
    try {
      if (waitNanos <= 0) {
        scheduler.execute(() -> attempt(d));
      } else {
        scheduler.schedule(() -> attempt(d), waitNanos, TimeUnit.NANOSECONDS);
      }
    } catch (RejectedExecutionException e) {
      finish(d, abandoned(d, "the scheduler refused the attempt (" + e.getMessage() + ")"));
    }
  }

  /** A retry fell due: skip it if the subscription was disabled meanwhile, else queue it. */
  private void retryDue(Delivery d) {
    synchronized (d) {
      d.pendingRetry = null;
    }
    Subscription now = registry.find(d.subscription.id()).orElse(null);
    if (now == null || !now.enabled()) {
      finish(d, new DeliveryOutcome.Skipped(d.event.id(), d.subscription, "subscription was "
          + (now == null ? "removed" : "disabled") + " after " + d.attempts + " attempt(s)"));
      return;
    }
    queues.submit(d, nanos(), this::start);
  }

  private long nanos() {
    Instant now = clock.instant();
    return now.getEpochSecond() * 1_000_000_000L + now.getNano();
  }

  private void attempt(Delivery d) {
    boolean over;
    synchronized (d) {
      over = d.finished;
      if (!over) {
        d.attempts++;
      }
    }
    if (over) { // ended (e.g. abandoned) while it waited for its slot: pass the slot on
      queues.release(d, nanos(), this::start);
      return;
    }
    Instant start = clock.instant();
    if (d.firstAttemptAt == null) {
      d.firstAttemptAt = start;
    }
    int number = d.attempts;
    CompletableFuture<TransportResponse> response;
    try {
      response = transport.send(request(d, start));
    } catch (RuntimeException e) {
      response = CompletableFuture.failedFuture(e);
    }
    response.whenComplete((r, e) -> afterAttempt(d, number, start, r, e));
  }

  private TransportRequest request(Delivery d, Instant start) {
    Subscription s = d.subscription;
    long timestamp = start.getEpochSecond();
    Map<String, String> headers = new LinkedHashMap<>(8 + s.headers().size());
    headers.putAll(s.headers());
    headers.put(WebhookHeaders.CONTENT_TYPE, WebhookHeaders.JSON);
    headers.put(WebhookHeaders.USER_AGENT, WebhookHeaders.USER_AGENT_VALUE);
    headers.put(WebhookHeaders.ID, d.event.id());
    headers.put(WebhookHeaders.TIMESTAMP, Long.toString(timestamp));
    headers.put(WebhookHeaders.SIGNATURE, s.signer().sign(d.event.id(), timestamp, d.body));
    return new TransportRequest(s.endpoint(), headers, d.body);
  }

  private void afterAttempt(Delivery d, int number, Instant start, TransportResponse r, Throwable e) {
    queues.release(d, nanos(), this::start);
    Instant end = clock.instant();
    Duration since = Duration.between(d.firstAttemptAt, end);
    Throwable error = unwrap(e);
    Attempt attempt = r != null && error == null
        ? Attempt.answered(number, start, since, r, RetryAfter.parse(r.header("retry-after").orElse(null), end))
        : Attempt.failed(number, start, since, error != null ? error : new IllegalStateException("no response"));
    for (DeliveryListener l : listeners) {
      notify(() -> l.onAttempt(d.event, d.subscription, attempt));
    }
    if (attempt.succeeded()) {
      health.delivered(d.subscription.id());
      finish(d, new DeliveryOutcome.Delivered(d.event.id(), d.subscription, number, r.status(), since));
    } else if (error instanceof EndpointRefusedException) {
      finish(d, new DeliveryOutcome.Rejected(d.event.id(), d.subscription, number, error.getMessage()));
    } else if (attempt.hasStatus(410)) {
      finish(d, new DeliveryOutcome.GaveUp(d.event.id(), d.subscription, number, attempt,
          "the endpoint answered 410 Gone"));
      disable(d.subscription, "the endpoint answered 410 Gone");
    } else {
      scheduleRetry(d, attempt);
    }
  }

  /** Disables a subscription in the registry and tells the application. */
  private void disable(Subscription s, String reason) {
    health.reset(s.id());
    boolean changed;
    try {
      changed = registry.find(s.id()).map(Subscription::enabled).orElse(false) && registry.setEnabled(s.id(), false);
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

  private void scheduleRetry(Delivery d, Attempt failed) {
    Optional<Duration> delay;
    try {
      delay = d.policy.nextDelay(failed);
    } catch (RuntimeException e) {
      log.error("retry policy {} threw; giving up on event={} subscription={}", d.policy, d.event.id(),
          d.subscription.id(), e);
      delay = Optional.empty();
    }
    if (delay.isEmpty()) {
      finish(d, new DeliveryOutcome.GaveUp(d.event.id(), d.subscription, failed.number(), failed,
          "the retry policy gave up after " + failed.number() + " attempt(s); last: " + failed.describe()));
      String unhealthy = health.failed(d.subscription.id(), d.firstAttemptAt, clock.instant());
      if (unhealthy != null) {
        disable(d.subscription, unhealthy);
      }
      return;
    }
    Duration wait = delay.get();
    boolean abandon;
    synchronized (d) {
      abandon = closed;
      if (!abandon) {
        try {
          d.pendingRetry = scheduler.schedule(() -> retryDue(d), wait.toNanos(), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
          abandon = true;
        }
      }
    }
    if (abandon) {
      finish(d, abandoned(d, "the publisher closed after attempt " + failed.number() + " failed ("
          + failed.describe() + ")"));
      return;
    }
    log.info("webhook attempt failed, retrying in {}: event={} type={} subscription={} endpoint={} attempt={} {}",
        wait, d.event.id(), d.event.type(), d.subscription.id(), d.subscription.endpointForLogs(), failed.number(),
        failed.describe());
    for (DeliveryListener l : listeners) {
      notify(() -> l.onRetryScheduled(d.event, d.subscription, failed, wait));
    }
  }

  /** Ends a delivery exactly once: log, tell the listeners, then complete its future. */
  private void finish(Delivery d, DeliveryOutcome outcome) {
    synchronized (d) {
      if (d.finished) {
        return;
      }
      d.finished = true;
      if (d.pendingRetry != null) {
        d.pendingRetry.cancel(false);
        d.pendingRetry = null;
      }
    }
    live.remove(d);
    if (d.holdsPermit) {
      pending.release();
    }
    logOutcome(d, outcome);
    for (DeliveryListener l : listeners) {
      notify(() -> l.onOutcome(outcome));
    }
    d.outcome.complete(outcome);
  }

  private static void logOutcome(Delivery d, DeliveryOutcome outcome) {
    String id = d.event.id();
    String type = d.event.type();
    String sub = d.subscription.id();
    String endpoint = d.subscription.endpointForLogs();
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
    return new DeliveryOutcome.Abandoned(d.event, d.subscription, d.attempts, reason);
  }

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
    List<DeliveryOutcome.Abandoned> abandoned = new ArrayList<>();
    // Deliveries waiting for a retry will not be tried again: hand them back now.
    for (Delivery d : List.copyOf(live)) {
      boolean waiting;
      synchronized (d) {
        waiting = d.pendingRetry != null && d.pendingRetry.cancel(false);
      }
      if (waiting) {
        DeliveryOutcome.Abandoned a = abandoned(d, "the publisher closed while the delivery waited for retry "
            + (d.attempts + 1));
        finish(d, a);
        abandoned.add(a);
      }
    }
    // Attempts due now or in flight get until the deadline.
    List<Delivery> inFlight = List.copyOf(live);
    CompletableFuture<?>[] futures = inFlight.stream().map(d -> d.outcome).toArray(CompletableFuture[]::new);
    try {
      CompletableFuture.allOf(futures).get(timeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException | ExecutionException e) {
      // handled below: whatever has not finished is abandoned
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    for (Delivery d : inFlight) {
      if (!d.outcome.isDone()) {
        DeliveryOutcome.Abandoned a = abandoned(d, "the publisher closed before attempt " + d.attempts
            + " finished (shutdown timeout " + timeout + ")");
        finish(d, a);
      }
      DeliveryOutcome o = d.outcome.getNow(null);
      if (o instanceof DeliveryOutcome.Abandoned a) {
        abandoned.add(a);
      }
    }
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
    return List.copyOf(abandoned);
  }

  private static void notify(Runnable call) {
    try {
      call.run();
    } catch (RuntimeException e) {
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

  private static CompletableFuture<List<DeliveryOutcome>> all(List<CompletableFuture<DeliveryOutcome>> futures) {
    if (futures.isEmpty()) {
      return CompletableFuture.completedFuture(List.of());
    }
    return CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new))
        .thenApply(ignored -> futures.stream().map(CompletableFuture::join).toList());
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
