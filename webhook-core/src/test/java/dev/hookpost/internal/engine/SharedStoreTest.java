package dev.hookpost.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hookpost.DeliveryOutcome;
import dev.hookpost.Event;
import dev.hookpost.SendHandle;
import dev.hookpost.WebhookPublisher;
import dev.hookpost.spi.DeliveryStore;
import dev.hookpost.spi.TransportResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Publishers sharing one store: any of them may deliver what another sent, and handles still complete. */
class SharedStoreTest extends EngineFixture {
  final DeliveryStore store = DeliveryStore.inMemory();

  @Test
  void aHandleCompletesWhenAnotherPublisherOnTheSameStoreDeliveredItsEvent() {
    transport.byDefault(transport.hold());
    WebhookPublisher a = builder().store(store).subscription(sub("shipping")).maxInFlight(1).build();
    a.send(Event.of("order.created", Map.of("n", 1)));          // a holds its one claim, on the wire
    SendHandle second = a.send(Event.of("order.created", Map.of("n", 2))); // no room in a: waits in the store
    ScriptedTransport other = new ScriptedTransport();
    try (WebhookPublisher b = builder().transport(other).store(store).subscription(sub("shipping")).build()) {
      assertThat(other.webhookIds()).containsExactly(second.eventId()); // b took it from the store
      assertThat(second.outcomes()).isNotDone();

      time.advance(Duration.ofSeconds(1));                    // a poll interval later...
      transport.held().get(0).complete(TransportResponse.of(204)); // ...a's dispatcher runs again

      assertThat(second.outcomes()).isCompletedWithValueMatching(o -> o.get(0) instanceof DeliveryOutcome.Delivered);
      assertThat(engineOf(a).cacheSizes()).containsExactly(0, 0);
    } finally {
      a.close();
    }
  }

  @Test
  void aPublisherStartedOnTheStoreAClosedOneLeftDeliversWhatThatOneAbandoned() {
    transport.byDefault(transport.hold());
    WebhookPublisher first = builder().store(store).subscription(sub("shipping")).build();
    SendHandle handle = first.send(Event.of("order.created", Map.of()));

    assertThat(first.shutdown(Duration.ZERO)).singleElement()
        .satisfies(a -> assertThat(a.delivery().eventId()).isEqualTo(handle.eventId()));
    assertThat(handle.outcomes().join()).singleElement().isInstanceOf(DeliveryOutcome.Abandoned.class);

    ScriptedTransport next = new ScriptedTransport();
    try (WebhookPublisher second = builder().transport(next).store(store).subscription(sub("shipping")).build()) {
      assertThat(next.webhookIds()).containsExactly(handle.eventId());
    }
    assertThat(heard).extracting(o -> o.getClass().getSimpleName()).containsExactly("Abandoned", "Delivered");
  }
}
