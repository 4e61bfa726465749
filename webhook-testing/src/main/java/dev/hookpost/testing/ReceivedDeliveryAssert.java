package dev.hookpost.testing;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Comparator;
import java.util.List;
import org.assertj.core.api.AbstractAssert;

/**
 * AssertJ assertions on one {@link ReceivedDelivery}; start from
 * {@link WebhookAssertions#assertThat(ReceivedDelivery)} or
 * {@link RecordedDeliveriesAssert#receivedEvent(String)}.
 */
public final class ReceivedDeliveryAssert extends AbstractAssert<ReceivedDeliveryAssert, ReceivedDelivery> {
  /** Jackson's node equality, except that numbers compare by value: 42 equals 42L, 19.99 a BigDecimal 19.99. */
  private static final Comparator<JsonNode> NUMBERS_BY_VALUE = (a, b) -> {
    if (a.equals(b)) {
      return 0;
    }
    if (a.isNumber() && b.isNumber()) {
      try {
        return a.decimalValue().compareTo(b.decimalValue());
      } catch (NumberFormatException e) { // NaN or infinity
        return 1;
      }
    }
    return 1;
  };

  private final List<ReceivedDelivery> all; // every delivery of its source, or null when asserted alone

  ReceivedDeliveryAssert(ReceivedDelivery actual, List<ReceivedDelivery> all) {
    super(actual, ReceivedDeliveryAssert.class);
    this.all = all;
  }

  /**
   * Verifies that the signature and timestamp verified against the receiver's secret.
   *
   * <pre>{@code assertThat(delivery).hasValidSignature();}</pre>
   */
  public ReceivedDeliveryAssert hasValidSignature() {
    isNotNull();
    if (!actual.signatureValid()) {
      failWithMessage("expected a valid signature but verification failed: %s%ndelivery: %s",
          actual.signatureProblem().orElse("?"), actual);
    }
    return this;
  }

  /**
   * Verifies the envelope's event type.
   *
   * <pre>{@code assertThat(delivery).hasType("order.created");}</pre>
   */
  public ReceivedDeliveryAssert hasType(String type) {
    isNotNull();
    if (!actual.type().equals(type)) {
      failWithMessage("expected event type '%s' but was '%s'%ndelivery: %s", type, actual.type(), actual);
    }
    return this;
  }

  /**
   * Verifies the {@code webhook-id} header.
   *
   * <pre>{@code assertThat(delivery).hasWebhookId(handle.eventId());}</pre>
   */
  public ReceivedDeliveryAssert hasWebhookId(String id) {
    isNotNull();
    if (!actual.webhookId().equals(id)) {
      failWithMessage("expected webhook-id '%s' but was '%s'%ndelivery: %s", id, actual.webhookId(), actual);
    }
    return this;
  }

  /**
   * Verifies that header {@code name} (any case) has {@code value}.
   *
   * <pre>{@code assertThat(delivery).hasHeader("x-api-key", "k-123");}</pre>
   */
  public ReceivedDeliveryAssert hasHeader(String name, String value) {
    isNotNull();
    String got = actual.header(name).orElse(null);
    if (!value.equals(got)) {
      failWithMessage("expected header '%s' to be '%s' but %s%nheaders: %s", name, value,
          got == null ? "it is absent" : "it was '" + got + "'", actual.headers());
    }
    return this;
  }

  /**
   * Verifies the value at a JSON pointer into the envelope; {@code expected} may be a string,
   * number, boolean, null, a collection or any Jackson-serializable object.
   *
   * <pre>{@code assertThat(delivery).hasJsonField("/data/orderId", "A-1001");}</pre>
   */
  public ReceivedDeliveryAssert hasJsonField(String pointer, Object expected) {
    isNotNull();
    JsonNode at = actual.json(pointer);
    JsonNode want = ReceivedDelivery.JSON.valueToTree(expected);
    if (at.isMissingNode()) {
      failWithMessage("expected JSON field %s to be %s but the envelope has no such field%nbody: %s", pointer,
          want, actual.bodyText());
    } else if (!at.equals(NUMBERS_BY_VALUE, want)) {
      failWithMessage("expected JSON field %s to be %s but was %s%nbody: %s", pointer, want, at, actual.bodyText());
    }
    return this;
  }

  /**
   * Verifies that this delivery's {@code webhook-id} was retried {@code times} times: it
   * arrived {@code times + 1} times in all. Asserted on a lone delivery, verifies that it is
   * retry number {@code times}.
   *
   * <pre>{@code assertThat(receiver).receivedEvent("order.created").wasRetried(2);}</pre>
   */
  public ReceivedDeliveryAssert wasRetried(int times) {
    isNotNull();
    if (all == null) {
      if (actual.attemptNumber() != times + 1) {
        failWithMessage("expected retry number %d (attempt %d) but this is attempt %d%ndelivery: %s", times,
            times + 1, actual.attemptNumber(), actual);
      }
      return this;
    }
    List<ReceivedDelivery> same = all.stream().filter(d -> d.webhookId().equals(actual.webhookId())
        && pathOf(d).equals(pathOf(actual))).toList();
    if (same.size() != times + 1) {
      failWithMessage("expected webhook-id %s to be retried %d times (%d requests) but it arrived %d times%s",
          actual.webhookId(), times, times + 1, same.size(), DeliveryLog.describe(same));
    }
    return this;
  }

  private static String pathOf(ReceivedDelivery d) {
    int q = d.path().indexOf('?');
    return q < 0 ? d.path() : d.path().substring(0, q);
  }
}
