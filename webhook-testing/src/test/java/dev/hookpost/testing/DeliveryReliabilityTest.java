package dev.hookpost.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hookpost.DeliveryListener;
import dev.hookpost.DeliveryOutcome;
import dev.hookpost.DeliveryQueueFullException;
import dev.hookpost.Event;
import dev.hookpost.RetryPolicy;
import dev.hookpost.SendHandle;
import dev.hookpost.Signer;
import dev.hookpost.Subscription;
import dev.hookpost.spi.Transport;
import dev.hookpost.spi.TransportRequest;
import dev.hookpost.spi.TransportResponse;
import dev.hookpost.WebhookPublisher;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Endpoint health, isolation, backpressure and payload limits, on virtual time. */
class DeliveryReliabilityTest {
  final VirtualTime time = VirtualTime.start();
  final RecordingTransport transport = RecordingTransport.create(Signer.generateSecret(), time.clock());
  final List<String> disabled = Collections.synchronizedList(new ArrayList<>());
  WebhookPublisher publisher;

  /** Holds every request's future so a test decides when each attempt ends. */
  static final class HoldingTransport implements Transport {
    final List<TransportRequest> requests = new CopyOnWriteArrayList<>();
    final List<CompletableFuture<TransportResponse>> answers = new CopyOnWriteArrayList<>();

    @Override
    public CompletableFuture<TransportResponse> send(TransportRequest request) {
      CompletableFuture<TransportResponse> f = new CompletableFuture<>();
      requests.add(request);
      answers.add(f);
      return f;
    }

    long to(String path) {
      return requests.stream().filter(r -> r.endpoint().getPath().equals(path)).count();
    }
  }

  WebhookPublisher.Builder builder(Transport t) {
    return WebhookPublisher.builder().transport(t).clock(time.clock()).scheduler(time.scheduler())
        .listener(new DeliveryListener() {
          @Override
          public void onSubscriptionDisabled(Subscription subscription, String reason) {
            disabled.add(subscription.id() + ": " + reason);
          }
        });
  }

  Subscription sub(String id) {
    return transport.subscription("https://receiver.example/" + id).toBuilder().id(id).build();
  }

  static Event order() {
    return Event.of("order.created", Map.of("orderId", "A-1001"));
  }

  @AfterEach
  void close() {
    if (publisher != null) {
      publisher.shutdown(Duration.ZERO);
    }
  }

  @Test
  void a410DisablesTheSubscriptionAndTellsTheListener() {
    transport.respondWith(Answer.gone());
    publisher = builder(transport).subscription(sub("shipping")).build();

    publisher.send(order());
    SendHandle later = publisher.send(order());

    assertThat(publisher.subscriptions().find("shipping").orElseThrow().enabled()).isFalse();
    assertThat(disabled).containsExactly("shipping: the endpoint answered 410 Gone");
    assertThat(later.outcomes().join().get(0)).isInstanceOf(DeliveryOutcome.Skipped.class);
    assertThat(transport.deliveries()).hasSize(1);
  }

  @Test
  void reEnablingAfterA410ResumesDelivery() {
    transport.respondWith(Answer.gone());
    publisher = builder(transport).subscription(sub("shipping")).build();
    publisher.send(order());

    publisher.subscriptions().setEnabled("shipping", true);

    assertThat(publisher.send(order()).outcomes().join().get(0)).isInstanceOf(DeliveryOutcome.Delivered.class);
  }

  @Test
  void disablesAfterTheConfiguredRunOfFailedDeliveries() {
    transport.defaultAnswer(Answer.status(503));
    publisher = builder(transport).subscription(sub("shipping")).retryPolicy(RetryPolicy.none())
        .disableFailingEndpoints(3, Duration.ofDays(5)).build();

    publisher.send(order());
    publisher.send(order());
    assertThat(disabled).isEmpty();
    publisher.send(order());

    assertThat(disabled).containsExactly("shipping: 3 deliveries in a row failed");
    assertThat(publisher.subscriptions().find("shipping").orElseThrow().enabled()).isFalse();
  }

