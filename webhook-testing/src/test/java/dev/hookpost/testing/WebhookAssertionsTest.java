package dev.hookpost.testing;

import static dev.hookpost.testing.WebhookAssertions.assertThat;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hookpost.Signer;
import dev.hookpost.spi.TransportRequest;
import java.math.BigDecimal;
import java.net.URI;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Every assertion passes when it should, and fails with a message that tells the user what
 * arrived instead. Deliveries are made by hand on a {@link RecordingTransport} so that the
 * messages are known to the character.
 */
class WebhookAssertionsTest {
  static final String N = System.lineSeparator(); // the assertions' own lines use %n
  static final String ORDER = "{\"type\":\"order.created\",\"data\":{\"orderId\":\"A-1001\",\"total\":42}}";
  static final String RICH = "{\"type\":\"order.created\",\"data\":{\"orderId\":\"A-1001\",\"total\":42,"
      + "\"amount\":19.99,\"paid\":true,\"note\":null,\"tags\":[\"gift\",\"rush\"],\"customer\":{\"id\":7}}}";
  static final String INVOICE = "{\"type\":\"invoice.paid\",\"data\":{}}";
  static final String NO_MATCH = "NO_MATCHING_SIGNATURE: no signature in webhook-signature matches the body"
      + " under the 1 secret(s) (v1) and 0 public key(s) (v1a) held; 1 looked at, 0 skipped as malformed, of another"
      + " version, or of a scheme with no key here";

  final RecordingTransport transport = RecordingTransport.create();

  ReceivedDelivery deliver(String id, String body) {
    return deliverSignedWith(transport.secret(), id, body, Map.of());
  }

  ReceivedDelivery deliverSignedWith(String secret, String id, String body, Map<String, String> extraHeaders) {
    long now = Instant.now().getEpochSecond();
    byte[] bytes = body.getBytes(UTF_8);
    Map<String, String> headers = new LinkedHashMap<>(extraHeaders);
    headers.put("webhook-id", id);
    headers.put("webhook-timestamp", Long.toString(now));
    headers.put("webhook-signature", Signer.standardWebhooks(secret).sign(id, now, bytes));
    transport.send(new TransportRequest(URI.create("https://shop.example/hooks"), headers, bytes));
    List<ReceivedDelivery> all = transport.deliveries();
    return all.get(all.size() - 1);
  }

  /** How a delivery is listed in failure messages. */
  static String line(int n, String id, String type, int attempt, String body) {
    return "\n  " + n + ". POST /hooks type=" + type + " webhook-id=" + id + " attempt=" + attempt
        + " signature=valid answered=204 body=" + body;
  }

  // ---- receivedExactly / receivedNothing ----

  @Test
  void receivedExactlyPassesOnTheNumberOfRequestsRetriesIncluded() {
    deliver("msg_1", ORDER);
    deliver("msg_1", ORDER);

    assertThatCode(() -> assertThat(transport).receivedExactly(2)).doesNotThrowAnyException();
  }

  @Test
  void receivedExactlyFailsListingWhatArrived() {
    deliver("msg_1", ORDER);

    assertThatThrownBy(() -> assertThat(transport).receivedExactly(2))
        .isInstanceOf(AssertionError.class)
        .hasMessage("expected exactly 2 deliveries but 1 arrived:" + line(1, "msg_1", "order.created", 1, ORDER));
  }

  @Test
  void receivedNothingPassesWhenNothingArrived() {
    assertThatCode(() -> assertThat(transport).receivedNothing()).doesNotThrowAnyException();
  }

  @Test
  void receivedNothingFailsListingWhatArrived() {
    deliver("msg_1", INVOICE);

    assertThatThrownBy(() -> assertThat(transport).receivedNothing())
        .isInstanceOf(AssertionError.class)
        .hasMessage("expected exactly 0 deliveries but 1 arrived:" + line(1, "msg_1", "invoice.paid", 1, INVOICE));
  }

