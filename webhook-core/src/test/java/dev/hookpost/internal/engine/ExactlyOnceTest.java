package dev.hookpost.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import dev.hookpost.DeliveryListener;
import dev.hookpost.DeliveryOutcome;
import dev.hookpost.Event;
import dev.hookpost.SendHandle;
import dev.hookpost.Subscription;
import dev.hookpost.SubscriptionRegistry;
import dev.hookpost.WebhookPublisher;
import dev.hookpost.spi.DeliveryStore;
import dev.hookpost.spi.TransportResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

/** Every delivery gets exactly one outcome and one onOutcome, whatever listeners, registries or shutdowns do. */
class ExactlyOnceTest extends EngineFixture {

  @Test
  void aListenerThatThrowsStackOverflowErrorNeitherStrandsTheHandleNorMakesCloseThrow() {
    DeliveryListener overflowing = new DeliveryListener() {
      @Override
      public void onOutcome(DeliveryOutcome outcome) {
        throw new StackOverflowError("listener recursed");
      }
    };
    WebhookPublisher p = builder().subscription(sub("shipping")).listener(overflowing).build();

    SendHandle handle = p.send(Event.of("order.created", Map.of()));

    assertThat(handle.outcomes()).isCompletedWithValueMatching(o -> o.get(0) instanceof DeliveryOutcome.Delivered);
    assertThatCode(p::close).doesNotThrowAnyException();
    assertThat(transport.closed).isTrue();
  }

  @Test
  void aRegistryWhoseFindFailsDuringCloseStillHasEveryPendingDeliveryReportedAbandoned() {
    transport.byDefault(transport.hold());
    AtomicBoolean broken = new AtomicBoolean();
    SubscriptionRegistry registry = new FailingRegistry(SubscriptionRegistry.inMemory(), broken);
    registry.add(sub("shipping"));
    WebhookPublisher p = builder().registry(registry).maxConcurrencyPerEndpoint(1).build();
    List<SendHandle> handles = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      handles.add(p.send(Event.of("order.created", Map.of("n", i))));
    }
    broken.set(true);

    List<DeliveryOutcome.Abandoned> abandoned = p.shutdown(Duration.ZERO);

    assertThat(abandoned).hasSize(5);
    assertThat(handles).allSatisfy(h -> assertThat(h.outcomes().join()).singleElement()
        .isInstanceOf(DeliveryOutcome.Abandoned.class));
    assertThat(heard).hasSize(5);
    assertThat(transport.closed).isTrue();
  }

  @Test
  void aStoreThatFailsDuringCloseStillLetsTheTransportAndTheSchedulerClose() {
    transport.byDefault(transport.hold());
    AtomicBoolean broken = new AtomicBoolean();
    ScheduledExecutorService own = new ScheduledThreadPoolExecutor(1);
    WebhookPublisher p = builder().scheduler(own).store(new FailingStore(DeliveryStore.inMemory(), broken))
        .subscription(sub("shipping")).build();
    p.send(Event.of("order.created", Map.of()));
    broken.set(true);

    assertThatCode(() -> p.shutdown(Duration.ZERO)).doesNotThrowAnyException();
    assertThat(transport.closed).isTrue();
    own.shutdownNow();
  }

  /**
   * Answers arrive on other threads while shutdown runs with a deadline that cuts through them:
   * each delivery still ends in exactly one outcome, heard once and given to its handle.
   */
  @RepeatedTest(30)
  void attemptsFinishingWhileShutdownRunsAreReportedExactlyOnce() throws Exception {
    ScriptedTransport held = new ScriptedTransport();
    held.byDefault(held.hold());
    ScheduledThreadPoolExecutor threads = new ScheduledThreadPoolExecutor(2);
    Map<String, AtomicInteger> outcomes = new ConcurrentHashMap<>();
    WebhookPublisher p = WebhookPublisher.builder().transport(held).scheduler(threads)
        .subscription(sub("a")).subscription(sub("b"))
        .listener(new DeliveryListener() {
          @Override
          public void onOutcome(DeliveryOutcome o) {
            outcomes.computeIfAbsent(o.eventId() + "/" + o.subscription().id(), k -> new AtomicInteger())
                .incrementAndGet();
          }
        }).build();
    List<SendHandle> handles = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      handles.add(p.send(Event.of("order.created", Map.of("n", i))));
    }
    CompletableFuture<Void> answering = CompletableFuture.runAsync(() -> {
      for (CompletableFuture<TransportResponse> f : held.held()) {
        f.complete(TransportResponse.of(f.hashCode() % 2 == 0 ? 204 : 503));
      }
    });

    p.shutdown(Duration.ofMillis(1));
    answering.get(10, TimeUnit.SECONDS);
    threads.shutdownNow();

    assertThat(outcomes).hasSize(40).allSatisfy((id, n) -> assertThat(n.get()).as(id).isEqualTo(1));
    assertThat(handles).allSatisfy(h -> assertThat(h.outcomes()).isCompletedWithValueMatching(o -> o.size() == 2));
  }

  @Test
  void aListenerThatClosesThePublisherWhenADeliveryEndsDoesNotWaitForItself() {
    java.util.concurrent.atomic.AtomicReference<WebhookPublisher> self = new java.util.concurrent.atomic.AtomicReference<>();
    WebhookPublisher p = builder().subscription(sub("shipping")).shutdownTimeout(Duration.ofSeconds(30))
        .listener(new DeliveryListener() {
          @Override
          public void onOutcome(DeliveryOutcome outcome) {
            self.get().close();
          }
        }).build();
    self.set(p);
    long started = System.nanoTime();

    SendHandle handle = p.send(Event.of("order.created", Map.of()));

    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
    assertThat(handle.outcomes()).isCompletedWithValueMatching(o -> o.get(0) instanceof DeliveryOutcome.Delivered);
    assertThat(transport.closed).isTrue();
  }

  @Test
  void closeIsIdempotentAndTheSecondCallReturnsNothing() {
    transport.byDefault(transport.hold());
    WebhookPublisher p = builder().subscription(sub("shipping")).build();
    p.send(Event.of("order.created", Map.of()));

    assertThat(p.shutdown(Duration.ZERO)).hasSize(1);
    assertThat(p.shutdown(Duration.ZERO)).isEmpty();
    assertThat(heard).hasSize(1);
  }

  /** A registry that throws from every call once {@code broken} is set. */
  record FailingRegistry(SubscriptionRegistry inner, AtomicBoolean broken) implements SubscriptionRegistry {
    private <T> T check(T value) {
      if (broken.get()) {
        throw new IllegalStateException("registry database is down");
      }
      return value;
    }

    @Override
    public List<Subscription> matching(String tenant, String eventType) {
      return check(inner.matching(tenant, eventType));
    }

    @Override
    public List<Subscription> all() {
      return check(inner.all());
    }

    @Override
    public Optional<Subscription> find(String id) {
      return check(inner.find(id));
    }

    @Override
    public void add(Subscription s) {
      inner.add(s);
    }

    @Override
    public boolean remove(String id) {
      return check(inner.remove(id));
    }

    @Override
    public boolean setEnabled(String id, boolean enabled) {
      return check(inner.setEnabled(id, enabled));
    }
  }
}
