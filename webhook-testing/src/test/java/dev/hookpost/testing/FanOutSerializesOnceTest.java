package dev.hookpost.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hookpost.DeliveryOutcome;
import dev.hookpost.Event;
import dev.hookpost.EventCodec;
import dev.hookpost.Signer;
import dev.hookpost.WebhookPublisher;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** One event to 1,000 subscriptions: one serialization, the same bytes to every endpoint. */
class FanOutSerializesOnceTest {

  @Test
  void oneEventToAThousandSubscriptionsIsSerializedExactlyOnce() {
    VirtualTime time = VirtualTime.start();
    RecordingTransport transport = RecordingTransport.create(Signer.generateSecret(), time.clock());
    AtomicInteger encodes = new AtomicInteger();
    EventCodec jackson = EventCodec.jackson();
    WebhookPublisher.Builder b = WebhookPublisher.builder().transport(transport).clock(time.clock())
        .scheduler(time.scheduler()).codec(event -> {
          encodes.incrementAndGet();
          return jackson.encode(event);
        });
    for (int i = 0; i < 1_000; i++) {
      b.subscription(transport.subscription("https://receiver.example/s/" + i).toBuilder().id("s" + i).build());
    }

    try (WebhookPublisher publisher = b.build()) {
      List<DeliveryOutcome> outcomes = publisher.send(Event.of("order.created", Map.of("orderId", "A-1"))).outcomes()
          .join();

      assertThat(outcomes).hasSize(1_000).allMatch(o -> o instanceof DeliveryOutcome.Delivered);
    }
    assertThat(encodes).hasValue(1);
    assertThat(transport.deliveries()).hasSize(1_000)
        .extracting(ReceivedDelivery::bodyText).containsOnly(transport.deliveries().get(0).bodyText());
  }
}
