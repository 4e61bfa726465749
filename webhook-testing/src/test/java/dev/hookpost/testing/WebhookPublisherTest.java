package dev.hookpost.testing;

import static dev.hookpost.testing.WebhookAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hookpost.Attempt;
import dev.hookpost.DeliveryListener;
import dev.hookpost.DeliveryOutcome;
import dev.hookpost.spi.EndpointRefusedException;
import dev.hookpost.Event;
import dev.hookpost.spi.StoredDelivery;
import dev.hookpost.EventCodec;
import dev.hookpost.RetryPolicy;
import dev.hookpost.SendHandle;
import dev.hookpost.Subscription;
import dev.hookpost.WebhookException;
import dev.hookpost.WebhookPublisher;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The delivery engine on virtual time and a socket-free transport: no test waits for a backoff. */
class WebhookPublisherTest {
  final VirtualTime time = VirtualTime.start();
  final RecordingTransport transport = RecordingTransport.create(
      dev.hookpost.Signer.generateSecret(), time.clock());
  final List<String> heard = Collections.synchronizedList(new ArrayList<>());
  final DeliveryListener listener = new DeliveryListener() {
    @Override
    public void onAttempt(StoredDelivery delivery, Subscription subscription, Attempt attempt) {
      heard.add("attempt " + attempt.number() + " " + attempt.describe());
    }

    @Override
    public void onRetryScheduled(StoredDelivery delivery, Subscription subscription, Attempt failed, Duration delay) {
      heard.add("retry in " + delay);
    }

    @Override
    public void onOutcome(DeliveryOutcome outcome) {
      heard.add("outcome " + outcome.getClass().getSimpleName());
    }
  };
  WebhookPublisher publisher;

  WebhookPublisher.Builder publisherWith(Subscription... subscriptions) {
    WebhookPublisher.Builder b = WebhookPublisher.builder().transport(transport).listener(listener)
        .clock(time.clock()).scheduler(time.scheduler());
    for (Subscription s : subscriptions) {
      b.subscription(s);
    }
    return b;
  }

  WebhookPublisher start(Subscription... subscriptions) {
    publisher = publisherWith(subscriptions).build();
    return publisher;
  }