  @Test
  void aBodyWithPercentSignsIsListedAsIs() {
    String percent = "{\"type\":\"t\",\"data\":\"100%d %s %n\"}";
    deliver("msg_1", percent);

    assertThatThrownBy(() -> assertThat(transport).receivedNothing())
        .isInstanceOf(AssertionError.class).hasMessageEndingWith("body=" + percent);
  }

  // ---- allSignaturesValid ----

  @Test
  void allSignaturesValidPassesWhenEveryOneVerifies() {
    deliver("msg_1", ORDER);
    deliver("msg_2", INVOICE);

    assertThatCode(() -> assertThat(transport).allSignaturesValid()).doesNotThrowAnyException();
  }

  @Test
  void allSignaturesValidPassesWhenNothingArrived() {
    assertThatCode(() -> assertThat(transport).allSignaturesValid()).doesNotThrowAnyException();
  }

  @Test
  void allSignaturesValidFailsListingOnlyTheBadOnes() {
    deliver("msg_1", ORDER);
    deliverSignedWith(Signer.generateSecret(), "msg_2", INVOICE, Map.of());

    assertThatThrownBy(() -> assertThat(transport).allSignaturesValid())
        .isInstanceOf(AssertionError.class)
        .hasMessage("expected every signature to verify but 1 of 2 did not:\n  1. POST /hooks type=invoice.paid"
            + " webhook-id=msg_2 attempt=1 signature=INVALID (" + NO_MATCH + ") answered=204 body=" + INVOICE);
  }

  // ---- receivedEvent ----

  @Test
  void receivedEventGivesAssertionsOnTheFirstDeliveryOfThatType() {
    deliver("msg_0", INVOICE);
    deliver("msg_1", ORDER);
    deliver("msg_2", ORDER);

    assertThatCode(() -> assertThat(transport).receivedEvent("order.created").hasWebhookId("msg_1"))
        .doesNotThrowAnyException();
  }

  @Test
  void receivedEventFailsListingWhatArrivedAndTheClosestType() {
    deliver("msg_1", ORDER);
    deliver("msg_2", INVOICE);

    assertThatThrownBy(() -> assertThat(transport).receivedEvent("order.craeted"))
        .isInstanceOf(AssertionError.class)
        .hasMessage("expected an event of type 'order.craeted' but 2 deliveries arrived:"
            + line(1, "msg_1", "order.created", 1, ORDER) + line(2, "msg_2", "invoice.paid", 1, INVOICE)
            + "\nclosest type received: 'order.created' (expected 'order.craeted')");
  }

  @Test
  void receivedEventFailsSayingNothingArrived() {
    assertThatThrownBy(() -> assertThat(transport).receivedEvent("order.created"))
        .isInstanceOf(AssertionError.class)
        .hasMessage("expected an event of type 'order.created' but 0 deliveries arrived.");
  }

  // ---- hasValidSignature ----

  @Test
  void hasValidSignaturePassesWhenTheSignatureVerifies() {
    ReceivedDelivery d = deliver("msg_1", ORDER);

    assertThatCode(() -> assertThat(d).hasValidSignature()).doesNotThrowAnyException();
  }

  @Test
  void hasValidSignatureFailsWithTheReason() {
    ReceivedDelivery d = deliverSignedWith(Signer.generateSecret(), "msg_1", ORDER, Map.of());

    assertThatThrownBy(() -> assertThat(d).hasValidSignature())
        .isInstanceOf(AssertionError.class)
        .hasMessage("expected a valid signature but verification failed: " + NO_MATCH + N + "delivery: " + d);
  }

  // ---- hasType / hasWebhookId / hasHeader ----

  @Test
  void hasTypePassesOnTheEnvelopeType() {
    ReceivedDelivery d = deliver("msg_1", ORDER);

    assertThatCode(() -> assertThat(d).hasType("order.created")).doesNotThrowAnyException();
  }

