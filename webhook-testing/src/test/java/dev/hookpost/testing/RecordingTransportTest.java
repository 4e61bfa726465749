package dev.hookpost.testing;

import static dev.hookpost.testing.WebhookAssertions.assertThat;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hookpost.DeliveryOutcome;
import dev.hookpost.Event;
import dev.hookpost.Signer;
import dev.hookpost.spi.TransportRequest;
import dev.hookpost.spi.TransportResponse;
import dev.hookpost.WebhookPublisher;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

/** The socket-free transport: records what would be sent, verifies it, answers as scripted. */
class RecordingTransportTest {
  static final String BODY = "{\"type\":\"order.created\",\"data\":{\"orderId\":\"A-1001\"}}";

  final RecordingTransport transport = RecordingTransport.create();

  /** A request as the publisher builds it, signed with {@code secret} at {@code timestamp}. */
  static TransportRequest request(String endpoint, String secret, String id, long timestamp, String body) {
    byte[] bytes = body.getBytes(UTF_8);
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("content-type", "application/json");
    headers.put("webhook-id", id);
    headers.put("webhook-timestamp", Long.toString(timestamp));
    headers.put("webhook-signature", Signer.standardWebhooks(secret).sign(id, timestamp, bytes));
    return new TransportRequest(URI.create(endpoint), headers, bytes);
  }

  TransportRequest request(String id) {
    return request("https://shop.example/hooks", transport.secret(), id, Instant.now().getEpochSecond(), BODY);
  }

  int statusOf(CompletableFuture<TransportResponse> answer) {
    return answer.join().status();
  }

  @Test
  void answers204AtOnceWhenNothingIsScripted() {
    CompletableFuture<TransportResponse> answer = transport.send(request("msg_1"));

    assertThat(answer).isCompleted();
    assertThat(answer.join()).isEqualTo(new TransportResponse(204, Map.of(), ""));
  }

  @Test
  void recordsEveryRequestAsAPost() {
    transport.send(request("https://shop.example/hooks?tenant=7", transport.secret(), "msg_1",
        Instant.now().getEpochSecond(), BODY));

    ReceivedDelivery d = transport.deliveries().get(0);
    assertThat(d.method()).isEqualTo("POST");
    assertThat(d.path()).isEqualTo("/hooks?tenant=7");
    assertThat(d.bodyText()).isEqualTo(BODY);
    assertThat(d.webhookId()).isEqualTo("msg_1");
    assertThat(d.header("Content-Type")).hasValue("application/json");
    assertThat(d.type()).isEqualTo("order.created");
    assertThat(d.answer()).isEqualTo("204");
  }

  @Test
  void recordsAnEndpointWithoutPathAsTheRoot() {
    transport.send(request("https://shop.example", transport.secret(), "msg_1", Instant.now().getEpochSecond(), BODY));

    assertThat(transport.deliveries().get(0).path()).isEqualTo("/");
  }

  @Test
  void verifiesTheSignatureAgainstItsSecret() {
    transport.send(request("msg_1"));
    transport.send(request("https://shop.example/hooks", Signer.generateSecret(), "msg_2",
        Instant.now().getEpochSecond(), BODY));

    assertThat(transport.deliveries()).extracting(ReceivedDelivery::signatureValid).containsExactly(true, false);
    assertThat(transport.deliveries().get(1).signatureProblem()).hasValueSatisfying(
        p -> assertThat(p).startsWith("NO_MATCHING_SIGNATURE: "));
  }

  @Test
  void verifiesTimestampsAgainstTheClockItWasGiven() {
    VirtualTime time = VirtualTime.startingAt(Instant.parse("2020-01-01T00:00:00Z"));
    RecordingTransport inThePast = RecordingTransport.create(transport.secret(), time.clock());
    long then = time.now().getEpochSecond();

    inThePast.send(request("https://shop.example/hooks", transport.secret(), "msg_1", then, BODY));
    transport.send(request("https://shop.example/hooks", transport.secret(), "msg_1", then, BODY));

    assertThat(inThePast.deliveries().get(0).signatureValid()).isTrue();
    assertThat(transport.deliveries().get(0).signatureProblem()).hasValueSatisfying(
        p -> assertThat(p).startsWith("TIMESTAMP_TOO_OLD: "));
  }

