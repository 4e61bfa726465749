package dev.hookpost.testing;

import java.util.Comparator;
import java.util.List;
import org.assertj.core.api.AbstractAssert;

/**
 * AssertJ assertions on what a receiver or recording transport got; start from
 * {@link WebhookAssertions#assertThat(RecordedDeliveries)}. They check the deliveries already
 * received: wait first with {@link RecordedDeliveries#awaitDeliveries}. Failure messages list
 * every delivery that did arrive.
 */
public final class RecordedDeliveriesAssert extends AbstractAssert<RecordedDeliveriesAssert, RecordedDeliveries> {

  RecordedDeliveriesAssert(RecordedDeliveries actual) {
    super(actual, RecordedDeliveriesAssert.class);
  }

  /**
   * Verifies that exactly {@code count} requests arrived (retries included).
   *
   * <pre>{@code assertThat(receiver).receivedExactly(3);}</pre>
   */
  public RecordedDeliveriesAssert receivedExactly(int count) {
    isNotNull();
    List<ReceivedDelivery> got = actual.deliveries();
    if (got.size() != count) {
      failWithMessage("expected exactly %d deliveries but %d arrived%s", count, got.size(), DeliveryLog.describe(got));
    }
    return this;
  }

  /**
   * Verifies that no request arrived.
   *
   * <pre>{@code assertThat(receiver).receivedNothing();}</pre>
   */
  public RecordedDeliveriesAssert receivedNothing() {
    return receivedExactly(0);
  }

  /**
   * Verifies that every request arrived with a valid signature and timestamp.
   *
   * <pre>{@code assertThat(receiver).allSignaturesValid();}</pre>
   */
  public RecordedDeliveriesAssert allSignaturesValid() {
    isNotNull();
    List<ReceivedDelivery> got = actual.deliveries();
    List<ReceivedDelivery> bad = got.stream().filter(d -> !d.signatureValid()).toList();
    if (!bad.isEmpty()) {
      failWithMessage("expected every signature to verify but %d of %d did not%s", bad.size(), got.size(),
          DeliveryLog.describe(bad));
    }
    return this;
  }

  /**
   * Verifies that an event of {@code type} arrived, and returns assertions on the first such
   * delivery. When none did, the message lists what arrived and the closest type.
   *
   * <pre>{@code assertThat(receiver).receivedEvent("order.created").hasValidSignature();}</pre>
   */
  public ReceivedDeliveryAssert receivedEvent(String type) {
    isNotNull();
    List<ReceivedDelivery> got = actual.deliveries();
    for (ReceivedDelivery d : got) {
      if (d.type().equals(type)) {
        return new ReceivedDeliveryAssert(d, got);
      }
    }
    String closest = got.stream().map(ReceivedDelivery::type).distinct()
        .min(Comparator.comparingInt(t -> distance(t, type)))
        .map(t -> "\nclosest type received: '" + t + "' (expected '" + type + "')")
        .orElse("");
    failWithMessage("expected an event of type '%s' but %d deliveries arrived%s%s", type, got.size(),
        DeliveryLog.describe(got), closest);
    return null; // unreachable: failWithMessage throws
  }

  /** Levenshtein distance, to point at the nearest type in a failure message. */
  private static int distance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }
}
