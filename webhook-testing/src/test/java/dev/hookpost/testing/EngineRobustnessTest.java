package dev.hookpost.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hookpost.Attempt;
import dev.hookpost.DeliveryListener;
import dev.hookpost.DeliveryOutcome;
import dev.hookpost.Event;
import dev.hookpost.RetryPolicy;
import dev.hookpost.SendHandle;
import dev.hookpost.Signer;
import dev.hookpost.spi.StoredDelivery;
import dev.hookpost.Subscription;
import dev.hookpost.SubscriptionRegistry;
import dev.hookpost.spi.Transport;
import dev.hookpost.spi.TransportResponse;
import dev.hookpost.WebhookPublisher;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Failures around the engine (listeners, registries, schedulers, endpoints) never lose a delivery. */
class EngineRobustnessTest {
  final VirtualTime time = VirtualTime.start();
  final RecordingTransport transport = RecordingTransport.create(Signer.generateSecret(), time.clock());

  Subscription sub(String id) {
    return transport.subscription("https://" + id + ".example/h").toBuilder().id(id).build();
  }

  WebhookPublisher.Builder builder() {
    return WebhookPublisher.builder().transport(transport).clock(time.clock()).scheduler(time.scheduler())
        .shutdownTimeout(Duration.ZERO);
  }

  /** A registry that delegates, for tests to break one method. */
  static class ForwardingRegistry implements SubscriptionRegistry {
    final SubscriptionRegistry inner = SubscriptionRegistry.inMemory();

    @Override public List<Subscription> matching(String tenant, String eventType) { return inner.matching(tenant, eventType); }
    @Override public List<Subscription> all() { return inner.all(); }
    @Override public Optional<Subscription> find(String id) { return inner.find(id); }
    @Override public void add(Subscription s) { inner.add(s); }
    @Override public boolean remove(String id) { return inner.remove(id); }
    @Override public boolean setEnabled(String id, boolean enabled) { return inner.setEnabled(id, enabled); }
  }

  @Test
  void aListenerThatThrowsAnErrorDoesNotStopTheOutcome() {
    DeliveryListener asserting = new DeliveryListener() {
      @Override
      public void onAttempt(StoredDelivery d, Subscription s, Attempt a) {
        throw new AssertionError("a test's assertion inside a listener");
      }
    };
    try (WebhookPublisher p = builder().listener(asserting).subscription(sub("a")).build()) {
      assertThat(p.send(Event.of("t", 1)).outcomes()).isCompletedWithValueMatching(
          o -> o.get(0) instanceof DeliveryOutcome.Delivered);
    }
  }

  @Test
  void aRegistryThatFailsForAWhileDelaysTheDeliveryButDoesNotLoseIt() {
    AtomicBoolean down = new AtomicBoolean(false);
    ForwardingRegistry db = new ForwardingRegistry() {
      @Override
      public Optional<Subscription> find(String id) {
        if (down.get()) {
          throw new IllegalStateException("connection refused");
        }
        return super.find(id);
      }
    };
    db.add(sub("a"));
    transport.respondWith(Answer.status(503));
    try (WebhookPublisher p = builder().registry(db).retryPolicy(RetryPolicy.fixedSchedule(Duration.ofSeconds(1)))
        .build()) {
      SendHandle h = p.send(Event.of("t", 1));
      down.set(true);
      time.advance(Duration.ofSeconds(1));
      down.set(false);
      time.advance(Duration.ofSeconds(1));

      assertThat(h.outcomes()).isCompletedWithValueMatching(o -> o.get(0) instanceof DeliveryOutcome.Delivered);
    }
  }

  @Test
  void anAbsurdRetryAfterIsCutToADay() {
    RetryPolicy honourAnything = f -> f.number() >= 3 ? Optional.empty()
        : Optional.of(f.retryAfter().orElse(Duration.ofSeconds(1)));
    transport.respondWith(Answer.status(503).withHeader("Retry-After", "99999999999999"));
    try (WebhookPublisher p = builder().retryPolicy(honourAnything).subscription(sub("a")).build()) {
      SendHandle h = p.send(Event.of("t", 1));

      assertThat(time.scheduledDelays()).containsExactly(Duration.ofDays(1));
      time.advance(Duration.ofDays(1));
      assertThat(h.outcomes()).isCompletedWithValueMatching(o -> o.get(0) instanceof DeliveryOutcome.Delivered);
    }
  }

  @Test
  void aTransportThatReturnsNoFutureFailsTheAttemptInsteadOfLosingIt() {
    Transport broken = r -> null;
    try (WebhookPublisher p = WebhookPublisher.builder().transport(broken).subscription(sub("a"))
        .retryPolicy(RetryPolicy.none()).clock(time.clock()).scheduler(time.scheduler()).build()) {
      assertThat(p.send(Event.of("t", 1)).outcomes()).isCompletedWithValueMatching(
          o -> o.get(0) instanceof DeliveryOutcome.GaveUp g && g.reason().contains("returned no future"));
    }
  }

