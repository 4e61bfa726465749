package dev.hookpost.internal.engine;

import static dev.hookpost.internal.engine.ScriptedTransport.status;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hookpost.DeliveryOutcome;
import dev.hookpost.DeliveryQueueFullException;
import dev.hookpost.Event;
import dev.hookpost.SendHandle;
import dev.hookpost.WebhookHeaders;
import dev.hookpost.WebhookPublisher;
import dev.hookpost.spi.DeliveryQuery;
import dev.hookpost.spi.DeliveryState;
import dev.hookpost.spi.StoredDelivery;
import dev.hookpost.spi.TransportResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** Backpressure throws or waits; it never drops, and healthy deliveries never count as a backlog. */
class BackpressureTest extends EngineFixture {

  @Test
  void aBurstToAHealthyEndpointDeliversEveryEventAndSkipsNone() {
    List<SendHandle> handles = new ArrayList<>();
    try (WebhookPublisher p = builder().subscription(sub("shipping")).build()) {
      for (int i = 0; i < 20_000; i++) {
        handles.add(p.send(Event.of("order.created", Map.of("n", i))));
      }
      time.advance(Duration.ofSeconds(1));
    }

    assertThat(handles).allSatisfy(h -> assertThat(h.outcomes()).isCompletedWithValueMatching(
        o -> o.size() == 1 && o.get(0) instanceof DeliveryOutcome.Delivered));
    assertThat(transport.requests()).hasSize(20_000);
  }

  @Test
  void healthyDeliveriesWaitingForTheEndpointsSlotsNeverCountAgainstTheSubscriptionsLimit() {
    transport.byDefault(transport.hold());
    List<SendHandle> handles = new ArrayList<>();
    try (WebhookPublisher p = builder().subscription(sub("shipping")).maxPendingPerSubscription(10).build()) {
      for (int i = 0; i < 100; i++) {
        handles.add(p.send(Event.of("order.created", Map.of("n", i))));
      }
      assertThat(transport.held()).hasSize(8); // the endpoint's 8 slots; 92 wait for them
      for (int answered = 0; answered < 100; answered++) {
        transport.held().get(answered).complete(TransportResponse.of(204));
      }
    }

    assertThat(handles).allSatisfy(h -> assertThat(h.outcomes().join()).singleElement()
        .isInstanceOf(DeliveryOutcome.Delivered.class));
  }

  @Test
  void aFailingSubscriptionsBacklogEndsItsNewDeliveriesAsGaveUpWhileOthersStillGetTheEvent() {
    transport.byDefault(request -> CompletableFuture.completedFuture(TransportResponse.of(
        request.endpoint().getHost().startsWith("dead") ? 503 : 204)));
    try (WebhookPublisher p = builder().subscription(sub("dead")).subscription(sub("healthy"))
        .maxPendingPerSubscription(3).build()) {
      for (int i = 0; i < 3; i++) {
        p.send(Event.of("order.created", Map.of("n", i))); // each fails its first attempt: 3 failing
      }

      List<DeliveryOutcome> fourth = p.send(Event.of("order.created", Map.of("n", 3))).outcomes().join();

      assertThat(fourth.get(0)).isInstanceOfSatisfying(DeliveryOutcome.GaveUp.class, g -> {
        assertThat(g.attempts()).isZero();
        assertThat(g.lastAttempt()).isNull();
        assertThat(g.reason()).contains("dead", "3 failing deliveries", "maxPendingPerSubscription");
      });
      assertThat(fourth.get(1)).isInstanceOf(DeliveryOutcome.Delivered.class);
    }
  }

