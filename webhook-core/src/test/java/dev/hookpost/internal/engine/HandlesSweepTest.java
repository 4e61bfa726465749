package dev.hookpost.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hookpost.DeliveryOutcome;
import dev.hookpost.internal.store.DeliveryKey;
import dev.hookpost.spi.DeliveryState;
import dev.hookpost.spi.DeliveryStore;
import dev.hookpost.spi.StoredDelivery;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link Handles#sweep}: completing the sends whose deliveries another publisher ended. */
class HandlesSweepTest {
  private static final Instant NOW = Instant.parse("2030-01-01T00:00:00Z");

  /** Records the size of every {@code ended} read. */
  private static final class Reads extends ForwardingStore {
    final List<Integer> asked = new ArrayList<>();

    Reads(DeliveryStore inner) {
      super(inner);
    }

    @Override
    public List<StoredDelivery> ended(Collection<String> deliveryIds) {
      asked.add(deliveryIds.size());
      return inner.ended(deliveryIds);
    }
  }

  @Test
  void sweepsReadAtMostOneBatchEachAndTogetherCompleteEveryWaitingSend() {
    int sends = Handles.SWEEP_BATCH * 2 + 500;
    Reads store = new Reads(DeliveryStore.inMemory());
    Handles handles = new Handles();
    List<Handles.PendingSend> pending = new ArrayList<>();
    for (int i = 0; i < sends; i++) {
      store.enqueue("evt_" + i, "order.created", new byte[] {'{', '}'}, List.of("sub"), NOW);
      Handles.PendingSend send = new Handles.PendingSend(1);
      handles.await(new DeliveryKey("evt_" + i, "sub"), send, 0, null);
      pending.add(send);
    }
    for (StoredDelivery d : store.claim(NOW, sends, Duration.ofMinutes(1), "other")) { // another publisher ends them
      store.finish(d.deliveryId(), "other", DeliveryState.DELIVERED, null, NOW, null);
    }

    int completed = 0;
    for (int sweep = 0; sweep < 3; sweep++) {
      completed += handles.sweep(store, Dispatcher::placeholder, key -> false, NOW);
    }

    assertThat(store.asked).containsExactly(Handles.SWEEP_BATCH, Handles.SWEEP_BATCH, 500);
    assertThat(completed).isEqualTo(sends);
    assertThat(handles.size()).isZero();
    assertThat(pending).allSatisfy(send -> assertThat(send.join()).singleElement()
        .isInstanceOf(DeliveryOutcome.Delivered.class));
  }

  @Test
  void aSweepOfFewerWaitingSendsThanABatchReadsEachOnce() {
    Reads store = new Reads(DeliveryStore.inMemory());
    Handles handles = new Handles();
    for (int i = 0; i < 10; i++) {
      store.enqueue("evt_" + i, "order.created", new byte[] {'{', '}'}, List.of("sub"), NOW);
      handles.await(new DeliveryKey("evt_" + i, "sub"), new Handles.PendingSend(1), 0, null);
    }

    handles.sweep(store, Dispatcher::placeholder, key -> false, NOW);
    handles.sweep(store, Dispatcher::placeholder, key -> false, NOW);

    assertThat(store.asked).containsExactly(10, 10); // still pending: read again, never twice in one sweep
    assertThat(handles.size()).isEqualTo(10);
  }
}
