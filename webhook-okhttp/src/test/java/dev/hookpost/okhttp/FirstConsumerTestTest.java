package dev.hookpost.okhttp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hookpost.DeliveryOutcome;
import dev.hookpost.Event;
import dev.hookpost.WebhookPublisher;
import dev.hookpost.testing.FakeWebhookReceiver;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The first test a new user writes with the production transport (issue 21): with
 * {@code OkHttpTransport.create()} the default guard refuses the receiver, and the failed wait
 * says so; with the receiver's guard, or the one-line publisher, it passes.
 */
class FirstConsumerTestTest {
  static final Event ORDER = Event.of("order.created", Map.of("orderId", "A-1001"));

  @RegisterExtension
  static FakeWebhookReceiver receiver = FakeWebhookReceiver.create();

  @Test
  void theDefaultTransportsRefusalIsQuotedAndItsFixNamedFirst() {
    try (WebhookPublisher publisher = WebhookPublisher.builder().transport(OkHttpTransport.create())
        .subscription(receiver.subscription()).listener(receiver.listener()).build()) {
      assertThat(publisher.send(ORDER).outcomes().join()).singleElement().isInstanceOf(DeliveryOutcome.Rejected.class);
      assertThatThrownBy(() -> receiver.awaitDeliveries(1, Duration.ofMillis(200)))
          .hasMessageContaining("saw no connection at all")
          .hasMessageContaining("  - Rejected event " + ORDER.id() + " to " + receiver.url() + " after 1 attempt(s):"
              + " refused to connect to 127.0.0.1 (127.0.0.1): loopback")
          .hasMessageContaining("Likely causes, most likely first:\n  1. The publisher's address guard refused"
              + " 127.0.0.1")
          .hasMessageContaining("OkHttpTransport.builder().addressGuard(receiver.addressGuard()).build()");
    }
  }

  @Test
  void theTransportTheMessageNamesReachesTheReceiver() {
    try (WebhookPublisher publisher = receiver.publisher()
        .transport(OkHttpTransport.builder().addressGuard(receiver.addressGuard()).build()).build()) {
      publisher.send(ORDER);
      assertThat(receiver.awaitDeliveries(1, Duration.ofSeconds(10))).singleElement()
          .satisfies(d -> assertThat(d.signatureValid()).isTrue());
    }
  }
}
