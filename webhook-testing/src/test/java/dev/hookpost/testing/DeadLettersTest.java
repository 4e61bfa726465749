package dev.hookpost.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hookpost.spi.AttemptRecord;
import dev.hookpost.DeliveryOutcome;
import dev.hookpost.spi.DeliveryQuery;
import dev.hookpost.spi.DeliveryState;
import dev.hookpost.Event;
import dev.hookpost.RetryPolicy;
import dev.hookpost.SendHandle;
import dev.hookpost.Signer;
import dev.hookpost.spi.StoredDelivery;
import dev.hookpost.Subscription;
import dev.hookpost.WebhookPublisher;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Deliveries that gave up stay queryable, with their attempts, and can be sent again. */
class DeadLettersTest {
  final VirtualTime time = VirtualTime.start();
  final RecordingTransport transport = RecordingTransport.create(Signer.generateSecret(), time.clock());
  WebhookPublisher publisher;

  WebhookPublisher start(Subscription... subs) {
    WebhookPublisher.Builder b = WebhookPublisher.builder().transport(transport).clock(time.clock())
        .scheduler(time.scheduler()).retryPolicy(RetryPolicy.fixedSchedule(Duration.ofSeconds(1)));
    for (Subscription s : subs) {
      b.subscription(s);
    }
    publisher = b.build();
    return publisher;
  }

  Subscription sub(String id) {
    return transport.subscription("https://receiver.example/" + id).toBuilder().id(id).build();
  }

  @AfterEach
  void close() {
    if (publisher != null) {
      publisher.shutdown(Duration.ZERO);
    }
  }

  @Test
  void aDeliveryThatGaveUpIsKeptWithItsLastStatusErrorAndAttempts() {
    transport.defaultAnswer(Answer.status(500));
    SendHandle handle = start(sub("shipping")).send(Event.of("order.created", Map.of("orderId", "A-1")));
    time.advance(Duration.ofSeconds(1));

    List<StoredDelivery> dead = publisher.deliveries().find(DeliveryQuery.deadLetters());

    assertThat(dead).singleElement().satisfies(d -> {
      assertThat(d.eventId()).isEqualTo(handle.eventId());
      assertThat(d.subscriptionId()).isEqualTo("shipping");
      assertThat(d.state()).isEqualTo(DeliveryState.FAILED);
      assertThat(d.attempts()).isEqualTo(2);
      assertThat(d.lastStatus()).isEqualTo(500);
      assertThat(d.lastError()).contains("gave up after 2 attempt(s)");
      assertThat(d.firstAttemptAt()).isNotNull();
      assertThat(new String(d.payload())).contains("A-1");
    });
    assertThat(publisher.deliveries().history(dead.get(0).deliveryId()))
        .extracting(AttemptRecord::number, AttemptRecord::status).containsExactly(
            org.assertj.core.groups.Tuple.tuple(1, 500), org.assertj.core.groups.Tuple.tuple(2, 500));
  }

  @Test
  void aRejectedDeliveryIsADeadLetterToo() {
    publisher = WebhookPublisher.builder()
        .transport(r -> java.util.concurrent.CompletableFuture.failedFuture(
            new dev.hookpost.spi.EndpointRefusedException("private address")))
        .subscription(sub("shipping")).clock(time.clock()).scheduler(time.scheduler()).build();

    publisher.send(Event.of("order.created", Map.of()));

    assertThat(publisher.deliveries().find(DeliveryQuery.deadLetters()))
        .singleElement().satisfies(d -> assertThat(d.state()).isEqualTo(DeliveryState.REJECTED));
  }

  @Test
  void deliveredEventsAreNotKeptInMemory() {
    start(sub("shipping")).send(Event.of("order.created", Map.of()));

    assertThat(publisher.deliveries().find(DeliveryQuery.inState(DeliveryState.DELIVERED, DeliveryState.PENDING)))
        .isEmpty();
  }

  @Test
  void requeueingADeadLetterDeliversItAgainWithTheSameWebhookId() {
    transport.respondWith(2, Answer.status(500));
    SendHandle handle = start(sub("shipping")).send(Event.of("order.created", Map.of()));
    time.advance(Duration.ofSeconds(1));

    int requeued = publisher.requeue(DeliveryQuery.deadLetters().forSubscription("shipping"));

    assertThat(requeued).isEqualTo(1);
    assertThat(transport.deliveries()).hasSize(3).allSatisfy(d -> assertThat(d.webhookId()).isEqualTo(handle.eventId()));
    assertThat(publisher.deliveries().find(DeliveryQuery.deadLetters())).isEmpty();
  }

  @Test
  void requeueCanSelectOneSubscriptionOrATimeRange() {
    transport.defaultAnswer(Answer.status(500));
    start(sub("a"), sub("b")).send(Event.of("order.created", Map.of()));
    time.advance(Duration.ofSeconds(1));
    transport.defaultAnswer(Answer.ok());

    assertThat(publisher.requeue(DeliveryQuery.deadLetters().forSubscription("a"))).isEqualTo(1);
    assertThat(publisher.requeue(DeliveryQuery.deadLetters().createdBetween(time.now().plusSeconds(60),
        time.now().plusSeconds(120)))).isZero();
    assertThat(publisher.requeue(DeliveryQuery.deadLetters())).isEqualTo(1);
    assertThat(publisher.deliveries().find(DeliveryQuery.deadLetters())).isEmpty();
  }

  @Test
  void purgeDropsDeadLettersOlderThanTheRetention() {
    transport.defaultAnswer(Answer.status(500));
    start(sub("shipping")).send(Event.of("order.created", Map.of()));
    time.advance(Duration.ofSeconds(1));
    time.advance(Duration.ofDays(8));

    int purged = publisher.deliveries().purge(time.now().minus(Duration.ofDays(7)));

    assertThat(purged).isEqualTo(1);
    assertThat(publisher.deliveries().find(DeliveryQuery.deadLetters())).isEmpty();
  }

  @Test
  void reSendingAnEventThatAlreadyEndedTellsItsRecordedOutcomeInsteadOfHanging() {
    start(sub("shipping"));
    Event e = Event.of("order.created", Map.of());
    transport.respondWith(Answer.status(500), Answer.status(500));
    publisher.send(e);
    time.advance(Duration.ofSeconds(1)); // gave up: a dead letter

    DeliveryOutcome again = publisher.send(e).outcomes().join().get(0);

    assertThat(again).isInstanceOfSatisfying(DeliveryOutcome.GaveUp.class, g -> {
      assertThat(g.attempts()).isEqualTo(2);
      assertThat(g.lastStatus()).hasValue(500);
    });
    assertThat(transport.deliveries()).hasSize(2); // not sent again: one delivery per event id and subscription
  }

  @Test
  void theSameEventSentTwiceWhilePendingIsDeliveredOnceToBothHandles() {
    transport.respondWith(Answer.status(503));
    start(sub("shipping"));
    Event e = Event.of("order.created", Map.of());

    SendHandle first = publisher.send(e);
    SendHandle second = publisher.send(e);
    time.advance(Duration.ofSeconds(1));

    assertThat(first.outcomes().join()).containsExactlyElementsOf(second.outcomes().join());
    assertThat(first.outcomes().join().get(0)).isInstanceOf(DeliveryOutcome.Delivered.class);
    assertThat(transport.deliveries()).hasSize(2);
  }
}
