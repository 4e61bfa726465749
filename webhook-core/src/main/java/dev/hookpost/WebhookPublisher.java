package dev.hookpost;

import dev.hookpost.internal.engine.Engine;
import dev.hookpost.internal.engine.EngineSettings;
import dev.hookpost.spi.AttemptInterceptor;
import dev.hookpost.spi.DeliveryQuery;
import dev.hookpost.spi.DeliveryStore;
import dev.hookpost.spi.TransactionalDeliveryStore;
import dev.hookpost.spi.Transport;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;

/**
 * Sends events to every matching subscription as signed Standard Webhooks, retrying failures
 * according to a {@link RetryPolicy}, and reports every outcome.
 *
 * <pre>{@code
 * try (WebhookPublisher publisher = WebhookPublisher.builder()
 *         .transport(OkHttpTransport.create())
 *         .subscription(shipping)
 *         .build()) {
 *     publisher.send(Event.of("order.created", Map.of("orderId", "A-1001")));
 * }
 * }</pre>
 *
 * <p>{@link #send} never waits for the network: it validates and serializes the event once,
 * then hands one delivery per matching subscription to the publisher's scheduler. A delivery
 * waiting for its next retry holds no thread.
 *
 * <p>Thread-safe: one publisher serves the whole application.
 */
public final class WebhookPublisher implements AutoCloseable {
  private final Engine engine;
  private final Deliveries deliveries;
  private final Duration shutdownTimeout;

  private WebhookPublisher(Engine engine, Duration shutdownTimeout) {
    this.engine = engine;
    this.deliveries = new Deliveries(engine);
    this.shutdownTimeout = shutdownTimeout;
  }

  /** Starts configuring a publisher; {@link Builder#transport} is required. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Accepts {@code event} for delivery to every subscription that matches its type and returns
   * at once: the caller's thread validates, serializes and stores. With the in-memory store, it
   * also claims the first few deliveries and hands the attempts that can start at once
   * (signing, the request) to {@link Transport#execute}: one of the transport's worker threads
   * with {@code OkHttpTransport}, the caller's thread with a transport that does not override
   * it (a test double). The dispatcher takes the rest of a large fan-out.
   *
   * @return a handle whose {@link SendHandle#outcomes() future} completes with each
   *     subscription's final outcome
   * @throws IllegalArgumentException if the event's data cannot be serialized or is larger than
   *     {@link Builder#maxPayloadBytes} (nothing is sent)
   * @throws DeliveryQueueFullException if the publisher's pending deliveries are at their limit
   *     (nothing is sent)
   * @throws WebhookException if the publisher is closed
   */
  public SendHandle send(Event event) {
    return new SendHandle(event == null ? null : event.id(), engine.send(event, null));
  }

  /**
   * Enqueues {@code event} inside the application's open transaction on {@code connection}: it
   * is delivered if and only if the caller commits (the transactional outbox). Needs a
   * {@link TransactionalDeliveryStore} such as {@code JdbcDeliveryStore}; the connection must
   * reach the store's database. A publisher finds the deliveries on its next poll after the
   * commit; the handle completes when they end, on whichever publisher ends them. After a
   * rollback nothing is left behind (the publisher forgets the handle a {@link Builder#lease
   * lease} after the send) and the same event may be sent again; a commit later than that is
   * delivered, but its handle does not complete.
   *
   * @throws IllegalStateException if the publisher's store is not transactional
   * @throws IllegalArgumentException if the event cannot be serialized or is too large
   * @throws WebhookException if the publisher is closed or the store's statements fail
   */
  public SendHandle send(Event event, java.sql.Connection connection) {
    Objects.requireNonNull(connection, "connection");
    return new SendHandle(event == null ? null : event.id(), engine.send(event, connection));
  }

  /**
   * The deliveries in this publisher's store: find dead letters, read attempt histories, requeue
   * and purge. A view: claiming and recording stay the publisher's.
   */
  public Deliveries deliveries() {
    return deliveries;
  }