  @Test
  void twoConcurrent410sDisableTheSubscriptionOnce() {
    AtomicInteger disabled = new AtomicInteger();
    transport.defaultAnswer(Answer.gone());
    try (WebhookPublisher p = builder().subscription(sub("a")).listener(new DeliveryListener() {
      @Override
      public void onSubscriptionDisabled(Subscription s, String reason) {
        disabled.incrementAndGet();
      }
    }).maxConcurrencyPerEndpoint(2).build()) {
      p.send(Event.of("t", 1));
      p.send(Event.of("t", 2));
    }
    assertThat(disabled).hasValue(1);
  }

  @Test
  void aListenerThatClosesThePublisherFromASkippedOutcomeDoesNotDeadlockSend() throws Exception {
    AtomicReference<WebhookPublisher> ref = new AtomicReference<>();
    WebhookPublisher p = builder().subscription(sub("a").withEnabled(false)).listener(new DeliveryListener() {
      @Override
      public void onOutcome(DeliveryOutcome o) {
        ref.get().close();
      }
    }).build();
    ref.set(p);

    CompletableFuture<SendHandle> sent = CompletableFuture.supplyAsync(() -> p.send(Event.of("t", 1)));

    assertThat(sent.get(5, TimeUnit.SECONDS).outcomes().join().get(0)).isInstanceOf(DeliveryOutcome.Skipped.class);
  }

  @Test
  void aDeadEndpointsBacklogDoesNotBlockSendsToAHealthyOne() {
    transport.defaultAnswer(Answer.status(503));
    Subscription dead = sub("dead").toBuilder().eventTypes("a.*").build();
    Subscription healthy = sub("healthy").toBuilder().eventTypes("b.*").build();
    try (WebhookPublisher p = builder().subscription(dead).subscription(healthy).maxPendingDeliveries(20)
        .maxPendingPerSubscription(10).retryPolicy(RetryPolicy.fixedSchedule(Duration.ofHours(1))).build()) {
      for (int i = 0; i < 10; i++) {
        p.send(Event.of("a.x", i));
      }
      SendHandle overflow = p.send(Event.of("a.x", 11));
      transport.defaultAnswer(Answer.ok());

      assertThat(overflow.outcomes().join().get(0)).isInstanceOfSatisfying(DeliveryOutcome.GaveUp.class, g -> {
        assertThat(g.attempts()).isZero();
        assertThat(g.reason()).contains("already has 10 failing deliveries", "maxPendingPerSubscription 10");
      });
      assertThat(p.send(Event.of("b.x", 1)).outcomes().join().get(0)).isInstanceOf(DeliveryOutcome.Delivered.class);
    }
  }

  @Test
  void shutdownHandsBackADeliveryThatFailedWhileClosing() {
    HoldingTransport holding = new HoldingTransport();
    WebhookPublisher p = WebhookPublisher.builder().transport(holding).clock(time.clock()).scheduler(time.scheduler())
        .subscription(sub("a")).subscription(sub("b")).build();
    SendHandle h = p.send(Event.of("t", 1));
    // a's attempt fails just as the publisher closes: its retry will never run
    CompletableFuture.runAsync(() -> {
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      holding.answers.get(0).complete(TransportResponse.of(503));
    });

    List<DeliveryOutcome.Abandoned> back = p.shutdown(Duration.ofMillis(300));

    assertThat(back).extracting(a -> a.subscription().id()).containsExactlyInAnyOrder("a", "b");
    assertThat(h.outcomes().join()).allMatch(o -> o instanceof DeliveryOutcome.Abandoned);
  }

  /** Holds every request's future so a test decides when each attempt ends. */
  static final class HoldingTransport implements Transport {
    final List<CompletableFuture<TransportResponse>> answers = new java.util.concurrent.CopyOnWriteArrayList<>();

    @Override
    public CompletableFuture<TransportResponse> send(dev.hookpost.spi.TransportRequest request) {
      CompletableFuture<TransportResponse> f = new CompletableFuture<>();
      answers.add(f);
      return f;
    }
  }

  /**
   * Delegates to the in-memory store and runs a hook right after an enqueue (before send reads
   * its result) or after a retry is recorded (before the engine lets go of the delivery).
   */
  static final class HookedStore implements dev.hookpost.spi.DeliveryStore {
    final dev.hookpost.spi.DeliveryStore inner = dev.hookpost.spi.DeliveryStore.inMemory();
    Runnable afterEnqueue;
    Runnable afterRetry;

    @Override
    public List<String> enqueue(String e, String t, byte[] p, List<String> s, java.time.Instant at) {
      List<String> added = inner.enqueue(e, t, p, s, at);
      Runnable hook = afterEnqueue;
      afterEnqueue = null;
      if (hook != null) {
        hook.run();
      }
      return added;
    }

