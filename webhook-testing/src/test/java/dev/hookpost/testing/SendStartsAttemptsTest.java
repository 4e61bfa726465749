package dev.hookpost.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hookpost.DeliveryListener;
import dev.hookpost.DeliveryOutcome;
import dev.hookpost.Event;
import dev.hookpost.Signer;
import dev.hookpost.Subscription;
import dev.hookpost.SubscriptionRegistry;
import dev.hookpost.spi.Transport;
import dev.hookpost.spi.TransportRequest;
import dev.hookpost.spi.TransportResponse;
import dev.hookpost.WebhookPublisher;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * With the in-memory store, {@code send} claims its first few deliveries itself and hands their
 * attempts to {@link Transport#execute} (the calling thread, by default), so that no dispatcher
 * thread has to wake up before the request goes out; the dispatcher takes the rest.
 */
class SendStartsAttemptsTest {
  final String secret = Signer.generateSecret();
  /** The scheduler the dispatcher runs on, counting how often it was asked to run something now. */
  final CountingScheduler scheduler = new CountingScheduler();
  final List<Thread> senders = Collections.synchronizedList(new ArrayList<>());
  /** Records the thread each request was sent from; the answer never comes. */
  final Transport hanging = request -> {
    senders.add(Thread.currentThread());
    return new CompletableFuture<>();
  };
  WebhookPublisher publisher;

  @AfterEach
  void close() {
    if (publisher != null) {
      publisher.shutdown(Duration.ZERO);
    }
    scheduler.shutdownNow();
  }

  WebhookPublisher start(Transport transport, int subscriptions) {
    WebhookPublisher.Builder b = WebhookPublisher.builder().transport(transport).scheduler(scheduler);
    for (int i = 0; i < subscriptions; i++) {
      b.subscription(Subscription.builder().id("s" + i).endpoint("https://receiver.example/" + i).secret(secret)
          .build());
    }
    publisher = b.build();
    return publisher;
  }

  @Test
  void theFirstAttemptStartsOnTheSendersThreadWithoutWakingTheDispatcher() {
    start(hanging, 1).send(Event.of("order.created", Map.of("n", 1)));

    assertThat(senders).containsExactly(Thread.currentThread());
    assertThat(scheduler.executed).hasValue(0);
  }

  @Test
  void aLargeFanOutStartsFourOnTheSendersThreadAndLeavesTheRestToTheDispatcher() throws Exception {
    start(hanging, 20).send(Event.of("order.created", Map.of("n", 1)));

    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (senders.size() < 20 && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    List<Thread> threads = List.copyOf(senders);
    assertThat(threads).hasSize(20);
    assertThat(threads.stream().filter(t -> t == Thread.currentThread())).hasSize(4);
    assertThat(scheduler.executed).hasPositiveValue();
  }

  @Test
  void aTransportWithThreadsOfItsOwnStartsTheFirstAttemptOnOneOfThemNotOnTheSendersThread() throws Exception {
    ManualTransport transport = new ManualTransport();
    var handle = start(transport, 1).send(Event.of("order.created", Map.of("n", 1)));
    assertThat(transport.tasks).hasSize(1);
    assertThat(senders).isEmpty(); // send claimed the delivery and handed its attempt over

    Thread worker = transport.runTasks();

    assertThat(senders).containsExactly(worker);
    assertThat(handle.outcomes().join()).singleElement().isInstanceOf(DeliveryOutcome.Delivered.class);
    assertThat(scheduler.executed).hasValue(0);
  }

  @Test
  void aClosedTransportThatRefusesTheTaskHasTheAttemptRunOnTheSendersThread() {
    assertTheAttemptRunsOnTheSendersThreadWhenExecuteThrows(new RejectedExecutionException("this transport is closed"));
  }

  @Test
  void aTransportFailingToTakeTheTaskForAnyReasonHasTheAttemptRunOnTheSendersThread() {
    assertTheAttemptRunsOnTheSendersThreadWhenExecuteThrows(new IllegalStateException("a transport bug"));
  }

  private void assertTheAttemptRunsOnTheSendersThreadWhenExecuteThrows(RuntimeException failure) {
    ManualTransport transport = new ManualTransport();
    transport.failure = failure;

    var handle = start(transport, 1).send(Event.of("order.created", Map.of("n", 1)));

    assertThat(senders).containsExactly(Thread.currentThread());
    assertThat(handle.outcomes().join()).singleElement().isInstanceOf(DeliveryOutcome.Delivered.class);
  }

  @Test
  void aTransportThatRunsTheTaskAndThenThrowsHasTheAttemptMadeOnceAndSendSucceeds() {
    ManualTransport transport = new ManualTransport();
    transport.runInlineThenFail = true;

    var handle = start(transport, 1).send(Event.of("order.created", Map.of("n", 1)));

    assertThat(senders).containsExactly(Thread.currentThread());
    assertThat(handle.outcomes().join()).singleElement().isInstanceOf(DeliveryOutcome.Delivered.class);
  }

  @Test
  void aClockSteppingBackBeforeTheTransportRunsTheTaskStillStartsTheDelivery() throws Exception {
    ManualTransport transport = new ManualTransport();
    AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-01-01T12:00:00Z"));
    Clock clock = new Clock() {
      @Override public ZoneId getZone() { return ZoneOffset.UTC; }
      @Override public Clock withZone(ZoneId zone) { return this; }
      @Override public Instant instant() { return now.get(); }
    };
    publisher = WebhookPublisher.builder().transport(transport).scheduler(scheduler).clock(clock)
        .subscription(Subscription.builder().id("s").endpoint("https://receiver.example/").secret(secret).build())
        .build();
    var handle = publisher.send(Event.of("order.created", Map.of("n", 1)));

    now.set(now.get().minusSeconds(5)); // e.g. an NTP step between storing and claiming
    Thread worker = transport.runTasks();

    assertThat(senders).containsExactly(worker);
    assertThat(handle.outcomes().join()).singleElement().isInstanceOf(DeliveryOutcome.Delivered.class);
  }

  @Test
  void aPublisherClosedBeforeTheTransportRunsTheTaskAbandonsTheDeliveryUnsent() throws Exception {
    ManualTransport transport = new ManualTransport();
    var handle = start(transport, 1).send(Event.of("order.created", Map.of("n", 1)));

    publisher.shutdown(Duration.ZERO);
    transport.runTasks();

    assertThat(handle.outcomes().join()).singleElement().isInstanceOf(DeliveryOutcome.Abandoned.class);
    assertThat(senders).isEmpty();
  }

  @Test
  void aTransportThatAnswersAtOnceHasCompletedTheHandleWhenSendReturns() {
    Transport answering = request -> CompletableFuture.completedFuture(TransportResponse.of(204));

    var handle = start(answering, 1).send(Event.of("order.created", Map.of("n", 1)));

    assertThat(handle.outcomes()).isCompleted();
    assertThat(handle.outcomes().join()).singleElement().isInstanceOf(DeliveryOutcome.Delivered.class);
  }

  @Test
  void aDeliveryWhoseEndpointIsBusyWaitsInItsQueueAndStartsWhenASlotFrees() {
    List<CompletableFuture<TransportResponse>> answers = Collections.synchronizedList(new ArrayList<>());
    Transport oneAtATime = request -> {
      senders.add(Thread.currentThread());
      CompletableFuture<TransportResponse> answer = new CompletableFuture<>();
      answers.add(answer);
      return answer;
    };
    WebhookPublisher.Builder b = WebhookPublisher.builder().transport(oneAtATime).scheduler(scheduler)
        .maxConcurrencyPerEndpoint(1)
        .subscription(Subscription.builder().id("s").endpoint("https://receiver.example/").secret(secret).build());
    publisher = b.build();

    var first = publisher.send(Event.of("order.created", Map.of("n", 1)));
    var second = publisher.send(Event.of("order.created", Map.of("n", 2)));
    assertThat(senders).hasSize(1);

    answers.get(0).complete(TransportResponse.of(204));
    assertThat(senders).hasSize(2); // the freed slot went to the waiting delivery on the answering thread
    answers.get(1).complete(TransportResponse.of(204));

    assertThat(first.outcomes().join()).singleElement().isInstanceOf(DeliveryOutcome.Delivered.class);
    assertThat(second.outcomes().join()).singleElement().isInstanceOf(DeliveryOutcome.Delivered.class);
  }

  @Test
  void aListenerThatClosesThePublisherDuringSendAbandonsTheClaimedDeliveriesAtOnce() {
    AtomicReference<WebhookPublisher> self = new AtomicReference<>();
    publisher = WebhookPublisher.builder().transport(hanging).scheduler(scheduler)
        .shutdownTimeout(Duration.ofSeconds(30))
        .subscription(Subscription.builder().id("off").endpoint("https://receiver.example/off").secret(secret)
            .enabled(false).build())
        .subscription(Subscription.builder().id("on").endpoint("https://receiver.example/on").secret(secret).build())
        .listener(new DeliveryListener() {
          @Override
          public void onOutcome(DeliveryOutcome outcome) {
            if (outcome instanceof DeliveryOutcome.Skipped) {
              self.get().close();
            }
          }
        })
        .build();
    self.set(publisher);

    long started = System.nanoTime();
    var handle = publisher.send(Event.of("order.created", Map.of("n", 1)));

    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
    assertThat(handle.outcomes().join()).extracting(o -> o.getClass().getSimpleName())
        .containsExactly("Skipped", "Abandoned");
    assertThat(senders).isEmpty();
  }

  @Test
  void aRegistryFailureWhileSendClaimsPutsTheDeliveryBackAndTheDispatcherDeliversItAfterThePollInterval() {
    SubscriptionRegistry registry = SubscriptionRegistry.inMemory();
    registry.add(Subscription.builder().id("s").endpoint("https://receiver.example/").secret(secret).build());
    AtomicInteger lookups = new AtomicInteger();
    SubscriptionRegistry failingOnce = new SubscriptionRegistry() {
      @Override public List<Subscription> matching(String tenant, String eventType) { return registry.matching(tenant, eventType); }
      @Override public List<Subscription> all() { return registry.all(); }
      @Override public void add(Subscription subscription) { registry.add(subscription); }
      @Override public boolean remove(String id) { return registry.remove(id); }
      @Override public boolean setEnabled(String id, boolean enabled) { return registry.setEnabled(id, enabled); }

      @Override
      public Optional<Subscription> find(String id) {
        if (lookups.incrementAndGet() == 1) {
          throw new IllegalStateException("registry briefly unavailable");
        }
        return registry.find(id);
      }
    };
    publisher = WebhookPublisher.builder().scheduler(scheduler).registry(failingOnce)
        .pollInterval(Duration.ofMillis(50))
        .transport(request -> CompletableFuture.completedFuture(TransportResponse.of(204))).build();

    var handle = publisher.send(Event.of("order.created", Map.of("n", 1)));

    assertThat(handle.outcomes()).succeedsWithin(Duration.ofSeconds(10))
        .satisfies(o -> assertThat(o).singleElement().isInstanceOf(DeliveryOutcome.Delivered.class));
    assertThat(lookups).hasValue(2);
  }

  @Test
  void maxInFlightHoldsWhenManyThreadsSendAtOnce() throws Exception {
    WebhookPublisher.Builder b = WebhookPublisher.builder().transport(hanging).scheduler(scheduler).maxInFlight(1);
    for (int i = 0; i < 8; i++) {
      b.subscription(Subscription.builder().id("s" + i).endpoint("https://receiver.example/" + i).secret(secret)
          .build());
    }
    publisher = b.build();
    CountDownLatch go = new CountDownLatch(1);
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < 8; t++) {
      Thread thread = new Thread(() -> {
        try {
          go.await();
          for (int i = 0; i < 20; i++) {
            publisher.send(Event.of("order.created", Map.of("n", i)));
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      });
      thread.start();
      threads.add(thread);
    }

    go.countDown();
    for (Thread thread : threads) {
      thread.join(10_000);
    }
    Thread.sleep(100); // the dispatcher, too, had its chance to claim more than it may

    assertThat(senders).hasSize(1); // the one request in flight never ends, so nothing else may start
  }

  /** A transport with a thread of its own, run by hand: {@code execute} queues (or throws {@code failure}); every request gets 204. */
  final class ManualTransport implements Transport {
    final List<Runnable> tasks = Collections.synchronizedList(new ArrayList<>());
    volatile RuntimeException failure;
    volatile boolean runInlineThenFail;

    @Override
    public CompletableFuture<TransportResponse> send(TransportRequest request) {
      senders.add(Thread.currentThread());
      return CompletableFuture.completedFuture(TransportResponse.of(204));
    }

    @Override
    public void execute(Runnable task) {
      if (failure != null) {
        throw failure;
      }
      if (runInlineThenFail) {
        task.run();
        throw new IllegalStateException("a transport bug after running the task");
      }
      tasks.add(task);
    }

    /** Runs the queued tasks on a new thread, as the transport's worker would, and returns it when done. */
    Thread runTasks() throws InterruptedException {
      Thread worker = new Thread(() -> List.copyOf(tasks).forEach(Runnable::run));
      worker.start();
      worker.join(10_000);
      return worker;
    }
  }

  static final class CountingScheduler extends ScheduledThreadPoolExecutor {
    final AtomicInteger executed = new AtomicInteger();

    CountingScheduler() {
      super(1);
    }

    @Override
    public void execute(Runnable command) {
      executed.incrementAndGet();
      super.execute(command);
    }
  }
}
