package dev.hookpost.examples;

import static dev.hookpost.testing.WebhookAssertions.assertThat;

import dev.hookpost.Event;
import dev.hookpost.RetryPolicy;
import dev.hookpost.WebhookPublisher;
import dev.hookpost.testing.Answer;
import dev.hookpost.testing.FakeWebhookReceiver;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The consumer test from the README's "Testing your webhooks" section, exactly as printed there. */
class OrderWebhooksTest {
  @RegisterExtension
  static FakeWebhookReceiver receiver = FakeWebhookReceiver.create();

  @Test
  void placingAnOrderNotifiesShipping() {
    receiver.respondWith(Answer.status(503)); // the first try fails
    try (WebhookPublisher publisher = receiver.publisher()
        .retryPolicy(RetryPolicy.fixedSchedule(Duration.ofMillis(10)))
        .build()) {
      publisher.send(Event.of("order.created", Map.of("orderId", "A-1001")));
      receiver.awaitDeliveries(2, Duration.ofSeconds(5));
    }
    assertThat(receiver).receivedEvent("order.created")
        .hasValidSignature()
        .hasJsonField("/data/orderId", "A-1001")
        .wasRetried(1);
  }
}