    @Override public List<StoredDelivery> claim(java.time.Instant n, int l, Duration d, String o) {
      return inner.claim(n, l, d, o);
    }
    @Override public Optional<java.time.Instant> nextDue() { return inner.nextDue(); }
    @Override
    public boolean retry(String id, String o, dev.hookpost.spi.AttemptRecord a, java.time.Instant f, java.time.Instant n) {
      boolean recorded = inner.retry(id, o, a, f, n);
      Runnable hook = afterRetry;
      afterRetry = null;
      if (hook != null) {
        hook.run();
      }
      return recorded;
    }
    @Override public boolean finish(String id, String o, dev.hookpost.spi.DeliveryState st, dev.hookpost.spi.AttemptRecord a,
        java.time.Instant f, String r) { return inner.finish(id, o, st, a, f, r); }
    @Override public List<StoredDelivery> find(dev.hookpost.spi.DeliveryQuery q) { return inner.find(q); }
    @Override public List<StoredDelivery> lookup(java.util.Collection<String> ids) { return inner.lookup(ids); }
    @Override public int countFailing(String subscriptionId) { return inner.countFailing(subscriptionId); }
    @Override public List<dev.hookpost.spi.AttemptRecord> history(String id) { return inner.history(id); }
    @Override public java.util.List<StoredDelivery> skipPending(String s, String r, java.time.Instant t) { return inner.skipPending(s, r, t); }
    @Override public int requeue(dev.hookpost.spi.DeliveryQuery q, java.time.Instant at) { return inner.requeue(q, at); }
    @Override public int purge(java.time.Instant t) { return inner.purge(t); }
    @Override public boolean durable() { return false; }
  }

  @Test
  void reSendingWhileARequeuedDeliveryEndsGivesOneOutcomePerSlot() {
    HookedStore store = new HookedStore();
    java.util.List<DeliveryOutcome> told = new java.util.concurrent.CopyOnWriteArrayList<>();
    transport.respondWith(Answer.status(500)); // a: a dead letter first, then delivered on requeue
    HoldingTransport never = new HoldingTransport();
    Transport split = r -> r.endpoint().getHost().startsWith("a.") ? transport.send(r) : never.send(r);
    Subscription a = sub("a").toBuilder().retryPolicy(RetryPolicy.none()).build();
    try (WebhookPublisher p = WebhookPublisher.builder().transport(split).clock(time.clock())
        .scheduler(time.scheduler()).shutdownTimeout(Duration.ZERO).store(store).subscription(a).subscription(sub("b"))
        .listener(new DeliveryListener() {
          @Override
          public void onOutcome(DeliveryOutcome o) {
            told.add(o);
          }
        }).build()) {
      Event e = Event.of("t", 1);
      p.send(e); // a gives up at once; b stays in flight
      store.afterEnqueue = () -> p.requeue(dev.hookpost.spi.DeliveryQuery.deadLetters()); // ends a while send looks

      SendHandle again = p.send(e);

      assertThat(again.outcomes()).isNotCompletedExceptionally();
      assertThat(told).filteredOn(o -> o.subscription().id().equals("a")).extracting(o -> o.getClass().getSimpleName())
          .containsExactly("GaveUp", "Delivered");
    }
  }

  @Test
  void aRetryClaimedAgainWhileTheFailedAttemptHandsItBackIsStillDelivered() throws Exception {
    HookedStore store = new HookedStore();
    transport.respondWith(Answer.status(503)); // then the default: 204
    Subscription a = sub("a").toBuilder().retryPolicy(RetryPolicy.fixedSchedule(Duration.ZERO)).build();
    try (WebhookPublisher p = builder().store(store).subscription(a).build()) {
      Event first = Event.of("t", 1);
      // The retry is recorded and due at once; another thread's send claims while it is handed back.
      AtomicReference<Thread> other = new AtomicReference<>();
      store.afterRetry = () -> {
        Thread t = new Thread(() -> p.send(Event.of("t", 2)));
        other.set(t);
        t.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (t.getState() != Thread.State.BLOCKED && t.isAlive() && System.nanoTime() < deadline) {
          Thread.onSpinWait(); // until it waits for the hand-back to finish, or has claimed without waiting
        }
      };

      SendHandle h = p.send(first);
      other.get().join(5_000);
      time.advance(Duration.ofSeconds(1));

      assertThat(h.outcomes()).isCompleted();
      assertThat(h.outcomes().join()).singleElement().isInstanceOf(DeliveryOutcome.Delivered.class)
          .extracting(DeliveryOutcome::attempts).isEqualTo(2);
      assertThat(transport.deliveries()).filteredOn(d -> d.webhookId().equals(first.id())).hasSize(2);
    }
  }

  @Test
  void aSkippedRetryReportsTheAttemptsMadeBeforeIt() {
    transport.respondWith(Answer.status(503));
    try (WebhookPublisher p = builder().subscription(sub("a")).build()) {
      SendHandle h = p.send(Event.of("t", 1));
      p.subscriptions().setEnabled("a", false);
      time.advance(Duration.ofSeconds(5));

      assertThat(h.outcomes().join().get(0).attempts()).isEqualTo(1);
    }
  }

  @Test
  void sendingTheSameEventTwiceCountsOnePendingDelivery() {
    transport.defaultAnswer(Answer.status(503));
    Event e = Event.of("t", Map.of());
    try (WebhookPublisher p = builder().subscription(sub("a")).maxPendingDeliveries(1).build()) {
      p.send(e);

      assertThat(p.send(e).eventId()).isEqualTo(e.id());
    }
  }
}
