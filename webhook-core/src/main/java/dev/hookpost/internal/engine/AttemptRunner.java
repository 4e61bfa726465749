package dev.hookpost.internal.engine;

import dev.hookpost.Attempt;
import dev.hookpost.Subscription;
import dev.hookpost.WebhookHeaders;
import dev.hookpost.spi.Transport;
import dev.hookpost.spi.TransportRequest;
import dev.hookpost.spi.TransportResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs one attempt of a claim that has its endpoint's slot: signs the request (a subscription's
 * own signer through {@link CustomSigning}), hands it to the {@link Transport}, and gives the
 * answer or error to the {@link Recorder}. Knows nothing of
 * retries or the store. Thread-safe; holds no lock.
 */
final class AttemptRunner {
  /** Whether this thread is running an attempt: what an attempt starts must not recurse into it. */
  private static final ThreadLocal<Boolean> IN_ATTEMPT = ThreadLocal.withInitial(() -> false);

  private final Transport transport;
  private final Interceptors interceptors;
  private final Clock clock;
  private final ScheduledExecutorService scheduler;
  private final EndpointQueues queues;
  private final Recorder recorder;
  private final CustomSigning customSigning;
  private final Duration lease;
  /** Half the lease: computed once, as {@code Duration.dividedBy} divides in {@code BigDecimal} (a profile's hot spot). */
  private final Duration halfLease;
  private final Duration pollInterval;
  private final boolean rateLimited;

  AttemptRunner(Transport transport, Interceptors interceptors, Clock clock, ScheduledExecutorService scheduler, EndpointQueues queues,
      Recorder recorder, EngineSettings settings) {
    this.transport = transport;
    this.interceptors = interceptors;
    this.clock = clock;
    this.scheduler = scheduler;
    this.queues = queues;
    this.recorder = recorder;
    this.customSigning = new CustomSigning(scheduler);
    this.lease = settings.lease();
    this.halfLease = lease.dividedBy(2);
    this.pollInterval = settings.pollInterval();
    this.rateLimited = settings.rateLimitPerEndpoint() > 0;
  }

  /**
   * Starts {@code c}'s attempt after {@code waitNanos}: on this thread when it is not inside an
   * attempt already (no hand-off), else on the scheduler, so that transports answering at once
   * cannot recurse.
   */
  void start(Claim c, long waitNanos) {
    try {
      if (waitNanos <= 0 && !IN_ATTEMPT.get()) {
        attemptHere(c);
      } else if (waitNanos <= 0) {
        scheduler.execute(() -> attemptHere(c));
      } else {
        scheduler.schedule(() -> attemptHere(c), waitNanos, TimeUnit.NANOSECONDS);
      }
    } catch (RejectedExecutionException e) { // the scheduler is shut down: the slot and the delivery go back
      queues.release(c, nanos(), this::start);
      recorder.handBack(c, Claim.Phase.QUEUED, clock.instant().plus(pollInterval),
          "the scheduler refused its attempt (" + e.getMessage() + ")");
    }
  }

  /**
   * Starts an attempt that {@code send} claimed, on the transport's own thread
   * ({@link Transport#execute}), so that signing and the request do not hold the caller.
   */
  void startFromSend(Claim c, long waitNanos) {
    if (waitNanos > 0 || IN_ATTEMPT.get()) {
      start(c, waitNanos);
      return;
    }
    AtomicBoolean ran = new AtomicBoolean(); // once: a task that ran and then threw is not run again
    try {
      transport.execute(() -> {
        if (ran.compareAndSet(false, true)) {
          attemptHere(c);
        }
      });
    } catch (RuntimeException e) {
      if (ran.compareAndSet(false, true)) { // refused before it ran: run it here instead
        start(c, waitNanos);
      }
    }
  }

  private void attemptHere(Claim c) {
    boolean outer = !IN_ATTEMPT.get();
    IN_ATTEMPT.set(true);
    try {
      attempt(c);
    } finally {
      if (outer) {
        IN_ATTEMPT.set(false);
      }
    }
  }

