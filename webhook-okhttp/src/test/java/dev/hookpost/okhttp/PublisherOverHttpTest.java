package dev.hookpost.okhttp;

import static dev.hookpost.testing.WebhookAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import dev.hookpost.Attempt;
import dev.hookpost.DeliveryListener;
import dev.hookpost.DeliveryOutcome;
import dev.hookpost.Event;
import dev.hookpost.spi.StoredDelivery;
import dev.hookpost.RetryPolicy;
import dev.hookpost.SendHandle;
import dev.hookpost.Subscription;
import dev.hookpost.WebhookPublisher;
import dev.hookpost.WebhookVerifier;
import dev.hookpost.testing.Answer;
import dev.hookpost.testing.FakeWebhookReceiver;
import dev.hookpost.testing.ReceivedDelivery;
import dev.hookpost.testing.VirtualTime;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The publisher over real HTTP on 127.0.0.1: OkHttpTransport against the fake receiver. */
class PublisherOverHttpTest {
  @RegisterExtension
  static FakeWebhookReceiver receiver = FakeWebhookReceiver.create();

  static final Duration WAIT = Duration.ofSeconds(10);
  final VirtualTime time = VirtualTime.start();
  final List<String> heard = Collections.synchronizedList(new ArrayList<>());
  WebhookPublisher publisher;

  static OkHttpTransport transport() {
    return OkHttpTransport.builder().addressGuard(receiver.addressGuard()).build();
  }

  WebhookPublisher.Builder publisher(OkHttpTransport transport) {
    return WebhookPublisher.builder()
        .transport(transport)
        .clock(time.clock())
        .scheduler(time.scheduler())
        .listener(new DeliveryListener() {
          @Override
          public void onAttempt(StoredDelivery delivery, Subscription subscription, Attempt attempt) {
            heard.add("attempt " + attempt.describe());
          }

          @Override
          public void onOutcome(DeliveryOutcome outcome) {
            heard.add("outcome " + outcome.getClass().getSimpleName());
          }
        });
  }

  WebhookPublisher start(Subscription... subscriptions) {
    WebhookPublisher.Builder b = publisher(transport());
    for (Subscription s : subscriptions) {
      b.subscription(s);
    }
    publisher = b.build();
    return publisher;
  }

  static Event order() {
    return Event.of("order.created", Map.of("orderId", "A-1001"));
  }

  static DeliveryOutcome outcome(SendHandle handle) throws Exception {
    return handle.outcomes().get(WAIT.toSeconds(), TimeUnit.SECONDS).get(0);
  }

  @AfterEach
  void close() {
    if (publisher != null) {
      publisher.shutdown(Duration.ZERO);
    }
  }

  @Test
  void putsHeadersAndBodyOnTheWireAsTheSpecSays() {
    Event event = new Event("evt_wire_1", "order.created", Instant.parse("2026-11-22T10:15:30Z"),
        Map.of("orderId", "A-1001"));
    Instant before = Instant.now();

    start(receiver.subscription()).send(event);
    ReceivedDelivery got = receiver.awaitDeliveries(1, WAIT).get(0);

    assertThat(got.method()).isEqualTo("POST");
    assertThat(got.path()).isEqualTo("/webhooks");
    assertThat(got.bodyText()).isEqualTo(
        "{\"type\":\"order.created\",\"timestamp\":\"2026-11-22T10:15:30Z\",\"data\":{\"orderId\":\"A-1001\"}}");
    assertThat(got.header("webhook-id")).contains("evt_wire_1");
    assertThat(Long.parseLong(got.header("webhook-timestamp").orElseThrow()))
        .isBetween(before.getEpochSecond() - 1, Instant.now().getEpochSecond() + 1);
    assertThat(got.header("webhook-signature").orElseThrow()).matches("v1,[A-Za-z0-9+/]{43}=");
    assertThat(got.header("content-type")).hasValueSatisfying(ct -> assertThat(ct).startsWith("application/json"));
    assertThat(got.header("user-agent")).hasValueSatisfying(ua -> assertThat(ua).startsWith("Hookpost/"));
    WebhookVerifier.create(receiver.secret()).verify(got.headers(), got.body());
    assertThat(got).hasValidSignature();
  }

  @Test
  void sendsASubscriptionsExtraHeaders() {
    start(receiver.subscription().toBuilder().header("X-Api-Key", "k-123").build()).send(order());

    assertThat(receiver.awaitDeliveries(1, WAIT).get(0)).hasHeader("x-api-key", "k-123");
  }

  @Test
  void fansOutToThreeSubscriptionsAndOnlyMatchingOnesReceive() throws Exception {
    Subscription orders = receiver.subscription("/orders").toBuilder().eventTypes("order.*").build();
    Subscription created = receiver.subscription("/created").toBuilder().eventTypes("order.created").build();
    Subscription invoices = receiver.subscription("/invoices").toBuilder().eventTypes("invoice.*").build();

    SendHandle handle = start(orders, created, invoices).send(order());

    assertThat(handle.outcomes().get(10, TimeUnit.SECONDS)).hasSize(2);
    assertThat(receiver.deliveries()).extracting(ReceivedDelivery::path)
        .containsExactlyInAnyOrder("/orders", "/created");
    assertThat(receiver).allSignaturesValid();
  }

