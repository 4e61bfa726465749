package dev.hookpost.internal.engine;

import dev.hookpost.DeliveryListener;
import dev.hookpost.DeliveryOutcome;
import dev.hookpost.Event;
import dev.hookpost.EventCodec;
import dev.hookpost.RetryPolicy;
import dev.hookpost.SubscriptionRegistry;
import dev.hookpost.WebhookPublisher;
import dev.hookpost.spi.AttemptInterceptor;
import dev.hookpost.spi.DeliveryQuery;
import dev.hookpost.spi.DeliveryStore;
import dev.hookpost.spi.Transport;
import java.sql.Connection;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The delivery engine behind {@code WebhookPublisher}: builds its parts and wires them, one
 * job each (see ARCHITECTURE.md): {@link Intake} stores events, {@link Dispatcher} claims due
 * deliveries, {@link EndpointQueues} hands out endpoint slots, {@link AttemptRunner} sends,
 * {@link Verdict} decides, {@link Recorder} writes the result and reports it, {@link Handles}
 * completes the sends, {@link Purger} deletes what is past its retention, {@link Shutdown} closes. The store is the one truth; every part's memory
 * is a cache of it. Thread-safe.
 */
public final class Engine {
  private final DeliveryStore store;
  private final SubscriptionRegistry registry;
  private final Clock clock;
  private final Intake intake;
  private final Dispatcher dispatcher;
  private final Shutdown shutdown;
  private final Handles handles;
  private final Held held;
  private final Reporter reporter;
  private final Lifecycle lifecycle;
  private final Purger purger;

  /**
   * Builds and starts an engine; with a durable store it starts claiming what is already due.
   *
   * @param scheduler the scheduler to use, or null for two daemon threads the engine owns
   * @param interceptors around every attempt, the first outermost
   */
  public Engine(Transport transport, SubscriptionRegistry registry, RetryPolicy defaultPolicy,
      List<DeliveryListener> listeners, EventCodec codec, Clock clock, ScheduledExecutorService scheduler,
      EngineSettings settings, DeliveryStore store, List<AttemptInterceptor> interceptors) {
    this.store = store;
    this.clock = clock;
    String owner = "hookpost-" + UUID.randomUUID();
    boolean ownsScheduler = scheduler == null;
    ScheduledExecutorService threads = ownsScheduler ? newScheduler() : scheduler;
    this.lifecycle = new Lifecycle();
    this.handles = new Handles();
    this.reporter = new Reporter(listeners);
    Interceptors chain = new Interceptors(interceptors, transport);
    EndpointQueues queues = new EndpointQueues(settings.maxConcurrencyPerEndpoint(), settings.rateLimitPerEndpoint(),
        Dispatcher.BACKLOG_RETRY.toNanos(), settings.maxInFlight(), System::nanoTime);
    Dispatcher[] wake = new Dispatcher[1];
    this.held = new Held(settings.maxInFlight(), () -> wake[0].wake());
    this.dispatcher = new Dispatcher(store, registry, defaultPolicy, owner, clock, threads, settings, lifecycle, held,
        queues, handles);
    wake[0] = dispatcher;
    BacklogLimit backlog = new BacklogLimit(store, settings.maxPendingPerSubscription(), settings.pollInterval(),
        System::nanoTime);
    EndpointHealth health = new EndpointHealth(settings.disableAfterFailedDeliveries(),
        settings.disableAfterFailingFor(), registry);
    Recorder recorder = new Recorder(store, clock, held, handles, reporter, backlog, health, registry,
        dispatcher::dueAt);
    AttemptRunner runner = new AttemptRunner(transport, chain, clock, threads, queues, recorder, settings);
    dispatcher.connect(runner, recorder);
    this.registry = new ManagedRegistry(registry, store, clock, recorder, dispatcher);
    this.intake = new Intake(store, registry, codec, clock, settings, lifecycle, handles,
        backlog, dispatcher, runner, recorder, chain);
    this.shutdown = new Shutdown(store, owner, clock, lifecycle, dispatcher, queues, held, handles, recorder,
        transport, threads, ownsScheduler, settings.lease());
    this.purger = new Purger(store, settings.retention(), clock, threads);
    dispatcher.begin(); // deliveries left by an earlier run, or enqueued by other publishers
    purger.start();
  }

  /** Tells the listeners that {@code publisher}, this engine's, was built. */
  public void started(WebhookPublisher publisher) {
    reporter.started(publisher);
  }

  /** Accepts {@code event}; {@code connection} is the caller's transaction, or null. See {@code WebhookPublisher.send}. */
  public CompletableFuture<List<DeliveryOutcome>> send(Event event, Connection connection) {
    return intake.send(event, connection);
  }

  /** Makes the dead letters matching {@code query} pending again, due now, and wakes the dispatcher. */
  public int requeue(DeliveryQuery query) {
    int n = store.requeue(query, clock.instant());
    dispatcher.wake();
    return n;
  }

  /** The store deliveries live in. */
  public DeliveryStore store() {
    return store;
  }

  /** The registry subscriptions are read from, as the application changes it (see {@link ManagedRegistry}). */
  public SubscriptionRegistry registry() {
    return registry;
  }

  /** Whether {@link #shutdown} has begun: sends are refused from then on. */
  public boolean closed() {
    return lifecycle.closed();
  }

  /** See {@code WebhookPublisher.shutdown}; never throws. */
  public List<DeliveryOutcome.Abandoned> shutdown(Duration timeout) {
    purger.stop();
    return shutdown.run(timeout);
  }

  /** How many sends' deliveries are waited for, and how many claims are held: for tests of memory. */
  public int[] cacheSizes() {
    return new int[] {handles.size(), held.size()};
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
