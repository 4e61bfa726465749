package dev.hookpost.testing;

/**
 * The entry point of Hookpost's AssertJ assertions.
 *
 * <pre>{@code
 * import static dev.hookpost.testing.WebhookAssertion.assertThat;
 *
 * assertThat(receiver).receivedEvent("order.created")
 *     .hasValidSignature()
 *     .hasJsonField("/data/orderId", "A-1001");
 * }</pre>
 *
 * <p>Needs {@code org.assertj:assertj-core} on the test class path.
 */
public final class WebhookAssertions {
  private WebhookAssertions() {}

  /** Assertions on everything a {@link FakeWebhookReceiver} or {@link RecordingTransport} received. */
  public static RecordedDeliveriesAssert assertThat(RecordedDeliveries actual) {
    return new RecordedDeliveriesAssert(actual);
  }

  /** Assertions on one received delivery. */
  public static ReceivedDeliveryAssert assertThat(ReceivedDelivery actual) {
    return new ReceivedDeliveryAssert(actual, null);
  }
}