  /**
   * Makes the dead letters (and {@code Skipped} deliveries) matching {@code query} pending again,
   * due now, e.g. {@code requeue(DeliveryQuery.deadLetters().forSubscription("shipping"))}.
   *
   * @return how many were requeued
   */
  public int requeue(DeliveryQuery query) {
    return deliveries.requeue(query);
  }

  /** The registry this publisher reads subscriptions from; add, remove or disable at runtime. */
  public SubscriptionRegistry subscriptions() {
    return engine.registry();
  }

  /**
   * Stops taking events, lets attempts already due finish for at most {@code timeout}, and
   * returns every delivery that did not finish: those waiting for a retry, and those still in
   * flight at the deadline. Each is also reported to the listeners and completes its
   * {@link SendHandle} as {@link DeliveryOutcome.Abandoned}, so nothing is dropped silently.
   * Closes the transport and, when the publisher created it, the scheduler. Calling it again
   * returns an empty list. Never throws, whatever listeners, the registry or the store do.
   *
   * <p>Abandoned deliveries stay pending in the store: a durable store's next publisher (or
   * another instance) delivers them; with the in-memory store the application keeps them from
   * the returned list if it wants them.
   */
  public List<DeliveryOutcome.Abandoned> shutdown(Duration timeout) {
    return engine.shutdown(Objects.requireNonNull(timeout, "timeout"));
  }

  /**
   * Whether {@link #shutdown(Duration)} or {@link #close()} has been called: a closed publisher
   * refuses {@link #send}. For health checks.
   */
  public boolean isClosed() {
    return engine.closed();
  }

  /**
   * {@link #shutdown(Duration) Shuts down} within the configured shutdown timeout (default 10 s);
   * what could not be finished is logged at WARN and reported as {@link DeliveryOutcome.Abandoned}.
   */
  @Override
  public void close() {
    shutdown(shutdownTimeout);
  }

  /**
   * Configures a {@link WebhookPublisher}. Defaults:
   * <ul>
   *   <li>subscriptions: an in-memory registry holding those given with {@link #subscription}
   *   <li>retry policy: {@link RetryPolicy#standardSchedule()} (8 attempts over ~27.5 h)
   *   <li>codec: {@link EventCodec#jackson()}
   *   <li>clock: the system UTC clock; scheduler: two daemon threads owned by the publisher
   *   <li>shutdown timeout for {@link #close()}: 10 s
   *   <li>per endpoint URL: at most 8 attempts in flight, no rate limit
   *   <li>at most 100,000 pending deliveries in the default in-memory store ({@code send} fails
   *       fast when full); 10,000 failing deliveries per subscription
   *   <li>largest serialized event: 1 MiB
   *   <li>a subscription is disabled after 5 days in which every delivery failed, or 1,000
   *       failed deliveries in a row, and at once when its endpoint answers 410 Gone
   *   <li>store: {@link DeliveryStore#inMemory()}; a claimed delivery's lease lasts 5 min; a
   *       durable store is polled every 500 ms; at most 1,024 deliveries claimed at once
   * </ul>
   * Each setter rejects a bad value at once. Not thread-safe.
   */
  public static final class Builder {
    private Transport transport;
    private SubscriptionRegistry registry;
    private final List<Subscription> subscriptions = new ArrayList<>();
    private RetryPolicy retryPolicy = RetryPolicy.standardSchedule();
    private final List<DeliveryListener> listeners = new ArrayList<>();
    private final List<AttemptInterceptor> interceptors = new ArrayList<>();
    private EventCodec codec;
    private Clock clock = Clock.systemUTC();
    private ScheduledExecutorService scheduler;
    private Duration shutdownTimeout = Duration.ofSeconds(10);
    private int maxConcurrencyPerEndpoint = 8;
    private double rateLimitPerEndpoint;
    private int maxPendingDeliveries = 100_000;
    private int maxPendingPerSubscription = 10_000;
    private Duration blockWhenFull = Duration.ZERO;
    private int maxPayloadBytes = 1024 * 1024;
    private int disableAfterFailedDeliveries = 1_000;
    private Duration disableAfterFailingFor = Duration.ofDays(5);
    private DeliveryStore store;
    private Duration lease = Duration.ofMinutes(5);
    private Duration pollInterval = Duration.ofMillis(500);
    private int maxInFlight = 1_024;
    private Retention retention = Retention.defaults();

