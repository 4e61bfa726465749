package dev.hookpost.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hookpost.DeliveryOutcome;
import dev.hookpost.DeliveryQueueFullException;
import dev.hookpost.Event;
import dev.hookpost.WebhookPublisher;
import dev.hookpost.spi.Transport;
import dev.hookpost.spi.TransportRequest;
import dev.hookpost.spi.TransportResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Bursts from one thread to one healthy endpoint whose answers come back on other threads, as
 * over a network: every send is accepted and delivered, or throws; nothing is skipped or lost.
 * (The 1,000,000-event burst against a real HTTP receiver is {@code BurstBench} in benchmarks.)
 */
class BurstTest {
  private final ExecutorService network = Executors.newFixedThreadPool(2);
  private final Map<String, AtomicInteger> outcomes = new ConcurrentHashMap<>();

  /** Answers 204 on another thread. */
  private final Transport healthy = new Transport() {
    @Override
    public CompletableFuture<TransportResponse> send(TransportRequest request) {
      return CompletableFuture.supplyAsync(() -> TransportResponse.of(204), network);
    }
  };

  @AfterEach
  void stopNetwork() {
    network.shutdownNow();
  }

  private WebhookPublisher.Builder publisher() {
    return WebhookPublisher.builder().transport(healthy).subscription(EngineFixture.sub("shipping"))
        .listener(new dev.hookpost.DeliveryListener() {
          @Override
          public void onOutcome(DeliveryOutcome o) {
            outcomes.computeIfAbsent(o.getClass().getSimpleName(), k -> new AtomicInteger()).incrementAndGet();
          }
        });
  }

  @Test
  void withBlockWhenFullABurstFarLargerThanTheBoundIsDeliveredInFull() throws Exception {
    int events = 100_000;
    CountDownLatch delivered = new CountDownLatch(events);
    try (WebhookPublisher p = publisher().maxPendingDeliveries(1_000).blockWhenFull(Duration.ofMinutes(1)).build()) {
      for (int i = 0; i < events; i++) {
        p.send(Event.of("order.created", Map.of("n", i))).outcomes().thenAccept(o -> {
          if (o.get(0) instanceof DeliveryOutcome.Delivered) {
            delivered.countDown();
          }
        });
      }
      assertThat(delivered.await(2, TimeUnit.MINUTES)).as("all %d delivered", events).isTrue();
    }
    assertThat(outcomes).containsOnlyKeys("Delivered");
    assertThat(outcomes.get("Delivered")).hasValue(events);
  }

  @Test
  void withTheDefaultsEverySendIsAcceptedAndDeliveredOrThrowsAndNoneIsSkipped() throws Exception {
    int events = 50_000;
    AtomicInteger refused = new AtomicInteger();
    CountDownLatch ended = new CountDownLatch(events);
    try (WebhookPublisher p = publisher().maxPendingDeliveries(2_000).build()) {
      for (int i = 0; i < events; i++) {
        try {
          p.send(Event.of("order.created", Map.of("n", i))).outcomes().thenRun(ended::countDown);
        } catch (DeliveryQueueFullException e) {
          refused.incrementAndGet();
          ended.countDown();
        }
      }
      assertThat(ended.await(2, TimeUnit.MINUTES)).isTrue();
    }
    assertThat(outcomes).containsOnlyKeys("Delivered");
    assertThat(outcomes.get("Delivered").get() + refused.get()).isEqualTo(events);
  }
}
