package dev.hookpost.testing;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import dev.hookpost.DeliveryOutcome;
import dev.hookpost.spi.EndpointRefusedException;
import dev.hookpost.Event;
import dev.hookpost.Signer;
import dev.hookpost.Subscription;
import dev.hookpost.spi.Transport;
import dev.hookpost.spi.TransportResponse;
import dev.hookpost.WebhookPublisher;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The fake receiver over real HTTP on 127.0.0.1, driven by the JDK's own client so that nothing
 * of Hookpost's sending side is involved: what it answers, what it records, how it waits.
 */
class FakeWebhookReceiverTest {
  static final String BODY = "{\"type\":\"order.created\",\"timestamp\":\"2024-05-01T12:00:00Z\","
      + "\"data\":{\"orderId\":\"A-1001\",\"total\":42}}";

  final FakeWebhookReceiver receiver = FakeWebhookReceiver.create();
  // HTTP/1.1 so the JDK client sends no h2c upgrade headers; redirects are never followed.
  final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(2)).build();

  @AfterEach
  void stop() {
    receiver.close();
  }

  /** A POST to {@code path} signed with the receiver's secret, stamped now. */
  HttpRequest.Builder signed(String path, String webhookId, String body) {
    return signedWith(receiver.secret(), path, webhookId, Instant.now().getEpochSecond(), body);
  }

  HttpRequest.Builder signedWith(String secret, String path, String webhookId, long timestamp, String body) {
    byte[] bytes = body.getBytes(UTF_8);
    return HttpRequest.newBuilder(URI.create(receiver.url(path)))
        .timeout(Duration.ofSeconds(5))
        .header("webhook-id", webhookId)
        .header("webhook-timestamp", Long.toString(timestamp))
        .header("webhook-signature", Signer.standardWebhooks(secret).sign(webhookId, timestamp, bytes))
        .header("content-type", "application/json")
        .POST(BodyPublishers.ofByteArray(bytes));
  }

  HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
    return http.send(request.build(), BodyHandlers.ofString());
  }

  int post(String path) throws IOException, InterruptedException {
    return send(signed(path, "msg_" + System.nanoTime(), BODY)).statusCode();
  }

  int post() throws IOException, InterruptedException {
    return post("/webhooks");
  }

  // ---- answers ----

  @Test
  void answers204WhenNothingIsScripted() throws Exception {
    HttpResponse<String> response = send(signed("/webhooks", "msg_1", BODY));

    assertThat(response.statusCode()).isEqualTo(204);
    assertThat(response.body()).isEmpty();
  }

  @Test
  void answersInOrderThenTheDefault() throws Exception {
    receiver.respondWith(2, Answer.status(503));

    assertThat(List.of(post(), post(), post(), post())).containsExactly(503, 503, 204, 204);
  }

  @Test
  void queuesSeveralAnswersInTheOrderGiven() throws Exception {
    receiver.respondWith(Answer.status(500), Answer.status(502)).respondWith(Answer.status(201));

    assertThat(List.of(post(), post(), post(), post())).containsExactly(500, 502, 201, 204);
  }

  @Test
  void defaultAnswerReplacesThe204OnceTheQueueIsEmpty() throws Exception {
    receiver.defaultAnswer(Answer.status(500)).respondWith(Answer.status(200));

    assertThat(List.of(post(), post(), post())).containsExactly(200, 500, 500);
  }

  @Test
  void perPathAnswersTakePrecedenceOverGlobalOnes() throws Exception {
    receiver.respondWith(Answer.status(503)).respondOn("/orders", Answer.status(500));

    assertThat(post("/orders")).as("per-path queue first").isEqualTo(500);
    assertThat(post("/orders")).as("then the global queue").isEqualTo(503);
    assertThat(post("/orders")).as("then the default").isEqualTo(204);
  }

  @Test
  void perPathAnswersLeaveOtherPathsAlone() throws Exception {
    receiver.respondOn("orders", Answer.status(500)); // leading slash optional

    assertThat(post("/invoices")).isEqualTo(204);
    assertThat(post("/orders")).isEqualTo(500);
  }

  @Test
  void perPathAnswersMatchThePathWithoutItsQuery() throws Exception {
    receiver.respondOn("/orders", Answer.status(500));

    assertThat(post("/orders?tenant=7")).isEqualTo(500);
  }

  @Test
  void tooManyRequestsSends429WithRetryAfterInSeconds() throws Exception {
    receiver.respondWith(Answer.tooManyRequests(Duration.ofSeconds(30)));

    HttpResponse<String> response = send(signed("/webhooks", "msg_1", BODY));

    assertThat(response.statusCode()).isEqualTo(429);
    assertThat(response.headers().firstValue("retry-after")).hasValue("30");
  }

  @Test
  void unavailableSends503WithRetryAfterInSeconds() throws Exception {
    receiver.respondWith(Answer.unavailable(Duration.ofMinutes(2)));

    HttpResponse<String> response = send(signed("/webhooks", "msg_1", BODY));

    assertThat(response.statusCode()).isEqualTo(503);
    assertThat(response.headers().firstValue("retry-after")).hasValue("120");
  }

  @Test
  void goneAnswers410() throws Exception {
    receiver.respondWith(Answer.gone());

    assertThat(post()).isEqualTo(410);
  }

  @Test
  void redirectAnswersItsStatusAndLocation() throws Exception {
    receiver.respondWith(Answer.redirect(307, "https://elsewhere.example/hooks"));

    HttpResponse<String> response = send(signed("/webhooks", "msg_1", BODY));

    assertThat(response.statusCode()).isEqualTo(307);
    assertThat(response.headers().firstValue("location")).hasValue("https://elsewhere.example/hooks");
    assertThat(receiver.deliveries()).singleElement().extracting(ReceivedDelivery::answer).isEqualTo("307");
  }

  @Test
  void sendsTheScriptedHeadersAndBody() throws Exception {
    receiver.respondWith(Answer.status(400).withHeader("X-Reason", "bad order").withBody("order unknown"));

    HttpResponse<String> response = send(signed("/webhooks", "msg_1", BODY));

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.headers().firstValue("x-reason")).hasValue("bad order");
    assertThat(response.body()).isEqualTo("order unknown");
  }

  @Test
  void aDelayedAnswerArrivesNoSoonerThanItsDelay() throws Exception {
    receiver.respondWith(Answer.ok().after(Duration.ofMillis(300)));

    long start = System.nanoTime();
    int status = post();
    Duration took = Duration.ofNanos(System.nanoTime() - start);

    assertThat(status).isEqualTo(204);
    assertThat(took).isGreaterThanOrEqualTo(Duration.ofMillis(300));
    assertThat(receiver.deliveries()).singleElement().extracting(ReceivedDelivery::answer)
        .isEqualTo("204 after PT0.3S");
  }

  @Test
  void aDroppedConnectionReadsTheRequestAndNeverAnswers() {
    receiver.respondWith(Answer.dropConnection());

    assertThatThrownBy(this::post).isInstanceOf(IOException.class);
    assertThat(receiver.deliveries()).singleElement().satisfies(d -> {
      assertThat(d.bodyText()).isEqualTo(BODY);
      assertThat(d.answer()).isEqualTo("dropped connection");
    });
  }

  @Test
  void aHangLetsTheSendersTimeoutFire() {
    receiver.respondWith(Answer.hang());

    assertThatThrownBy(() -> send(signed("/webhooks", "msg_1", BODY).timeout(Duration.ofMillis(300))))
        .isInstanceOf(HttpTimeoutException.class);
    assertThat(receiver.deliveries()).singleElement().extracting(ReceivedDelivery::answer).isEqualTo("hang");
  }

  @Test
  void answersAfterAFaultGoOnInOrder() throws Exception {
    receiver.respondWith(Answer.dropConnection(), Answer.status(503));

    assertThatThrownBy(this::post).isInstanceOf(IOException.class);
    assertThat(post()).isEqualTo(503);
    assertThat(post()).isEqualTo(204);
  }

  @Test
  void answerRefusesAStatusThatIsNotHttp() {
    assertThatThrownBy(() -> Answer.status(99)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("status must be an HTTP status 100..599, was 99");
    assertThatThrownBy(() -> Answer.status(600)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void answerRefusesANegativeDelay() {
    assertThatThrownBy(() -> Answer.ok().after(Duration.ofMillis(-1))).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("delay must be zero or positive, was PT-0.001S");
  }

  @Test
  void respondWithRefusesANegativeCount() {
    assertThatThrownBy(() -> receiver.respondWith(-1, Answer.ok())).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("times must be zero or more, was -1");
  }

  @Test
  void answerDescribesItselfAsUsersReadItInFailureMessages() {
    assertThat(Answer.status(503)).hasToString("503");
    assertThat(Answer.ok().after(Duration.ofSeconds(2))).hasToString("204 after PT2S");
    assertThat(Answer.dropConnection()).hasToString("dropped connection");
    assertThat(Answer.hang()).hasToString("hang");
  }

  // ---- what is recorded ----

  @Test
  void recordsMethodPathAndTheRawBodyBytes() throws Exception {
    String oddlySpaced = "{ \"type\" : \"order.created\",\n\"data\":{\"name\":\"Zoë\"} }";

    send(signed("/webhooks?tenant=7", "msg_1", oddlySpaced));

    ReceivedDelivery d = receiver.deliveries().get(0);
    assertThat(d.method()).isEqualTo("POST");
    assertThat(d.path()).isEqualTo("/webhooks?tenant=7");
    assertThat(d.body()).isEqualTo(oddlySpaced.getBytes(UTF_8));
    assertThat(d.bodyText()).isEqualTo(oddlySpaced);
  }

  @Test
  void recordsHeaderNamesInLowerCaseAndFindsThemInAnyCase() throws Exception {
    send(signed("/webhooks", "msg_1", BODY).header("X-Api-Key", "k-123"));

    ReceivedDelivery d = receiver.deliveries().get(0);
    assertThat(d.headers()).containsEntry("x-api-key", List.of("k-123")).doesNotContainKey("X-Api-Key");
    assertThat(d.headers().keySet()).allSatisfy(name -> assertThat(name).isLowerCase());
    assertThat(d.header("X-API-KEY")).hasValue("k-123");
    assertThat(d.header("x-absent")).isEmpty();
  }

  @Test
  void recordsTheWebhookIdAndTimestampHeaders() throws Exception {
    send(signedWith(receiver.secret(), "/webhooks", "msg_42", Instant.now().getEpochSecond(), BODY));
    long now = Instant.now().getEpochSecond();

    ReceivedDelivery d = receiver.deliveries().get(0);
    assertThat(d.webhookId()).isEqualTo("msg_42");
    assertThat(d.webhookTimestamp()).hasValueSatisfying(
        t -> assertThat(t.getEpochSecond()).isBetween(now - 5, now));
    assertThat(d.signature()).startsWith("v1,");
  }

  @Test
  void parsesTheEnvelope() throws Exception {
    send(signed("/webhooks", "msg_1", BODY));

    ReceivedDelivery d = receiver.deliveries().get(0);
    assertThat(d.type()).isEqualTo("order.created");
    assertThat(d.eventTimestamp()).hasValue(Instant.parse("2024-05-01T12:00:00Z"));
    assertThat(d.data().get("orderId").asText()).isEqualTo("A-1001");
    assertThat(d.json("/data/total").asInt()).isEqualTo(42);
    assertThat(d.json("/data/missing").isMissingNode()).isTrue();
  }

  record Order(String orderId, int total) {}

  @Test
  void mapsTheDataToAClass() throws Exception {
    send(signed("/webhooks", "msg_1", BODY));

    assertThat(receiver.deliveries().get(0).data(Order.class)).isEqualTo(new Order("A-1001", 42));
  }

  record Invoice(String invoiceId, List<String> lines) {}

  @Test
  void dataThatDoesNotMapFailsNamingTheDeliveryAndTheClass() throws Exception {
    send(signed("/webhooks", "msg_1", "{\"type\":\"t\",\"data\":{\"lines\":\"not a list\"}}"));

    assertThatThrownBy(() -> receiver.deliveries().get(0).data(Invoice.class))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("data of delivery msg_1 does not map to " + Invoice.class.getName() + ": ");
  }

  @Test
  void aBodyThatIsNotAnEnvelopeHasNoTypeAndNoData() throws Exception {
    send(signed("/webhooks", "msg_1", "not json"));

    ReceivedDelivery d = receiver.deliveries().get(0);
    assertThat(d.bodyText()).isEqualTo("not json");
    assertThat(d.type()).isEmpty();
    assertThat(d.data().isMissingNode()).isTrue();
    assertThat(d.eventTimestamp()).isEmpty();
    assertThat(d.signatureValid()).isTrue();
  }

  @Test
  void numbersAttemptsPerWebhookIdAndPathBecauseOneEventFansOutToSeveralPaths() throws Exception {
    send(signed("/webhooks", "msg_a", BODY));
    send(signed("/webhooks", "msg_b", BODY));
    send(signed("/webhooks", "msg_a", BODY));
    send(signed("/other", "msg_a", BODY));

    assertThat(receiver.deliveries()).extracting(ReceivedDelivery::webhookId, ReceivedDelivery::attemptNumber)
        .containsExactly(tuple("msg_a", 1), tuple("msg_b", 1), tuple("msg_a", 2), tuple("msg_a", 1));
  }

  @Test
  void aRequestSignedWithTheReceiversSecretIsValid() throws Exception {
    send(signed("/webhooks", "msg_1", BODY));

    ReceivedDelivery d = receiver.deliveries().get(0);
    assertThat(d.signatureValid()).isTrue();
    assertThat(d.signatureProblem()).isEmpty();
  }

  @Test
  void aRequestSignedWithAnotherSecretIsInvalidAndSaysWhy() throws Exception {
    send(signedWith(Signer.generateSecret(), "/webhooks", "msg_1", Instant.now().getEpochSecond(), BODY));

    ReceivedDelivery d = receiver.deliveries().get(0);
    assertThat(d.signatureValid()).isFalse();
    assertThat(d.signatureProblem()).hasValue("NO_MATCHING_SIGNATURE: no signature in webhook-signature matches"
        + " the body under the 1 secret(s) (v1) and 0 public key(s) (v1a) held; 1 looked at, 0 skipped as"
        + " malformed, of another version, or of a scheme with no key here");
  }

  @Test
  void aWrongSignatureIsInvalid() throws Exception {
    send(signed("/webhooks", "msg_1", BODY).setHeader("webhook-signature", "v1,AAAA"));

    assertThat(receiver.deliveries().get(0).signatureProblem()).hasValueSatisfying(
        p -> assertThat(p).startsWith("NO_MATCHING_SIGNATURE: "));
  }

  @Test
  void aSignatureOverAnotherIdIsInvalid() throws Exception {
    long now = Instant.now().getEpochSecond();
    String signatureOfMsg1 = Signer.standardWebhooks(receiver.secret()).sign("msg_1", now, BODY.getBytes(UTF_8));

    send(signed("/webhooks", "msg_2", BODY).setHeader("webhook-timestamp", Long.toString(now))
        .setHeader("webhook-signature", signatureOfMsg1));

    assertThat(receiver.deliveries().get(0).signatureValid()).isFalse();
  }

  @Test
  void aRequestWithoutWebhookHeadersIsInvalidAndSaysWhichIsMissing() throws Exception {
    send(HttpRequest.newBuilder(URI.create(receiver.url())).POST(BodyPublishers.ofString(BODY)));

    ReceivedDelivery d = receiver.deliveries().get(0);
    assertThat(d.signatureProblem()).hasValue("MISSING_HEADER: the webhook-id header is missing");
    assertThat(d.webhookId()).isEmpty();
    assertThat(d.signature()).isEmpty();
    assertThat(d.webhookTimestamp()).isEmpty();
    assertThat(d.attemptNumber()).isEqualTo(1);
  }

  @Test
  void aStaleTimestampIsInvalid() throws Exception {
    long tenMinutesAgo = Instant.now().minusSeconds(600).getEpochSecond();

    send(signedWith(receiver.secret(), "/webhooks", "msg_1", tenMinutesAgo, BODY));

    assertThat(receiver.deliveries().get(0).signatureProblem()).hasValueSatisfying(
        p -> assertThat(p).startsWith("TIMESTAMP_TOO_OLD: webhook-timestamp " + tenMinutesAgo + " is ")
            .endsWith("more than the tolerance of 300 s"));
  }

  @Test
  void theTimestampToleranceIsConfigurable() throws Exception {
    try (FakeWebhookReceiver lenient = FakeWebhookReceiver.builder().secret(receiver.secret())
        .timestampTolerance(Duration.ofHours(1)).build()) {
      long tenMinutesAgo = Instant.now().minusSeconds(600).getEpochSecond();
      byte[] bytes = BODY.getBytes(UTF_8);

      http.send(HttpRequest.newBuilder(URI.create(lenient.url()))
          .header("webhook-id", "msg_1").header("webhook-timestamp", Long.toString(tenMinutesAgo))
          .header("webhook-signature", Signer.standardWebhooks(receiver.secret()).sign("msg_1", tenMinutesAgo, bytes))
          .POST(BodyPublishers.ofByteArray(bytes)).build(), BodyHandlers.discarding());

      assertThat(lenient.deliveries().get(0).signatureValid()).isTrue();
    }
  }

  @Test
  void describesADeliveryOnOneLine() throws Exception {
    receiver.respondWith(Answer.status(503));
    send(signedWith(Signer.generateSecret(), "/webhooks", "msg_1", Instant.now().getEpochSecond(), BODY));

    assertThat(receiver.deliveries().get(0)).hasToString("POST /webhooks type=order.created webhook-id=msg_1"
        + " attempt=1 signature=INVALID (NO_MATCHING_SIGNATURE: no signature in webhook-signature matches the"
        + " body under the 1 secret(s) (v1) and 0 public key(s) (v1a) held; 1 looked at, 0 skipped as malformed, of"
        + " another version, or of a scheme with no key here) answered=503 body=" + BODY);
  }

  @Test
  void abbreviatesALongBodyInTheDescription() throws Exception {
    String longBody = "{\"type\":\"t\",\"data\":\"" + "x".repeat(200) + "\"}";
    send(signed("/webhooks", "msg_1", longBody));

    assertThat(receiver.deliveries().get(0).toString()).endsWith(" body=" + longBody.substring(0, 120) + "…");
  }

  // ---- snapshots ----

  @Test
  void deliveriesIsASnapshotThatLaterRequestsDoNotChange() throws Exception {
    post();
    List<ReceivedDelivery> before = receiver.deliveries();

    post();

    assertThat(before).hasSize(1);
    assertThat(receiver.deliveries()).hasSize(2);
  }

  @Test
  void deliveriesCannotBeModified() throws Exception {
    post();
    List<ReceivedDelivery> got = receiver.deliveries();

    assertThatThrownBy(got::clear).isInstanceOf(UnsupportedOperationException.class);
    assertThat(receiver.deliveries()).hasSize(1);
  }

  @Test
  void aReceivedDeliveryCannotBeModified() throws Exception {
    send(signed("/webhooks", "msg_1", BODY));
    ReceivedDelivery d = receiver.deliveries().get(0);

    d.body()[0] = 'X';
    assertThatThrownBy(() -> d.headers().put("x-new", List.of("v"))).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> d.headers().get("webhook-id").add("msg_2"))
        .isInstanceOf(UnsupportedOperationException.class);

    assertThat(d.bodyText()).isEqualTo(BODY);
    assertThat(d.webhookId()).isEqualTo("msg_1");
  }

  // ---- waiting ----

  @Test
  void awaitDeliveriesReturnsAsSoonAsTheCountArrived() {
    http.sendAsync(signed("/webhooks", "msg_1", BODY).build(), BodyHandlers.discarding());
    http.sendAsync(signed("/webhooks", "msg_2", BODY).build(), BodyHandlers.discarding());

    long start = System.nanoTime();
    List<ReceivedDelivery> got = receiver.awaitDeliveries(2, Duration.ofSeconds(30));

    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    assertThat(got).extracting(ReceivedDelivery::webhookId).containsExactlyInAnyOrder("msg_1", "msg_2");
  }

  @Test
  void awaitDeliveriesReturnsTheFirstCountDeliveries() throws Exception {
    send(signed("/webhooks", "msg_1", BODY));
    send(signed("/webhooks", "msg_2", BODY));
    send(signed("/webhooks", "msg_3", BODY));

    assertThat(receiver.awaitDeliveries(2, Duration.ofSeconds(1))).extracting(ReceivedDelivery::webhookId)
        .containsExactly("msg_1", "msg_2");
    assertThat(receiver.awaitDeliveries(0, Duration.ZERO)).isEmpty();
  }

  @Test
  void awaitDeliveriesFailsListingWhatArrived() throws Exception {
    send(signed("/webhooks", "msg_1", BODY));

    assertThatThrownBy(() -> receiver.awaitDeliveries(2, Duration.ofMillis(100)))
        .isInstanceOf(AssertionError.class)
        .hasMessage("expected the fake receiver to receive 2 deliveries within PT0.1S but it received 1:\n"
            + "  1. POST /webhooks type=order.created webhook-id=msg_1 attempt=1 signature=valid answered=204"
            + " body=" + BODY);
  }

  @Test
  void awaitDeliveriesFailsSayingNothingArrived() {
    assertThatThrownBy(() -> receiver.awaitDeliveries(1, Duration.ofMillis(50)))
        .isInstanceOf(AssertionError.class)
        .hasMessageStartingWith("expected the fake receiver to receive 1 deliveries within PT0.05S but it received 0."
            + "\nThe receiver at " + receiver.url() + " saw no connection at all");
  }

  @Test
  void awaitDeliveriesRefusesANegativeCount() {
    assertThatThrownBy(() -> receiver.awaitDeliveries(-1, Duration.ZERO)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("count must be zero or more, was -1");
  }

  @Test
  void awaitEventReturnsTheFirstDeliveryOfThatTypeAsSoonAsItArrives() {
    http.sendAsync(signed("/webhooks", "msg_1", "{\"type\":\"order.paid\"}").build(), BodyHandlers.discarding());
    http.sendAsync(signed("/webhooks", "msg_2", BODY).build(), BodyHandlers.discarding());

    long start = System.nanoTime();
    ReceivedDelivery d = receiver.awaitEvent("order.created", Duration.ofSeconds(30));

    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    assertThat(d.webhookId()).isEqualTo("msg_2");
  }

  @Test
  void awaitEventFailsListingWhatArrived() throws Exception {
    send(signed("/webhooks", "msg_1", BODY));

    assertThatThrownBy(() -> receiver.awaitEvent("order.shipped", Duration.ofMillis(100)))
        .isInstanceOf(AssertionError.class)
        .hasMessage("expected the fake receiver to receive an event of type 'order.shipped' within PT0.1S but it"
            + " received 1:\n"
            + "  1. POST /webhooks type=order.created webhook-id=msg_1 attempt=1 signature=valid answered=204"
            + " body=" + BODY);
  }

  // ---- reset, addresses, lifecycle ----

  @Test
  void resetForgetsDeliveriesAndEveryScriptedAnswer() throws Exception {
    receiver.respondWith(Answer.status(503)).respondOn("/orders", Answer.status(500))
        .defaultAnswer(Answer.status(400));
    post();

    receiver.reset();

    assertThat(receiver.deliveries()).isEmpty();
    assertThat(List.of(post("/orders"), post())).containsExactly(204, 204);
  }

  @Test
  void resetKeepsThePortAndTheSecret() {
    String url = receiver.url();
    String secret = receiver.secret();

    receiver.reset();

    assertThat(receiver.url()).isEqualTo(url);
    assertThat(receiver.secret()).isEqualTo(secret);
  }

  @Test
  void resetRestartsAttemptNumbering() throws Exception {
    send(signed("/webhooks", "msg_1", BODY));
    receiver.reset();

    send(signed("/webhooks", "msg_1", BODY));

    assertThat(receiver.deliveries()).singleElement().extracting(ReceivedDelivery::attemptNumber).isEqualTo(1);
  }

  @Test
  void urlIsTheDefaultPathOnLoopback() {
    assertThat(receiver.url()).matches("http://127\\.0\\.0\\.1:\\d+/webhooks");
  }

  @Test
  void urlOfAPathIsOnTheSamePort() {
    String base = receiver.url().replace("/webhooks", "");

    assertThat(receiver.url("/orders")).isEqualTo(base + "/orders");
    assertThat(receiver.url("orders")).isEqualTo(base + "/orders");
  }

  @Test
  void theBuilderSetsTheDefaultPath() {
    try (FakeWebhookReceiver custom = FakeWebhookReceiver.builder().path("hooks/shipping").build()) {
      assertThat(custom.url()).endsWith("/hooks/shipping");
      assertThat(custom.subscription().endpoint().getPath()).isEqualTo("/hooks/shipping");
    }
  }

  @Test
  void subscriptionPointsAtTheReceiverAndHearsEveryType() {
    Subscription s = receiver.subscription();

    assertThat(s.endpoint()).isEqualTo(URI.create(receiver.url()));
    assertThat(s.accepts("order.created")).isTrue();
    assertThat(s.accepts("anything.else")).isTrue();
    assertThat(s.enabled()).isTrue();
  }

  @Test
  void subscriptionsToDifferentPathsHaveDifferentIds() {
    Subscription orders = receiver.subscription("/orders");
    Subscription invoices = receiver.subscription("/invoices");

    assertThat(orders.endpoint()).isEqualTo(URI.create(receiver.url("/orders")));
    assertThat(orders.id()).isNotEqualTo(invoices.id());
  }

  @Test
  void aPublisherDeliversToTheSubscriptionWithAValidSignature() {
    Transport jdkHttp = request -> {
      HttpRequest.Builder b = HttpRequest.newBuilder(request.endpoint()).timeout(Duration.ofSeconds(5))
          .POST(BodyPublishers.ofByteArray(request.body()));
      request.headers().forEach((name, value) -> {
        if (!name.equals("user-agent")) { // restricted in the JDK client
          b.header(name, value);
        }
      });
      return http.sendAsync(b.build(), BodyHandlers.ofString())
          .thenApply(r -> new TransportResponse(r.statusCode(), r.headers().map(), r.body()));
    };
    try (WebhookPublisher publisher = WebhookPublisher.builder().transport(jdkHttp)
        .subscription(receiver.subscription()).build()) {
      List<DeliveryOutcome> outcomes = publisher.send(Event.of("order.created", Map.of("orderId", "A-1001")))
          .outcomes().join();

      assertThat(outcomes).singleElement().isInstanceOf(DeliveryOutcome.Delivered.class);
    }
    ReceivedDelivery d = receiver.awaitEvent("order.created", Duration.ofSeconds(5));
    assertThat(d.signatureValid()).isTrue();
    assertThat(d.json("/data/orderId").asText()).isEqualTo("A-1001");
  }

  @Test
  void addressGuardAllowsTheReceiverButStillRefusesPrivateNetworks() throws Exception {
    assertThatCode(() -> receiver.addressGuard().check("127.0.0.1", InetAddress.getByName("127.0.0.1")))
        .doesNotThrowAnyException();
    assertThatThrownBy(() -> receiver.addressGuard().check("10.0.0.1", InetAddress.getByName("10.0.0.1")))
        .isInstanceOf(EndpointRefusedException.class);
  }

  @Test
  void eachReceiverHasItsOwnWellFormedSecret() {
    try (FakeWebhookReceiver other = FakeWebhookReceiver.create()) {
      assertThat(receiver.secret()).startsWith("whsec_").isNotEqualTo(other.secret());
      assertThatCode(() -> Signer.standardWebhooks(receiver.secret())).doesNotThrowAnyException();
    }
  }

  @Test
  void theBuilderTakesAGivenSecret() {
    String secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

    try (FakeWebhookReceiver custom = FakeWebhookReceiver.builder().secret(secret).build()) {
      assertThat(custom.secret()).isEqualTo(secret);
    }
  }

  @Test
  void theBuilderRefusesASecretWithoutThePrefix() {
    assertThatThrownBy(() -> FakeWebhookReceiver.builder().secret("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("secret must start with 'whsec_' followed by base64 of 24 to 64 random bytes; generate one"
            + " with Signer.generateSecret()");
  }

  @Test
  void theBuilderRefusesATooShortSecret() {
    assertThatThrownBy(() -> FakeWebhookReceiver.builder().secret("whsec_c2hvcnQ="))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("secret decodes to 5 bytes; Standard Webhooks secrets hold 24 to 64 random bytes");
  }

  @Test
  void theBuilderRefusesAMissingSecret() {
    assertThatThrownBy(() -> FakeWebhookReceiver.builder().secret(null))
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("secret is required");
  }

  @Test
  void closeStopsListeningAndStartListensAgain() throws Exception {
    String url = receiver.url();

    receiver.close();

    assertThat(receiver).hasToString("FakeWebhookReceiver[stopped, 0 deliveries]");
    assertThatThrownBy(() -> http.send(HttpRequest.newBuilder(URI.create(url)).POST(BodyPublishers.noBody()).build(),
        BodyHandlers.discarding())).isInstanceOf(ConnectException.class);
    receiver.start();
    assertThat(post()).isEqualTo(204);
  }

  @Test
  void describesItselfWithItsUrlAndDeliveryCount() throws Exception {
    post();

    assertThat(receiver).hasToString("FakeWebhookReceiver[" + receiver.url() + ", 1 deliveries]");
  }

  @Test
  void startsOnFirstUse() {
    assertThat(FakeWebhookReceiver.create()).hasToString("FakeWebhookReceiver[stopped, 0 deliveries]");
  }

  @Test
  void sendingInParallelRecordsEveryRequest() {
    List<CompletableFuture<HttpResponse<Void>>> sent = new java.util.ArrayList<>();
    for (int i = 0; i < 20; i++) {
      sent.add(http.sendAsync(signed("/webhooks", "msg_" + i, BODY).build(), BodyHandlers.discarding()));
    }
    CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).join();

    assertThat(receiver.deliveries()).hasSize(20).allMatch(ReceivedDelivery::signatureValid);
  }
}