    private Builder() {}

    /**
     * Keeps deliveries in {@code store}, e.g. {@code JdbcDeliveryStore} from {@code webhook-jdbc}
     * so they survive a crash and several instances share them. Default
     * {@link DeliveryStore#inMemory()}.
     */
    public Builder store(DeliveryStore store) {
      this.store = Objects.requireNonNull(store, "store");
      return this;
    }

    /**
     * How long a claimed delivery stays this publisher's before another may take it over; with a
     * durable store {@link #build()} refuses one below twice the transport's
     * {@link Transport#callTimeout() call timeout}. With a durable store an attempt starts only while
     * at least half of its lease is left: a delivery that waited longer behind its endpoint's
     * queue goes back to the store instead, so two instances never send it at once. Default
     * 5 min; at least 1 s.
     */
    public Builder lease(Duration lease) {
      if (lease == null || lease.compareTo(Duration.ofSeconds(1)) < 0) {
        throw new IllegalArgumentException("lease must be at least 1 s, e.g. Duration.ofMinutes(5), was " + lease);
      }
      this.lease = lease;
      return this;
    }

    /** How often a durable store is asked for due deliveries (others may enqueue). Default 500 ms; at least 10 ms. */
    public Builder pollInterval(Duration interval) {
      if (interval == null || interval.compareTo(Duration.ofMillis(10)) < 0) {
        throw new IllegalArgumentException("pollInterval must be at least 10 ms, was " + interval);
      }
      this.pollInterval = interval;
      return this;
    }

    /**
     * How long a durable store keeps ended deliveries: the publisher deletes older ones a minute
     * after it starts and then every hour, in transactions of at most 500 deliveries with a short
     * pause between them; pending deliveries are never deleted. Several publishers on one
     * database may all do it. Default {@link Retention#defaults()} (7 days for delivered, 30 for
     * dead letters); {@link Retention#forever()} turns it off. The in-memory store is not purged.
     */
    public Builder retention(Retention retention) {
      this.retention = Objects.requireNonNull(retention, "retention");
      return this;
    }

    /** The most deliveries this publisher claims and works on at once. Default 1,024; at least 1. */
    public Builder maxInFlight(int max) {
      if (max < 1) {
        throw new IllegalArgumentException("maxInFlight must be at least 1, was " + max);
      }
      this.maxInFlight = max;
      return this;
    }

    /**
     * Caps attempts in flight to one endpoint URL, so a slow endpoint cannot take everyone's
     * capacity; more wait in that endpoint's own queue. Default 8; 1 to 1,000.
     */
    public Builder maxConcurrencyPerEndpoint(int max) {
      if (max < 1 || max > 1_000) {
        throw new IllegalArgumentException("maxConcurrencyPerEndpoint must be 1..1000, was " + max);
      }
      this.maxConcurrencyPerEndpoint = max;
      return this;
    }

    /** Limits attempts to one endpoint URL to {@code requestsPerSecond}. Default: no limit. */
    public Builder rateLimitPerEndpoint(double requestsPerSecond) {
      if (!(requestsPerSecond > 0) || Double.isInfinite(requestsPerSecond)) {
        throw new IllegalArgumentException("rateLimitPerEndpoint must be a positive number of requests per"
            + " second, was " + requestsPerSecond);
      }
      this.rateLimitPerEndpoint = requestsPerSecond;
      return this;
    }