  @Test
  void aDeliveryGivenUpForAFullBacklogIsKeptAsADeadLetterThatRequeueDelivers() {
    AtomicBoolean down = new AtomicBoolean(true);
    transport.byDefault(request -> CompletableFuture.completedFuture(TransportResponse.of(down.get() ? 503 : 204)));
    try (WebhookPublisher p = builder().subscription(sub("dead")).maxPendingPerSubscription(2).build()) {
      p.send(Event.of("order.created", Map.of("n", 0)));
      p.send(Event.of("order.created", Map.of("n", 1))); // both failed once: the backlog is full
      Event third = Event.of("order.created", Map.of("n", 2));
      DeliveryOutcome gaveUp = p.send(third).outcomes().join().get(0);

      List<StoredDelivery> kept = p.deliveries().find(DeliveryQuery.deadLetters().forSubscription("dead"));
      assertThat(gaveUp).isInstanceOfSatisfying(DeliveryOutcome.GaveUp.class,
          g -> assertThat(g.reason()).contains("kept as a dead letter", "requeue"));
      assertThat(kept).singleElement().satisfies(d -> {
        assertThat(d.eventId()).isEqualTo(third.id());
        assertThat(d.state()).isEqualTo(DeliveryState.FAILED);
        assertThat(d.attempts()).isZero();
        assertThat(d.lastError()).contains("maxPendingPerSubscription");
      });

      down.set(false);
      assertThat(p.deliveries().requeue(DeliveryQuery.deadLetters().forSubscription("dead"))).isEqualTo(1);
      time.advance(Duration.ofSeconds(1));

      assertThat(transport.requests()).filteredOn(r -> third.id().equals(r.headers().get(WebhookHeaders.ID)))
          .hasSize(1);
      assertThat(p.deliveries().find(DeliveryQuery.deadLetters())).isEmpty();
    }
  }

  @Test
  void onlyADisabledSubscriptionIsSkipped() {
    try (WebhookPublisher p = builder().subscription(sub("off").withEnabled(false)).subscription(sub("on")).build()) {
      List<DeliveryOutcome> outcomes = p.send(Event.of("order.created", Map.of())).outcomes().join();

      assertThat(outcomes.get(0)).isInstanceOfSatisfying(DeliveryOutcome.Skipped.class,
          s -> assertThat(s.reason()).contains("disabled"));
      assertThat(outcomes.get(1)).isInstanceOf(DeliveryOutcome.Delivered.class);
    }
  }

  @Test
  void aFullPublisherThrowsAtOnceAndKeepsWhatItAccepted() {
    transport.byDefault(transport.hold());
    try (WebhookPublisher p = builder().subscription(sub("shipping")).maxPendingDeliveries(5).build()) {
      List<SendHandle> accepted = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        accepted.add(p.send(Event.of("order.created", Map.of("n", i))));
      }

      assertThatThrownBy(() -> p.send(Event.of("order.created", Map.of("n", 5))))
          .isInstanceOf(DeliveryQueueFullException.class)
          .hasMessageContaining("5 pending deliveries (limit 5)").hasMessageContaining("maxPendingDeliveries");

      transport.held().forEach(f -> f.complete(TransportResponse.of(204)));
      assertThat(accepted).allSatisfy(h -> assertThat(h.outcomes()).isCompleted());
    }
  }

  @Test
  void withBlockWhenFullASendWaitsForRoomInsteadOfThrowing() throws Exception {
    transport.byDefault(transport.hold());
    try (WebhookPublisher p = builder().subscription(sub("shipping")).maxPendingDeliveries(1)
        .blockWhenFull(Duration.ofSeconds(30)).build()) {
      p.send(Event.of("order.created", Map.of("n", 0)));
      CompletableFuture<SendHandle> blocked = CompletableFuture.supplyAsync(
          () -> p.send(Event.of("order.created", Map.of("n", 1))));
      assertThat(blocked).isNotDone();

      transport.held().get(0).complete(TransportResponse.of(204)); // room for one more

      SendHandle second = blocked.get(30, TimeUnit.SECONDS);
      assertThat(second.eventId()).isNotNull();
    }
  }

  @Test
  void aSendThatWaitedInVainThrowsNamingTheWait() {
    transport.byDefault(transport.hold());
    try (WebhookPublisher p = builder().subscription(sub("shipping")).maxPendingDeliveries(1)
        .blockWhenFull(Duration.ofMillis(20)).build()) {
      p.send(Event.of("order.created", Map.of("n", 0)));

      assertThatThrownBy(() -> p.send(Event.of("order.created", Map.of("n", 1))))
          .isInstanceOf(DeliveryQueueFullException.class).hasMessageContaining("after waiting PT0.02S");
    }
  }

  @Test
  void nothingIsCachedForDeliveriesThatEnded() {
    transport.then(status(503)).byDefault(status(204));
    try (WebhookPublisher p = builder().subscription(sub("shipping")).build()) {
      for (int i = 0; i < 1_000; i++) {
        p.send(Event.of("order.created", Map.of("n", i)));
      }
      time.advance(Duration.ofMinutes(1));

      assertThat(engineOf(p).cacheSizes()).containsExactly(0, 0);
    }
  }
}