  @Test
  void createRefusesAMalformedSecret() {
    assertThatThrownBy(() -> RecordingTransport.create("not-a-secret", Clock.systemUTC()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("secret must start with 'whsec_'");
  }

  @Test
  void subscriptionUsesTheTransportsSecret() {
    try (WebhookPublisher publisher = WebhookPublisher.builder().transport(transport)
        .subscription(transport.subscription("https://shop.example/hooks")).build()) {
      publisher.send(Event.of("order.created", Map.of("orderId", "A-1001"))).outcomes().join();
    }

    assertThat(transport).receivedExactly(1).allSignaturesValid();
    assertThat(transport.deliveries().get(0).path()).isEqualTo("/hooks");
  }

  @Test
  void answersInOrderThenTheDefault() {
    transport.respondWith(2, Answer.status(503)).respondWith(Answer.gone());

    List<Integer> statuses = List.of(statusOf(transport.send(request("msg_1"))),
        statusOf(transport.send(request("msg_1"))), statusOf(transport.send(request("msg_1"))),
        statusOf(transport.send(request("msg_1"))));

    assertThat(statuses).containsExactly(503, 503, 410, 204);
    assertThat(transport.deliveries()).extracting(ReceivedDelivery::attemptNumber).containsExactly(1, 2, 3, 4);
  }

  @Test
  void answersWithTheScriptedHeadersInLowerCaseAndBody() {
    transport.respondWith(Answer.tooManyRequests(Duration.ofSeconds(30)).withBody("slow down"));

    TransportResponse response = transport.send(request("msg_1")).join();

    assertThat(response.status()).isEqualTo(429);
    assertThat(response.headers()).containsEntry("retry-after", List.of("30"));
    assertThat(response.bodyExcerpt()).isEqualTo("slow down");
  }

  @Test
  void defaultAnswerReplacesThe204() {
    transport.defaultAnswer(Answer.status(500));

    assertThat(statusOf(transport.send(request("msg_1")))).isEqualTo(500);
  }

  @Test
  void aHangFailsTheAttemptWithASocketTimeout() {
    transport.respondWith(Answer.hang());

    assertThatThrownBy(() -> transport.send(request("msg_1")).join()).isInstanceOf(CompletionException.class)
        .cause().isInstanceOf(SocketTimeoutException.class).hasMessage("simulated: the receiver never answered");
    assertThat(transport.deliveries()).singleElement().extracting(ReceivedDelivery::answer).isEqualTo("hang");
  }

  @Test
  void aDroppedConnectionFailsTheAttemptWithAnIoException() {
    transport.respondWith(Answer.dropConnection());

    assertThatThrownBy(() -> transport.send(request("msg_1")).join()).isInstanceOf(CompletionException.class)
        .cause().isExactlyInstanceOf(IOException.class).hasMessage("simulated: connection dropped");
    assertThat(transport.deliveries()).singleElement().extracting(ReceivedDelivery::answer)
        .isEqualTo("dropped connection");
  }

  @Test
  void resetForgetsDeliveriesAndScriptedAnswers() {
    transport.respondWith(Answer.status(503)).defaultAnswer(Answer.status(500));
    transport.send(request("msg_1"));

    transport.reset();

    assertThat(transport.deliveries()).isEmpty();
    assertThat(statusOf(transport.send(request("msg_1")))).isEqualTo(204);
    assertThat(transport.deliveries().get(0).attemptNumber()).isEqualTo(1);
  }

  @Test
  void awaitDeliveriesFailsNamingTheRecordingTransport() {
    assertThatThrownBy(() -> transport.awaitDeliveries(1, Duration.ofMillis(20)))
        .isInstanceOf(AssertionError.class)
        .hasMessage("expected the recording transport to receive 1 deliveries within PT0.02S but it received 0.");
  }

  @Test
  void awaitEventFindsWhatWasAlreadySent() {
    transport.send(request("msg_1"));

    assertThat(transport.awaitEvent("order.created", Duration.ZERO).webhookId()).isEqualTo("msg_1");
  }

  @Test
  void worksWithTheAssertionsForAPublisherOnVirtualTime() {
    VirtualTime time = VirtualTime.start();
    RecordingTransport onVirtualTime = RecordingTransport.create(Signer.generateSecret(), time.clock());
    onVirtualTime.respondWith(Answer.status(503), Answer.hang());
    try (WebhookPublisher publisher = WebhookPublisher.builder().transport(onVirtualTime)
        .subscription(onVirtualTime.subscription("https://shop.example/hooks"))
        .clock(time.clock()).scheduler(time.scheduler()).build()) {
      CompletableFuture<List<DeliveryOutcome>> outcomes =
          publisher.send(Event.of("order.created", Map.of("orderId", "A-1001"))).outcomes();

      time.advance(Duration.ofMinutes(6));

      assertThat(outcomes.join()).singleElement().isInstanceOf(DeliveryOutcome.Delivered.class);
    }
    assertThat(onVirtualTime).receivedExactly(3).allSignaturesValid()
        .receivedEvent("order.created").hasJsonField("/data/orderId", "A-1001").wasRetried(2);
    assertThat(onVirtualTime.deliveries()).extracting(ReceivedDelivery::answer)
        .containsExactly("503", "hang", "204");
  }

  @Test
  void describesItselfWithItsDeliveryCount() {
    transport.send(request("msg_1"));

    assertThat(transport).hasToString("RecordingTransport[1 deliveries]");
  }
}