    /**
     * Bounds deliveries accepted but not yet finished in the in-memory store the publisher
     * creates when no {@link #store} is given; past it {@code send} throws
     * {@link DeliveryQueueFullException}, or waits up to {@link #blockWhenFull}. Their heap stays
     * under this many × (the serialized event's bytes + 1.5 KiB). A durable store is bounded by
     * its database. Default 100,000; at least 1.
     */
    public Builder maxPendingDeliveries(int max) {
      if (max < 1) {
        throw new IllegalArgumentException("maxPendingDeliveries must be at least 1, was " + max);
      }
      this.maxPendingDeliveries = max;
      return this;
    }

    /**
     * Bounds one subscription's failing deliveries (pending after a failed attempt; healthy ones
     * waiting for a slot never count), as the store counts them for every publisher sharing it
     * (re-read at most every {@link #pollInterval}), so an endpoint that keeps failing cannot take
     * the others' room: past it, its new deliveries end at once as {@link DeliveryOutcome.GaveUp}
     * with no attempt, while other subscriptions still get the event. Default 10,000; at least 1.
     */
    public Builder maxPendingPerSubscription(int max) {
      if (max < 1) {
        throw new IllegalArgumentException("maxPendingPerSubscription must be at least 1, was " + max);
      }
      this.maxPendingPerSubscription = max;
      return this;
    }

    /** Makes a full publisher's {@code send} wait up to {@code timeout} for room. Default zero: fail fast. */
    public Builder blockWhenFull(Duration timeout) {
      if (timeout == null || timeout.isNegative()) {
        throw new IllegalArgumentException("blockWhenFull must be zero or positive, e.g. Duration.ofSeconds(1)");
      }
      this.blockWhenFull = timeout;
      return this;
    }

    /** The largest serialized event {@code send} accepts. Default 1 MiB (1,048,576 bytes); at least 64. */
    public Builder maxPayloadBytes(int max) {
      if (max < 64) {
        throw new IllegalArgumentException("maxPayloadBytes must be at least 64, was " + max);
      }
      this.maxPayloadBytes = max;
      return this;
    }

    /**
     * Disables a subscription (and tells the listeners) after {@code failedDeliveries} failed
     * deliveries in a row, or once every delivery over {@code failingFor} failed. Defaults 1,000
     * and 5 days.
     */
    public Builder disableFailingEndpoints(int failedDeliveries, Duration failingFor) {
      if (failedDeliveries < 1) {
        throw new IllegalArgumentException("failedDeliveries must be at least 1, was " + failedDeliveries);
      }
      if (failingFor == null || failingFor.isNegative() || failingFor.isZero()) {
        throw new IllegalArgumentException("failingFor must be a positive Duration, e.g. Duration.ofDays(5)");
      }
      this.disableAfterFailedDeliveries = failedDeliveries;
      this.disableAfterFailingFor = failingFor;
      return this;
    }

    /** Sets how requests are sent, e.g. {@code OkHttpTransport.create()}. Required; closed with the publisher. */
    public Builder transport(Transport transport) {
      this.transport = Objects.requireNonNull(transport, "transport");
      return this;
    }

    /** Adds a subscription to the publisher's in-memory registry. */
    public Builder subscription(Subscription subscription) {
      this.subscriptions.add(Objects.requireNonNull(subscription, "subscription"));
      return this;
    }

    /** Reads subscriptions from {@code registry} instead, e.g. one backed by the application's database. */
    public Builder registry(SubscriptionRegistry registry) {
      this.registry = Objects.requireNonNull(registry, "registry");
      return this;
    }

    /** Sets the retry policy for subscriptions that have none of their own. */
    public Builder retryPolicy(RetryPolicy retryPolicy) {
      this.retryPolicy = Objects.requireNonNull(retryPolicy, "retryPolicy");
      return this;
    }

    /** Adds a listener; listeners are called in the order added. */
    public Builder listener(DeliveryListener listener) {
      this.listeners.add(Objects.requireNonNull(listener, "listener"));
      return this;
    }

