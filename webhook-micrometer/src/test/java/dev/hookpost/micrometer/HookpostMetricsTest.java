package dev.hookpost.micrometer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hookpost.Event;
import dev.hookpost.SendHandle;
import dev.hookpost.Signer;
import dev.hookpost.Subscription;
import dev.hookpost.WebhookPublisher;
import dev.hookpost.spi.Transport;
import dev.hookpost.spi.TransportRequest;
import dev.hookpost.spi.TransportResponse;
import dev.hookpost.testing.Answer;
import dev.hookpost.testing.RecordingTransport;
import dev.hookpost.testing.VirtualTime;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The meters a publisher's deliveries leave in a {@link SimpleMeterRegistry}, on virtual time. */
class HookpostMetricsTest {
  static final Duration ON_THE_WIRE = Duration.ofMillis(250);

  final VirtualTime time = VirtualTime.start();
  final RecordingTransport recording = RecordingTransport.create(Signer.generateSecret(), time.clock());
  /** Answers as {@link #recording} scripts it, {@link #ON_THE_WIRE} later on the virtual clock. */
  final Transport transport = new Transport() {
    @Override
    public CompletableFuture<TransportResponse> send(TransportRequest request) {
      CompletableFuture<TransportResponse> later = new CompletableFuture<>();
      CompletableFuture<TransportResponse> answer = recording.send(request);
      time.scheduler().schedule(() -> answer.whenComplete((r, e) -> {
        if (e != null) {
          later.completeExceptionally(e);
        } else {
          later.complete(r);
        }
      }), ON_THE_WIRE.toMillis(), TimeUnit.MILLISECONDS);
      return later;
    }
  };
  final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  final Subscription shipping = subscription("shipping");
  WebhookPublisher publisher;

  Subscription subscription(String id) {
    return recording.subscription("https://receiver.example/" + id).toBuilder().id(id).build();
  }

  WebhookPublisher.Builder builder() {
    return WebhookPublisher.builder().transport(transport).clock(time.clock()).scheduler(time.scheduler());
  }

  SendHandle send() {
    return publisher.send(Event.of("order.created", Map.of("orderId", "A-1001")));
  }

  @AfterEach
  void close() {
    if (publisher != null) {
      publisher.shutdown(Duration.ZERO);
    }
  }

  Timer attempts(String outcome, String status) {
    return registry.get("hookpost.attempts").tag("outcome", outcome).tag("status", status).timer();
  }

  @Test
  void countsAttemptsByOutcomeAndStatusClassAndTimesEachOnTheWire() {
    recording.respondWith(Answer.status(503));
    publisher = HookpostMetrics.bind(builder().subscription(shipping), registry).build();

    send();
    time.advance(Duration.ofSeconds(10));

    assertThat(attempts("SERVER_ERROR", "5xx").count()).isEqualTo(1);
    assertThat(attempts("SUCCESS", "2xx").count()).isEqualTo(1);
    assertThat(attempts("SUCCESS", "2xx").totalTime(TimeUnit.MILLISECONDS)).isEqualTo(ON_THE_WIRE.toMillis());
    assertThat(attempts("SERVER_ERROR", "5xx").totalTime(TimeUnit.MILLISECONDS)).isEqualTo(ON_THE_WIRE.toMillis());
    assertThat(registry.get("hookpost.retries").counter().count()).isEqualTo(1);
    assertThat(registry.get("hookpost.deliveries").tag("outcome", "delivered").counter().count()).isEqualTo(1);
  }

  @Test
  void sendToDeliveredSpansTheFailedAttemptAndTheBackoff() {
    recording.respondWith(Answer.status(503));
    publisher = HookpostMetrics.bind(builder().subscription(shipping), registry).build();

    send();
    time.advance(Duration.ofSeconds(10));

    Timer sendToDelivered = registry.get("hookpost.send.to.delivered").timer();
    assertThat(sendToDelivered.count()).isEqualTo(1);
    // first attempt on the wire, the 5 s backoff (counted from its end), the second attempt on the wire
    assertThat(sendToDelivered.totalTime(TimeUnit.MILLISECONDS))
        .isEqualTo(ON_THE_WIRE.plusSeconds(5).plus(ON_THE_WIRE).toMillis());
  }

  @Test
  void anAttemptWithoutAnswerIsTaggedUnknownWithItsErrorClass() {
    recording.respondWith(Answer.dropConnection());
    publisher = HookpostMetrics.bind(builder().subscription(shipping), registry).build();

    send();
    time.advance(Duration.ofSeconds(1));

    Meter failed = registry.get("hookpost.attempts").tag("outcome", "UNKNOWN").tag("status", "NONE").meter();
    assertThat(failed.getId().getTag("error")).isNotBlank().isNotEqualTo("none");
    assertThat(attempts("UNKNOWN", "NONE").count()).isEqualTo(1);
  }

  @Test
  void pendingGaugeReadsTheStoreAndFallsAsDeliveriesEnd() {
    recording.defaultAnswer(Answer.status(503));
    publisher = HookpostMetrics.bind(builder().subscription(shipping).subscription(subscription("billing")), registry)
        .build();

    send();
    send();
    time.advance(Duration.ofSeconds(1));

    assertThat(registry.get("hookpost.deliveries.pending").gauge().value()).isEqualTo(4);
    recording.defaultAnswer(Answer.ok());
    time.advance(Duration.ofMinutes(10));
    assertThat(registry.get("hookpost.deliveries.pending").gauge().value()).isZero();
  }

  @Test
  void aSubscriptionDisabledByGoneIsCountedAndShownByTheGauge() {
    recording.respondWith(Answer.gone());
    publisher = HookpostMetrics.bind(builder().subscription(shipping), registry).build();
    assertThat(registry.get("hookpost.subscriptions.disabled").gauge().value()).isZero();

    send();
    time.advance(Duration.ofSeconds(1));

    assertThat(registry.get("hookpost.subscription.disables").counter().count()).isEqualTo(1);
    assertThat(registry.get("hookpost.subscriptions.disabled").gauge().value()).isEqualTo(1);
    assertThat(registry.get("hookpost.deliveries").tag("outcome", "gave_up").counter().count()).isEqualTo(1);
  }

  @Test
  void noTagCarriesAnEventIdAnEndpointOrASubscriptionByDefault() {
    recording.respondWith(Answer.status(503));
    publisher = HookpostMetrics.bind(builder().subscription(shipping), registry).build();

    String eventId = send().eventId();
    time.advance(Duration.ofSeconds(10));

    assertThat(registry.getMeters()).isNotEmpty().allSatisfy(m -> assertThat(m.getId().getTags())
        .extracting(Tag::getValue).noneMatch(v -> v.contains(eventId) || v.contains("receiver.example"))
        .doesNotContain("shipping"));
  }

  @Test
  void subscriptionTagNamesTheFirstIdsSeenAndOtherForTheRest() {
    publisher = builder().subscription(subscription("a")).subscription(subscription("b"))
        .subscription(subscription("c")).listener(HookpostMetrics.create(registry, 2)).build();

    send();
    time.advance(Duration.ofSeconds(1));

    assertThat(registry.get("hookpost.attempts").timers()).extracting(t -> t.getId().getTag("subscription"))
        .hasSize(3).contains("other").containsAnyOf("a", "b", "c");
  }

  @Test
  void subscriptionTagBoundMustBeSensible() {
    assertThatThrownBy(() -> HookpostMetrics.create(registry, 0)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxSubscriptions must be 1..1000");
  }
}