  @Test
  void aDeliveredEventEndsTheRunOfFailures() {
    transport.respondWith(Answer.status(503), Answer.status(503), Answer.ok(), Answer.status(503),
        Answer.status(503));
    publisher = builder(transport).subscription(sub("shipping")).retryPolicy(RetryPolicy.none())
        .disableFailingEndpoints(3, Duration.ofDays(5)).build();

    for (int i = 0; i < 5; i++) {
      publisher.send(order());
    }

    assertThat(disabled).isEmpty();
  }

  @Test
  void disablesAnEndpointThatFailedForTheWholeWindow() {
    transport.defaultAnswer(Answer.status(500));
    publisher = builder(transport).subscription(sub("shipping")).retryPolicy(RetryPolicy.none())
        .disableFailingEndpoints(1_000, Duration.ofHours(1)).build();

    publisher.send(order());
    time.advance(Duration.ofMinutes(61));
    publisher.send(order());

    assertThat(disabled).singleElement().asString().startsWith("shipping: every delivery failed for 1 h");
  }

  @Test
  void aRetryOfADisabledSubscriptionIsSkipped() {
    transport.defaultAnswer(Answer.status(503));
    publisher = builder(transport).subscription(sub("shipping")).build();
    SendHandle handle = publisher.send(order());

    publisher.subscriptions().setEnabled("shipping", false);
    time.advance(Duration.ofSeconds(5));

    assertThat(handle.outcomes().join().get(0)).isInstanceOfSatisfying(DeliveryOutcome.Skipped.class,
        s -> assertThat(s.reason()).isEqualTo("subscription was disabled after 1 attempt(s)"));
    assertThat(transport.deliveries()).hasSize(1);
  }

  @Test
  void capsAttemptsInFlightPerEndpointWithoutHoldingUpOthers() {
    HoldingTransport holding = new HoldingTransport();
    publisher = builder(holding).subscription(sub("slow")).subscription(sub("fast").toBuilder()
        .eventTypes("invoice.*").build()).maxConcurrencyPerEndpoint(2).build();

    for (int i = 0; i < 5; i++) {
      publisher.send(order());
    }
    publisher.send(Event.of("invoice.paid", Map.of()));

    assertThat(holding.to("/slow")).isEqualTo(2);
    assertThat(holding.to("/fast")).isEqualTo(1);
    holding.answers.get(0).complete(TransportResponse.of(204));
    assertThat(holding.to("/slow")).isEqualTo(3);
  }

  @Test
  void aBackedUpEndpointDoesNotHoldTheClaimCapacityHealthyEndpointsNeed() {
    HoldingTransport holding = new HoldingTransport();
    publisher = builder(holding).subscription(sub("slow").toBuilder().eventTypes("slow.*").build())
        .subscription(sub("fast").toBuilder().eventTypes("fast.*").build())
        .maxConcurrencyPerEndpoint(1).maxInFlight(32).build();

    for (int i = 0; i < 100; i++) { // 1 in flight, 16 waiting; the rest go back to the store
      publisher.send(Event.of("slow.thing", Map.of()));
    }
    publisher.send(Event.of("fast.thing", Map.of()));

    assertThat(holding.to("/fast")).isEqualTo(1);
    assertThat(holding.to("/slow")).isEqualTo(1);
  }

  @Test
  void rateLimitSpacesAttemptsToOneEndpoint() {
    publisher = builder(transport).subscription(sub("shipping")).rateLimitPerEndpoint(2).build();

    for (int i = 0; i < 4; i++) {
      publisher.send(order());
    }
    assertThat(transport.deliveries()).hasSize(1);
    time.advance(Duration.ofMillis(500));
    assertThat(transport.deliveries()).hasSize(2);
    time.advance(Duration.ofSeconds(1));
    assertThat(transport.deliveries()).hasSize(4);
  }