  private void attempt(Claim c) {
    if (!c.move(Claim.Phase.QUEUED, Claim.Phase.RUNNING)) { // abandoned while it waited for its slot
      queues.release(c, nanos(), this::start);
      return;
    }
    if (recorder.removedSinceClaimed(c)) { // not sent to an endpoint the application removed
      queues.release(c, nanos(), this::start);
      if (c.move(Claim.Phase.RUNNING, Claim.Phase.RECORDING)) {
        recorder.skip(c, ManagedRegistry.REMOVED);
      }
      return;
    }
    Instant start = clock.instant();
    if (!start.isBefore(c.leaseUntil.minus(halfLease))) {
      // It waited so long that the lease may end during the attempt, and another claimer send it alongside.
      queues.release(c, nanos(), this::start);
      recorder.handBack(c, Claim.Phase.RUNNING, start.plus(pollInterval), "it waited for its endpoint's slot until less than half of"
          + " its " + lease + " lease was left");
      return;
    }
    if (c.firstAttemptAt == null) {
      c.firstAttemptAt = start;
    }
    int number = ++c.attempts;
    Subscription s = c.subscription;
    long timestamp = start.getEpochSecond();
    CompletableFuture<TransportResponse> response;
    if (CustomSigning.isCustom(s)) { // it may be slow: signed on a thread of its own, then sent from there
      response = customSigning.sign(s, c.stored.eventId(), timestamp, c.stored.payload())
          .thenCompose(signature -> c.phase() == Claim.Phase.RUNNING ? send(c, number, request(c, timestamp, signature))
              : CompletableFuture.failedFuture(new IllegalStateException("abandoned while its signer ran")));
    } else {
      try {
        response = send(c, number, request(c, timestamp, s.signer().sign(c.stored.eventId(), timestamp, c.stored.payload())));
      } catch (RuntimeException e) {
        response = CompletableFuture.failedFuture(e);
      }
    }
    response.whenComplete((r, e) -> afterAttempt(c, number, start, r, e));
  }

  /** Sends through the interceptors to the transport; whatever fails here is the attempt's failure. */
  private CompletableFuture<TransportResponse> send(Claim c, int number, TransportRequest request) {
    try {
      CompletableFuture<TransportResponse> response = interceptors.send(c.stored, c.subscription, number, request);
      return response != null ? response
          : CompletableFuture.failedFuture(new IllegalStateException(transport + " or an interceptor returned no future"));
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  private void afterAttempt(Claim c, int number, Instant start, TransportResponse r, Throwable e) {
    queues.release(c, nanos(), this::start);
    if (!c.move(Claim.Phase.RUNNING, Claim.Phase.RECORDING)) {
      return; // abandoned by shutdown while on the wire: its late answer changes nothing
    }
    Instant end = clock.instant();
    Duration since = Duration.between(c.firstAttemptAt, end);
    Throwable error = unwrap(e);
    Attempt attempt = r != null && error == null
        ? Attempt.answered(number, start, since, r, RetryAfter.parse(r.header("retry-after").orElse(null), end))
        : Attempt.failed(number, start, since, error != null ? error : new IllegalStateException("no response"));
    try {
      recorder.attempted(c, attempt);
    } catch (RuntimeException | Error bug) {
      recorder.failed(c, bug);
    }
  }

  private static TransportRequest request(Claim c, long timestamp, String signature) {
    Subscription s = c.subscription;
    String id = c.stored.eventId();
    Map<String, String> headers = new LinkedHashMap<>(8 + s.headers().size());
    headers.putAll(s.headers());
    headers.put(WebhookHeaders.CONTENT_TYPE, WebhookHeaders.JSON);
    headers.put(WebhookHeaders.USER_AGENT, WebhookHeaders.USER_AGENT_VALUE);
    headers.put(WebhookHeaders.ID, id);
    headers.put(WebhookHeaders.TIMESTAMP, Long.toString(timestamp));
    headers.put(WebhookHeaders.SIGNATURE, signature);
    return new TransportRequest(s.endpoint(), headers, c.stored.payload());
  }

  /** The time rate limits count in, from the publisher's clock; 0 without a rate limit (no clock read). */
  long nanos() {
    if (!rateLimited) {
      return 0;
    }
    Instant now = clock.instant();
    return now.getEpochSecond() * 1_000_000_000L + now.getNano();
  }

  private static Throwable unwrap(Throwable e) {
    while ((e instanceof CompletionException || e instanceof ExecutionException) && e.getCause() != null) {
      e = e.getCause();
    }
    return e;
  }
}
