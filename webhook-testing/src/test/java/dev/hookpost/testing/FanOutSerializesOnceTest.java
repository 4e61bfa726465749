package dev.hookpost.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hookpost.ContentFilter;
import dev.hookpost.DeliveryOutcome;
import dev.hookpost.Event;
import dev.hookpost.EventCodec;
import dev.hookpost.Signer;
import dev.hookpost.Subscription;
import dev.hookpost.WebhookPublisher;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;

/** One event to 1,000 subscriptions: one serialization, the same bytes to every endpoint. */
class FanOutSerializesOnceTest {
  final VirtualTime time = VirtualTime.start();
  final RecordingTransport transport = RecordingTransport.create(Signer.generateSecret(), time.clock());
  final AtomicInteger encodes = new AtomicInteger();

  /** Sends one event to 1,000 subscriptions, the i-th with {@code filter.apply(i)} (null: none). */
  List<DeliveryOutcome> sendToAThousand(Event event, IntFunction<ContentFilter> filter) {
    EventCodec jackson = EventCodec.jackson();
    WebhookPublisher.Builder b = WebhookPublisher.builder().transport(transport).clock(time.clock())
        .scheduler(time.scheduler()).codec(e -> {
          encodes.incrementAndGet();
          return jackson.encode(e);
        });
    for (int i = 0; i < 1_000; i++) {
      Subscription s = transport.subscription("https://receiver.example/s/" + i);
      b.subscription(s.toBuilder().id("s" + i).filter(filter.apply(i)).build());
    }
    try (WebhookPublisher publisher = b.build()) {
      return publisher.send(event).outcomes().join();
    }
  }

  @Test
  void oneEventToAThousandSubscriptionsIsSerializedExactlyOnce() {
    List<DeliveryOutcome> outcomes = sendToAThousand(Event.of("order.created", Map.of("orderId", "A-1")), i -> null);

    assertThat(outcomes).hasSize(1_000).allMatch(o -> o instanceof DeliveryOutcome.Delivered);
    assertThat(encodes).hasValue(1);
    assertThat(transport.deliveries()).hasSize(1_000)
        .extracting(ReceivedDelivery::bodyText).containsOnly(transport.deliveries().get(0).bodyText());
  }

  @Test
  void oneEventToAThousandFilteredSubscriptionsIsSerializedOnceAndReachesOnlyThoseItMatches() {
    List<DeliveryOutcome> outcomes = sendToAThousand(Event.of("order.created", Map.of("shard", 3)),
        i -> ContentFilter.eq("/data/shard", i % 4));

    assertThat(outcomes).hasSize(250).allMatch(o -> o instanceof DeliveryOutcome.Delivered)
        .allMatch(o -> Integer.parseInt(o.subscription().id().substring(1)) % 4 == 3);
    assertThat(encodes).hasValue(1);
  }
}