  @Test
  void hasTypeFailsWithTheActualType() {
    ReceivedDelivery d = deliver("msg_1", ORDER);

    assertThatThrownBy(() -> assertThat(d).hasType("order.paid"))
        .isInstanceOf(AssertionError.class)
        .hasMessage("expected event type 'order.paid' but was 'order.created'" + N + "delivery: " + d);
  }

  @Test
  void hasWebhookIdPassesOnTheHeader() {
    ReceivedDelivery d = deliver("msg_1", ORDER);

    assertThatCode(() -> assertThat(d).hasWebhookId("msg_1")).doesNotThrowAnyException();
  }

  @Test
  void hasWebhookIdFailsWithTheActualId() {
    ReceivedDelivery d = deliver("msg_1", ORDER);

    assertThatThrownBy(() -> assertThat(d).hasWebhookId("msg_9"))
        .isInstanceOf(AssertionError.class)
        .hasMessage("expected webhook-id 'msg_9' but was 'msg_1'" + N + "delivery: " + d);
  }

  @Test
  void hasHeaderPassesWhateverTheCaseOfTheName() {
    ReceivedDelivery d = deliverSignedWith(transport.secret(), "msg_1", ORDER, Map.of("x-api-key", "k-123"));

    assertThatCode(() -> assertThat(d).hasHeader("X-Api-Key", "k-123").hasHeader("x-api-key", "k-123"))
        .doesNotThrowAnyException();
  }

  @Test
  void hasHeaderFailsWhenTheHeaderIsAbsent() {
    ReceivedDelivery d = deliver("msg_1", ORDER);

    assertThatThrownBy(() -> assertThat(d).hasHeader("x-api-key", "k-123"))
        .isInstanceOf(AssertionError.class)
        .hasMessage("expected header 'x-api-key' to be 'k-123' but it is absent" + N + "headers: " + d.headers());
  }

  @Test
  void hasHeaderFailsWithTheActualValue() {
    ReceivedDelivery d = deliverSignedWith(transport.secret(), "msg_1", ORDER, Map.of("x-api-key", "k-999"));

    assertThatThrownBy(() -> assertThat(d).hasHeader("x-api-key", "k-123"))
        .isInstanceOf(AssertionError.class)
        .hasMessage("expected header 'x-api-key' to be 'k-123' but it was 'k-999'" + N + "headers: " + d.headers());
  }

  // ---- hasJsonField ----

  @Test
  void hasJsonFieldPassesForEveryKindOfValue() {
    ReceivedDelivery d = deliver("msg_1", RICH);

    assertThatCode(() -> assertThat(d)
        .hasJsonField("/type", "order.created")
        .hasJsonField("/data/orderId", "A-1001")
        .hasJsonField("/data/total", 42)
        .hasJsonField("/data/amount", 19.99)
        .hasJsonField("/data/paid", true)
        .hasJsonField("/data/note", null)
        .hasJsonField("/data/tags", List.of("gift", "rush"))
        .hasJsonField("/data/tags/1", "rush")
        .hasJsonField("/data/customer", Map.of("id", 7)))
        .doesNotThrowAnyException();
  }

  @Test
  void hasJsonFieldComparesNumbersByValueWhateverTheirJavaType() {
    ReceivedDelivery d = deliver("msg_1", RICH);

    assertThatCode(() -> assertThat(d)
        .hasJsonField("/data/total", 42L)
        .hasJsonField("/data/total", (short) 42)
        .hasJsonField("/data/amount", new BigDecimal("19.99"))
        .hasJsonField("/data/customer", Map.of("id", 7L)))
        .doesNotThrowAnyException();
  }