  @Test
  void retriesA503ThenSucceedsWithTheSameIdAndAFreshSignature() throws Exception {
    receiver.respondWith(Answer.status(503));
    SendHandle handle = start(receiver.subscription()).send(order());

    assertThat(time.awaitScheduled(1, WAIT)).containsExactly(Duration.ofSeconds(5));
    time.advance(Duration.ofSeconds(5));

    assertThat(outcome(handle)).isInstanceOfSatisfying(DeliveryOutcome.Delivered.class,
        d -> assertThat(d.attempts()).isEqualTo(2));
    List<ReceivedDelivery> got = receiver.deliveries();
    assertThat(got.get(1).webhookId()).isEqualTo(got.get(0).webhookId()).isEqualTo(handle.eventId());
    assertThat(got.get(1).signature()).isNotEqualTo(got.get(0).signature());
    assertThat(receiver).allSignaturesValid().receivedEvent("order.created").wasRetried(1);
  }

  @Test
  void aFinal400IsNotRetried() throws Exception {
    receiver.defaultAnswer(Answer.status(400));
    publisher = publisher(transport()).subscription(receiver.subscription())
        .retryPolicy(RetryPolicy.standardSchedule().giveUpWhen(a -> a.hasStatus(400))).build();

    DeliveryOutcome o = outcome(publisher.send(order()));

    assertThat(o).isInstanceOfSatisfying(DeliveryOutcome.GaveUp.class,
        g -> assertThat(g.lastStatus()).hasValue(400));
    assertThat(time.scheduledDelays()).isEmpty();
    assertThat(receiver).receivedExactly(1);
  }

  @Test
  void honoursRetryAfterFromA429() throws Exception {
    receiver.respondWith(Answer.tooManyRequests(Duration.ofSeconds(120)));
    SendHandle handle = start(receiver.subscription()).send(order());

    assertThat(time.awaitScheduled(1, WAIT)).containsExactly(Duration.ofSeconds(120));
    time.advance(Duration.ofSeconds(120));

    assertThat(outcome(handle)).isInstanceOf(DeliveryOutcome.Delivered.class);
  }

  @Test
  void honoursRetryAfterGivenAsAnHttpDate() throws Exception {
    String inFiveMinutes = java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME.format(
        time.now().plusSeconds(300).atZone(java.time.ZoneOffset.UTC));
    receiver.respondWith(Answer.status(503).withHeader("Retry-After", inFiveMinutes));
    publisher = publisher(transport()).subscription(receiver.subscription())
        .retryPolicy(RetryPolicy.exponentialBackoff().initialDelay(Duration.ofSeconds(1)).build()).build();

    publisher.send(order());

    assertThat(time.awaitScheduled(1, WAIT).get(0)).isBetween(Duration.ofSeconds(299), Duration.ofSeconds(300));
  }

  @Test
  void givesUpAfterMaxAttemptsAndTellsTheListener() throws Exception {
    receiver.defaultAnswer(Answer.status(500));
    publisher = publisher(transport()).subscription(receiver.subscription())
        .retryPolicy(RetryPolicy.fixedSchedule(Duration.ofSeconds(1), Duration.ofSeconds(1))).build();
    SendHandle handle = publisher.send(order());

    time.awaitScheduled(1, WAIT);
    time.advance(Duration.ofSeconds(1));
    time.awaitScheduled(2, WAIT);
    time.advance(Duration.ofSeconds(1));

    assertThat(outcome(handle)).isInstanceOfSatisfying(DeliveryOutcome.GaveUp.class, g -> {
      assertThat(g.attempts()).isEqualTo(3);
      assertThat(g.lastStatus()).hasValue(500);
    });
    assertThat(heard).containsExactly("attempt HTTP 500", "attempt HTTP 500", "attempt HTTP 500", "outcome GaveUp");
  }

  @Test
  void aRedirectIsAFailureAndIsNotFollowed() throws Exception {
    receiver.respondWith(Answer.redirect(302, receiver.url("/elsewhere")));
    publisher = publisher(transport()).subscription(receiver.subscription())
        .retryPolicy(RetryPolicy.none()).build();

    DeliveryOutcome o = outcome(publisher.send(order()));

    assertThat(o).isInstanceOfSatisfying(DeliveryOutcome.GaveUp.class, g -> assertThat(g.lastStatus()).hasValue(302));
    assertThat(receiver.deliveries()).extracting(ReceivedDelivery::path).containsExactly("/webhooks");
  }

  @Test
  void aHangingEndpointTimesOut() throws Exception {
    receiver.respondWith(Answer.hang());
    OkHttpTransport quick = OkHttpTransport.builder().addressGuard(receiver.addressGuard())
        .readTimeout(Duration.ofMillis(300)).build();
    publisher = publisher(quick).subscription(receiver.subscription()).retryPolicy(RetryPolicy.none()).build();

    DeliveryOutcome o = outcome(publisher.send(order()));

    assertThat(o).isInstanceOfSatisfying(DeliveryOutcome.GaveUp.class,
        g -> assertThat(g.lastError()).containsInstanceOf(java.net.SocketTimeoutException.class));
  }

  @Test
  void aDroppedConnectionIsRetried() throws Exception {
    receiver.respondWith(Answer.dropConnection());
    SendHandle handle = start(receiver.subscription()).send(order());

    time.awaitScheduled(1, WAIT);
    time.advance(Duration.ofSeconds(5));

    assertThat(outcome(handle)).isInstanceOf(DeliveryOutcome.Delivered.class);
  }

  @Test
  void theBodyBytesAreIdenticalOnEveryAttempt() throws Exception {
    receiver.respondWith(Answer.status(502));
    SendHandle handle = start(receiver.subscription()).send(order());
    time.awaitScheduled(1, WAIT);
    time.advance(Duration.ofSeconds(5));
    outcome(handle);

    List<ReceivedDelivery> got = receiver.deliveries();
    assertThat(got.get(1).body()).isEqualTo(got.get(0).body());
    assertThat(new String(got.get(0).body(), StandardCharsets.UTF_8)).contains("A-1001");
  }
}