    /**
     * Adds an interceptor around every attempt, e.g. tracing from {@code webhook-opentelemetry};
     * the first added runs outermost. Its {@link AttemptInterceptor#capture} runs on every send.
     */
    public Builder interceptor(AttemptInterceptor interceptor) {
      this.interceptors.add(Objects.requireNonNull(interceptor, "interceptor"));
      return this;
    }

    /** Sets how events are serialized, e.g. {@code EventCodec.jackson(myObjectMapper)}. */
    public Builder codec(EventCodec codec) {
      this.codec = Objects.requireNonNull(codec, "codec");
      return this;
    }

    /** Sets the clock for {@code webhook-timestamp} and elapsed times (tests use a fake one). */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Runs attempts and waits for retries on {@code scheduler} instead of the publisher's own
     * threads. The publisher never shuts down a scheduler it was given.
     */
    public Builder scheduler(ScheduledExecutorService scheduler) {
      this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
      return this;
    }

    /** Sets how long {@link #close()} waits for deliveries in flight. Default 10 s; zero or more. */
    public Builder shutdownTimeout(Duration timeout) {
      if (timeout == null || timeout.isNegative()) {
        throw new IllegalArgumentException("shutdownTimeout must be zero or positive, e.g. Duration.ofSeconds(10)");
      }
      this.shutdownTimeout = timeout;
      return this;
    }

    /**
     * Builds and starts the publisher, then tells each listener {@link DeliveryListener#onStart}.
     *
     * @throws IllegalArgumentException if no transport was set, both {@link #subscription}
     *     and {@link #registry(SubscriptionRegistry)} were used, or the store is durable and the
     *     {@link #lease} is below twice the transport's call timeout
     */
    public WebhookPublisher build() {
      if (transport == null) {
        throw new IllegalArgumentException("transport is required; e.g. .transport(OkHttpTransport.create())"
            + " from webhook-okhttp");
      }
      SubscriptionRegistry source = registry;
      if (source == null) {
        InMemorySubscriptionRegistry inMemory = new InMemorySubscriptionRegistry();
        inMemory.addAll(subscriptions);
        source = inMemory;
      } else if (!subscriptions.isEmpty()) {
        throw new IllegalArgumentException("use either .subscription(...) or .registry(registry), not both;"
            + " add the subscriptions to your registry instead");
      }
      DeliveryStore deliveries = store == null ? DeliveryStore.inMemory(maxPendingDeliveries) : store;
      checkLease(deliveries);
      Engine engine = new Engine(transport, source, retryPolicy, List.copyOf(listeners),
          codec == null ? EventCodec.jackson() : codec, clock, scheduler,
          new EngineSettings(maxConcurrencyPerEndpoint, rateLimitPerEndpoint, maxPendingPerSubscription, blockWhenFull,
              maxPayloadBytes, disableAfterFailedDeliveries, disableAfterFailingFor, lease, pollInterval, maxInFlight,
              retention),
          deliveries, List.copyOf(interceptors));
      WebhookPublisher publisher = new WebhookPublisher(engine, shutdownTimeout);
      engine.started(publisher);
      return publisher;
    }

    /** A lease that could end while its attempt is on the wire lets two instances send one delivery at once. */
    private void checkLease(DeliveryStore deliveries) {
      Duration call = deliveries.durable() ? transport.callTimeout().orElse(Duration.ZERO) : Duration.ZERO;
      if (lease.compareTo(call.multipliedBy(2)) < 0) {
        throw new IllegalArgumentException("lease " + lease + " is not comfortably above the transport's call"
            + " timeout " + call + ": a delivery whose lease ends while its attempt is on the wire can be sent by"
            + " another publisher at the same time; set .lease(" + call.multipliedBy(2) + ") or more (twice the call"
            + " timeout), or lower the transport's callTimeout");
      }
    }
  }
}