  Subscription sub(String path, String... types) {
    return transport.subscription("https://receiver.example" + path).toBuilder().eventTypes(types).build();
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
  void deliversOneSignedPostAndCompletesTheHandle() {
    SendHandle handle = start(sub("/a")).send(order());

    assertThat(transport).receivedEvent("order.created").hasValidSignature().hasWebhookId(handle.eventId())
        .hasJsonField("/data/orderId", "A-1001");
    assertThat(handle.outcomes()).isCompletedWithValueMatching(
        list -> list.size() == 1 && list.get(0) instanceof DeliveryOutcome.Delivered d && d.status() == 204);
  }

  @Test
  void fansOutOnlyToSubscriptionsWhoseFilterMatches() {
    start(sub("/orders", "order.*"), sub("/exact", "order.created"), sub("/invoices", "invoice.*"));

    List<DeliveryOutcome> outcomes = publisher.send(order()).outcomes().join();

    assertThat(transport.deliveries()).extracting(ReceivedDelivery::path).containsExactlyInAnyOrder("/orders", "/exact");
    assertThat(outcomes).hasSize(2).allMatch(o -> o instanceof DeliveryOutcome.Delivered);
  }

  @Test
  void serializesTheEventOnceForEverySubscriptionAndAttempt() {
    AtomicInteger encodes = new AtomicInteger();
    EventCodec counting = event -> {
      encodes.incrementAndGet();
      return EventCodec.jackson().encode(event);
    };
    transport.respondWith(3, Answer.status(503));
    publisher = publisherWith(sub("/a"), sub("/b"), sub("/c")).codec(counting).build();

    publisher.send(order());
    time.advance(Duration.ofSeconds(5));

    assertThat(transport.deliveries()).hasSize(6);
    assertThat(encodes).hasValue(1);
    assertThat(transport.deliveries()).extracting(ReceivedDelivery::bodyText).containsOnly(
        transport.deliveries().get(0).bodyText());
  }

  @Test
  void retriesA503WithTheSameWebhookIdAndAFreshSignature() {
    transport.respondWith(Answer.status(503));
    start(sub("/a")).send(order());

    time.advance(Duration.ofSeconds(5));

    List<ReceivedDelivery> got = transport.deliveries();
    assertThat(got).hasSize(2);
    assertThat(got.get(1).webhookId()).isEqualTo(got.get(0).webhookId());
    assertThat(got.get(1).webhookTimestamp().orElseThrow())
        .isEqualTo(got.get(0).webhookTimestamp().orElseThrow().plusSeconds(5));
    assertThat(got.get(1).signature()).isNotEqualTo(got.get(0).signature());
    assertThat(transport).allSignaturesValid().receivedEvent("order.created").wasRetried(1);
  }

  @Test
  void drivesTheWholeStandardScheduleThenGivesUpWithTheLastStatus() {
    transport.defaultAnswer(Answer.status(500));
    SendHandle handle = start(sub("/a")).send(order());

    time.advance(Duration.ofHours(30));

    assertThat(time.scheduledDelays()).containsExactly(Duration.ofSeconds(5), Duration.ofMinutes(5),
        Duration.ofMinutes(30), Duration.ofHours(2), Duration.ofHours(5), Duration.ofHours(10), Duration.ofHours(10));
    assertThat(transport.deliveries()).hasSize(8);
    DeliveryOutcome outcome = handle.outcomes().join().get(0);
    assertThat(outcome).isInstanceOfSatisfying(DeliveryOutcome.GaveUp.class, g -> {
      assertThat(g.attempts()).isEqualTo(8);
      assertThat(g.lastStatus()).hasValue(500);
      assertThat(g.reason()).contains("gave up after 8 attempt(s)");
    });
  }

  @Test
  void listenerHearsEveryAttemptRetryAndTheOutcome() {
    transport.respondWith(Answer.status(503));
    start(sub("/a")).send(order());
    time.advance(Duration.ofSeconds(5));

    assertThat(heard).containsExactly("attempt 1 HTTP 503", "retry in PT5S", "attempt 2 HTTP 204",
        "outcome Delivered");
  }

  @Test
  void listenerHearsAGiveUp() {
    transport.defaultAnswer(Answer.status(503));
    publisher = publisherWith(sub("/a")).retryPolicy(RetryPolicy.none()).build();

    publisher.send(order());

    assertThat(heard).containsExactly("attempt 1 HTTP 503", "outcome GaveUp");
  }

  @Test
  void aFinalAnswerChosenByTheClassifierIsNotRetried() {
    transport.defaultAnswer(Answer.status(400));
    publisher = publisherWith(sub("/a"))
        .retryPolicy(RetryPolicy.standardSchedule().giveUpWhen(a -> a.hasStatus(400))).build();

    SendHandle handle = publisher.send(order());
    time.advance(Duration.ofHours(30));

    assertThat(transport.deliveries()).hasSize(1);
    assertThat(handle.outcomes().join().get(0)).isInstanceOf(DeliveryOutcome.GaveUp.class);
  }

  @Test
  void a410GoneEndsTheDeliveryAtOnce() {
    transport.defaultAnswer(Answer.gone());
    SendHandle handle = start(sub("/a")).send(order());
    time.advance(Duration.ofHours(30));

    assertThat(transport.deliveries()).hasSize(1);
    assertThat(handle.outcomes().join().get(0)).isInstanceOfSatisfying(DeliveryOutcome.GaveUp.class,
        g -> assertThat(g.reason()).contains("410 Gone"));
  }

  @Test
  void honoursRetryAfterLongerThanTheScheduledDelay() {
    transport.respondWith(Answer.tooManyRequests(Duration.ofSeconds(90)));
    start(sub("/a")).send(order());

    assertThat(time.scheduledDelays()).containsExactly(Duration.ofSeconds(90));
    time.advance(Duration.ofSeconds(89));
    assertThat(transport.deliveries()).hasSize(1);
    time.advance(Duration.ofSeconds(1));
    assertThat(transport.deliveries()).hasSize(2);
  }

  @Test
  void perSubscriptionPolicyOverridesThePublishers() {
    transport.defaultAnswer(Answer.status(503));
    Subscription once = sub("/a").toBuilder().retryPolicy(RetryPolicy.none()).build();
    SendHandle handle = start(once).send(order());

    assertThat(handle.outcomes().join().get(0).attempts()).isEqualTo(1);
  }

  @Test
  void networkErrorsAreRetried() {
    transport.respondWith(Answer.dropConnection(), Answer.hang());
    SendHandle handle = start(sub("/a")).send(order());
    time.advance(Duration.ofMinutes(6));

    assertThat(handle.outcomes().join().get(0)).isInstanceOfSatisfying(DeliveryOutcome.Delivered.class,
        d -> assertThat(d.attempts()).isEqualTo(3));
  }

  @Test
  void aRefusalFromTheTransportIsRejectedAndNeverRetried() {
    publisher = WebhookPublisher.builder()
        .transport(request -> CompletableFuture.failedFuture(new EndpointRefusedException("private address")))
        .subscription(sub("/a")).clock(time.clock()).scheduler(time.scheduler()).build();

    SendHandle handle = publisher.send(order());
    time.advance(Duration.ofHours(30));

    assertThat(handle.outcomes().join().get(0)).isInstanceOfSatisfying(DeliveryOutcome.Rejected.class,
        r -> assertThat(r.reason()).isEqualTo("private address"));
    assertThat(time.scheduledDelays()).isEmpty();
  }

  @Test
  void aDisabledSubscriptionIsSkippedWithAReason() {
    SendHandle handle = start(sub("/a").withEnabled(false)).send(order());

    assertThat(transport.deliveries()).isEmpty();
    assertThat(handle.outcomes().join().get(0)).isInstanceOfSatisfying(DeliveryOutcome.Skipped.class,
        s -> assertThat(s.reason()).isEqualTo("subscription is disabled"));
  }

  @Test
  void subscriptionsAddedRemovedAndDisabledAtRuntimeTakeEffect() {
    start();
    Subscription a = sub("/a");
    publisher.subscriptions().add(a);
    publisher.send(order());
    publisher.subscriptions().setEnabled(a.id(), false);
    publisher.send(order());
    publisher.subscriptions().remove(a.id());

    assertThat(publisher.send(order()).outcomes().join()).isEmpty();
    assertThat(transport.deliveries()).hasSize(1);
  }

  @Test
  void noMatchingSubscriptionCompletesWithNoOutcomes() {
    assertThat(start(sub("/a", "invoice.*")).send(order()).outcomes()).isCompletedWithValue(List.of());
  }

  @Test
  void unserializableDataFailsAtSendAndNothingIsSent() {
    List<Object> loop = new ArrayList<>();
    loop.add(loop);
    start(sub("/a"));

    assertThatThrownBy(() -> publisher.send(Event.of("order.created", loop)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cannot be serialized");
    assertThat(transport.deliveries()).isEmpty();
  }

  @Test
  void aThrowingListenerDoesNotDisturbDelivery() {
    publisher = publisherWith(sub("/a")).listener(new DeliveryListener() {
      @Override
      public void onAttempt(StoredDelivery delivery, Subscription subscription, Attempt attempt) {
        throw new IllegalStateException("listener bug");
      }
    }).build();

    assertThat(publisher.send(order()).outcomes().join().get(0)).isInstanceOf(DeliveryOutcome.Delivered.class);
  }

  @Test
  void shutdownHandsBackDeliveriesWaitingForARetry() {
    transport.defaultAnswer(Answer.status(503));
    SendHandle handle = start(sub("/a")).send(order());

    List<DeliveryOutcome.Abandoned> left = publisher.shutdown(Duration.ofSeconds(1));

    assertThat(left).singleElement().satisfies(a -> {
      assertThat(a.eventId()).isEqualTo(handle.eventId());
      assertThat(a.attempts()).isEqualTo(1);
      assertThat(a.reason()).contains("waited for retry 2");
    });
    assertThat(handle.outcomes().join()).containsExactly(left.get(0));
    assertThat(heard).endsWith("outcome Abandoned");
    time.advance(Duration.ofHours(30));
    assertThat(transport.deliveries()).hasSize(1);
  }

  @Test
  void shutdownWaitsForAttemptsInFlightAndAbandonsThoseThatMissTheDeadline() {
    CompletableFuture<dev.hookpost.spi.TransportResponse> never = new CompletableFuture<>();
    publisher = WebhookPublisher.builder().transport(request -> never).subscription(sub("/a"))
        .clock(time.clock()).scheduler(time.scheduler()).build();
    SendHandle handle = publisher.send(order());

    List<DeliveryOutcome.Abandoned> left = publisher.shutdown(Duration.ofMillis(50));

    assertThat(left).singleElement().satisfies(a -> assertThat(a.reason()).contains("before attempt 1 finished"));
    assertThat(handle.outcomes().join().get(0)).isInstanceOf(DeliveryOutcome.Abandoned.class);
  }

  @Test
  void sendAfterCloseFailsWithAClearMessage() {
    start(sub("/a")).close();

    assertThatThrownBy(() -> publisher.send(order()))
        .isInstanceOf(WebhookException.class).hasMessageContaining("publisher is closed");
  }

  @Test
  void buildNeedsATransport() {
    assertThatThrownBy(() -> WebhookPublisher.builder().build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("transport is required");
  }

  @Test
  void rejectsANullEvent() {
    assertThatThrownBy(() -> start(sub("/a")).send(null)).hasMessageContaining("event is required");
  }
}