  @Test
  void hasJsonFieldFailsWhenTheFieldIsMissing() {
    ReceivedDelivery d = deliver("msg_1", RICH);

    assertThatThrownBy(() -> assertThat(d).hasJsonField("/data/customerId", "c-7"))
        .isInstanceOf(AssertionError.class)
        .hasMessage("expected JSON field /data/customerId to be \"c-7\" but the envelope has no such field" + N
            + "body: " + RICH);
  }

  @Test
  void hasJsonFieldFailsWithTheActualValue() {
    ReceivedDelivery d = deliver("msg_1", RICH);

    assertThatThrownBy(() -> assertThat(d).hasJsonField("/data/orderId", "A-2002"))
        .isInstanceOf(AssertionError.class)
        .hasMessage("expected JSON field /data/orderId to be \"A-2002\" but was \"A-1001\"" + N + "body: " + RICH);
  }

  @Test
  void hasJsonFieldTellsAStringFromANumber() {
    ReceivedDelivery d = deliver("msg_1", ORDER);

    assertThatThrownBy(() -> assertThat(d).hasJsonField("/data/total", "42"))
        .isInstanceOf(AssertionError.class)
        .hasMessageStartingWith("expected JSON field /data/total to be \"42\" but was 42");
  }

  // ---- wasRetried ----

  @Test
  void wasRetriedCountsTheRequestsWithTheSameWebhookId() {
    deliver("msg_1", ORDER);
    deliver("msg_2", INVOICE);
    deliver("msg_1", ORDER);
    deliver("msg_1", ORDER);

    assertThatCode(() -> assertThat(transport).receivedEvent("order.created").wasRetried(2))
        .doesNotThrowAnyException();
    assertThatCode(() -> assertThat(transport).receivedEvent("invoice.paid").wasRetried(0))
        .doesNotThrowAnyException();
  }

  @Test
  void wasRetriedFailsListingTheRequestsWithThatWebhookId() {
    deliver("msg_1", ORDER);
    deliver("msg_2", INVOICE);
    deliver("msg_1", ORDER);

    assertThatThrownBy(() -> assertThat(transport).receivedEvent("order.created").wasRetried(2))
        .isInstanceOf(AssertionError.class)
        .hasMessage("expected webhook-id msg_1 to be retried 2 times (3 requests) but it arrived 2 times:"
            + line(1, "msg_1", "order.created", 1, ORDER) + line(2, "msg_1", "order.created", 2, ORDER));
  }

  @Test
  void wasRetriedOnALoneDeliveryChecksItsRetryNumber() {
    deliver("msg_1", ORDER);
    ReceivedDelivery second = deliver("msg_1", ORDER);

    assertThatCode(() -> assertThat(second).wasRetried(1)).doesNotThrowAnyException();
  }

  @Test
  void wasRetriedOnALoneDeliveryFailsWithItsAttemptNumber() {
    deliver("msg_1", ORDER);
    ReceivedDelivery second = deliver("msg_1", ORDER);

    assertThatThrownBy(() -> assertThat(second).wasRetried(0))
        .isInstanceOf(AssertionError.class)
        .hasMessage("expected retry number 0 (attempt 1) but this is attempt 2" + N + "delivery: " + second);
  }

  // ---- chaining and null ----

  @Test
  void assertionsChainOnOneDelivery() {
    deliverSignedWith(transport.secret(), "msg_1", ORDER, Map.of("x-api-key", "k-123"));

    assertThatCode(() -> assertThat(transport).receivedExactly(1).allSignaturesValid()
        .receivedEvent("order.created").hasValidSignature().hasType("order.created").hasWebhookId("msg_1")
        .hasHeader("x-api-key", "k-123").hasJsonField("/data/orderId", "A-1001").wasRetried(0))
        .doesNotThrowAnyException();
  }

  @Test
  void aNullDeliveryFailsEveryAssertion() {
    assertThatThrownBy(() -> assertThat((ReceivedDelivery) null).hasType("order.created"))
        .isInstanceOf(AssertionError.class).hasMessageContaining("Expecting actual not to be null");
  }
}