  @Test
  void aFullPublisherRefusesNewEventsAndKeepsTheAcceptedOnes() {
    HoldingTransport holding = new HoldingTransport();
    publisher = builder(holding).subscription(sub("shipping")).maxPendingDeliveries(2).build();
    SendHandle first = publisher.send(order());
    SendHandle second = publisher.send(order());

    assertThatThrownBy(() -> publisher.send(order()))
        .isInstanceOf(DeliveryQueueFullException.class)
        .hasMessageContaining("the publisher holds 2 pending deliveries (limit 2)")
        .hasMessageContaining("raise maxPendingDeliveries");

    holding.answers.forEach(f -> f.complete(TransportResponse.of(204)));
    assertThat(first.outcomes().join().get(0)).isInstanceOf(DeliveryOutcome.Delivered.class);
    assertThat(second.outcomes().join().get(0)).isInstanceOf(DeliveryOutcome.Delivered.class);
    assertThat(publisher.send(order()).eventId()).startsWith("evt_");
  }

  @Test
  void aFullPublisherCanWaitForRoom() throws Exception {
    HoldingTransport holding = new HoldingTransport();
    publisher = builder(holding).subscription(sub("shipping")).maxPendingDeliveries(1)
        .blockWhenFull(Duration.ofSeconds(10)).build();
    publisher.send(order());

    CompletableFuture<SendHandle> waiting = CompletableFuture.supplyAsync(() -> publisher.send(order()));
    assertThat(waiting).isNotDone();
    holding.answers.get(0).complete(TransportResponse.of(204));

    assertThat(waiting.get(10, TimeUnit.SECONDS).eventId()).startsWith("evt_");
  }

  @Test
  void aFullPublisherThatWaitedInVainSaysHowLong() {
    HoldingTransport holding = new HoldingTransport();
    publisher = builder(holding).subscription(sub("shipping")).maxPendingDeliveries(1)
        .blockWhenFull(Duration.ofMillis(20)).build();
    publisher.send(order());

    assertThatThrownBy(() -> publisher.send(order())).hasMessageContaining("after waiting PT0.02S");
  }

  @Test
  void rejectsAPayloadOverTheLimitWithItsSize() {
    publisher = builder(transport).subscription(sub("shipping")).maxPayloadBytes(100).build();

    assertThatThrownBy(() -> publisher.send(Event.of("order.created", Map.of("note", "x".repeat(200)))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageMatching("event evt_\\w+ serializes to 2\\d\\d bytes, over the limit of 100 bytes.*");
    assertThat(transport.deliveries()).isEmpty();
  }

  @Test
  void rejectsAMillionBytePlusPayloadByDefault() {
    publisher = builder(transport).subscription(sub("shipping")).build();

    assertThatThrownBy(() -> publisher.send(Event.of("order.created", Map.of("blob", "x".repeat(1024 * 1024)))))
        .hasMessageContaining("over the limit of 1048576 bytes");
  }

  @Test
  void builderRejectsBadLimitsNamingThem() {
    WebhookPublisher.Builder b = builder(transport);

    assertThatThrownBy(() -> b.maxConcurrencyPerEndpoint(0)).hasMessage("maxConcurrencyPerEndpoint must be 1..1000, was 0");
    assertThatThrownBy(() -> b.maxPendingDeliveries(0)).hasMessage("maxPendingDeliveries must be at least 1, was 0");
    assertThatThrownBy(() -> b.rateLimitPerEndpoint(-1)).hasMessageContaining("rateLimitPerEndpoint must be a positive");
    assertThatThrownBy(() -> b.maxPayloadBytes(10)).hasMessage("maxPayloadBytes must be at least 64, was 10");
    assertThatThrownBy(() -> b.disableFailingEndpoints(0, Duration.ofDays(1))).hasMessageContaining("failedDeliveries");
  }

  @Test
  void shutdownAbandonsDeliveriesStillWaitingForASlot() {
    HoldingTransport holding = new HoldingTransport();
    publisher = builder(holding).subscription(sub("shipping")).maxConcurrencyPerEndpoint(1).build();
    publisher.send(order());
    SendHandle queued = publisher.send(order());

    List<DeliveryOutcome.Abandoned> left = publisher.shutdown(Duration.ofMillis(20));

    assertThat(left).hasSize(2);
    assertThat(queued.outcomes().join().get(0)).isInstanceOfSatisfying(DeliveryOutcome.Abandoned.class,
        a -> assertThat(a.attempts()).isZero());
  }
}
