package dev.hookpost.jdbc;

import static dev.hookpost.jdbc.DeliveryStoreContract.LEASE;
import static dev.hookpost.jdbc.DeliveryStoreContract.T0;
import static dev.hookpost.jdbc.DeliveryStoreContract.TYPE;
import static dev.hookpost.jdbc.DeliveryStoreContract.attempt;
import static dev.hookpost.jdbc.DeliveryStoreContract.bytes;
import static dev.hookpost.jdbc.DeliveryStoreContract.ids;
import static org.assertj.core.api.Assertions.assertThat;

import dev.hookpost.spi.DeliveryQuery;
import dev.hookpost.spi.DeliveryState;
import dev.hookpost.spi.DeliveryStore;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What every store that keeps ordering keys must do: a delivery with a key is claimed only when
 * no delivery of its subscription and key enqueued before it is still pending. Mixed into
 * {@link DeliveryStoreContract}, so it runs against each store.
 */
interface OrderingKeyContract {

  /** The store under test, empty at the start of each test. */
  DeliveryStore store();

  private void enqueue(String eventId, String key, String... subscriptions) {
    store().enqueue(eventId, TYPE, bytes("{}"), Map.of(), key, List.of(subscriptions), T0);
  }

  private void delivered(String deliveryId, String owner) {
    assertThat(store().finish(deliveryId, owner, DeliveryState.DELIVERED, attempt(1, T0, 204), T0, null)).isTrue();
  }

  @Test
  default void deliveriesWithOneKeyAreClaimedOneAtATimeInEnqueueOrder() {
    enqueue("evt_1", "order-1", "shipping");
    enqueue("evt_2", "order-1", "shipping");
    enqueue("evt_3", "order-2", "shipping");
    enqueue("evt_4", null, "shipping");

    assertThat(ids(store().claim(T0, 10, LEASE, "a"))).containsExactly("evt_1/shipping", "evt_3/shipping",
        "evt_4/shipping");
    assertThat(store().claim(T0, 10, LEASE, "a")).isEmpty();

    delivered("evt_1/shipping", "a");

    assertThat(ids(store().claim(T0, 10, LEASE, "a"))).containsExactly("evt_2/shipping");
  }

  @Test
  default void aClaimedDeliveryCarriesItsKey() {
    enqueue("evt_1", "order-1", "shipping");

    assertThat(store().claim(T0, 10, LEASE, "a")).singleElement()
        .satisfies(d -> assertThat(d.orderingKey()).isEqualTo("order-1"));
  }

  @Test
  default void aRetryKeepsTheLaterDeliveriesOfItsKeyWaitingAndOutOfNextDue() {
    enqueue("evt_1", "order-1", "shipping");
    enqueue("evt_2", "order-1", "shipping");
    store().claim(T0, 10, LEASE, "a");

    store().retry("evt_1/shipping", "a", attempt(1, T0, 503), T0, T0.plusSeconds(5));

    assertThat(store().claim(T0.plusSeconds(1), 10, LEASE, "a")).isEmpty();
    assertThat(store().nextDue()).contains(T0.plusSeconds(5));
    assertThat(ids(store().claim(T0.plusSeconds(5), 10, LEASE, "a"))).containsExactly("evt_1/shipping");
  }

  @Test
  default void aDeliveryThatEndedWithoutSuccessLetsTheNextOfItsKeyGo() {
    enqueue("evt_1", "order-1", "shipping");
    enqueue("evt_2", "order-1", "shipping");
    store().claim(T0, 10, LEASE, "a");

    store().finish("evt_1/shipping", "a", DeliveryState.FAILED, attempt(8, T0, 500), T0, "gave up");

    assertThat(ids(store().claim(T0, 10, LEASE, "a"))).containsExactly("evt_2/shipping");
  }

  @Test
  default void aKeyHoldsBackOnlyItsOwnSubscription() {
    enqueue("evt_1", "order-1", "shipping", "billing");
    enqueue("evt_2", "order-1", "shipping", "billing");
    assertThat(store().claim(T0, 10, LEASE, "a")).hasSize(2);

    delivered("evt_1/billing", "a");

    assertThat(ids(store().claim(T0, 10, LEASE, "a"))).containsExactly("evt_2/billing");
  }

  @Test
  default void anExpiredLeaseHandsOverTheFirstOfItsKeyNotTheNext() {
    enqueue("evt_1", "order-1", "shipping");
    enqueue("evt_2", "order-1", "shipping");
    store().claim(T0, 10, LEASE, "a");

    assertThat(ids(store().claim(T0.plus(LEASE).plusSeconds(1), 10, LEASE, "b"))).containsExactly("evt_1/shipping");
  }

  @Test
  default void aRequeuedDeliveryWaitsForNothingButEarlierOnesOfItsKey() {
    enqueue("evt_1", "order-1", "shipping");
    store().claim(T0, 10, LEASE, "a");
    store().finish("evt_1/shipping", "a", DeliveryState.FAILED, attempt(8, T0, 500), T0, "gave up");
    enqueue("evt_2", "order-1", "shipping");
    enqueue("evt_3", "order-1", "shipping");

    store().requeue(DeliveryQuery.inState(DeliveryState.FAILED), T0);

    assertThat(ids(store().claim(T0, 10, LEASE, "a"))).containsExactly("evt_1/shipping");
  }

  @Test
  default void skipPendingAlsoEndsTheDeliveriesWaitingBehindAnEarlierOneOfTheirKey() {
    enqueue("evt_1", "order-1", "shipping", "billing");
    enqueue("evt_2", "order-1", "shipping", "billing");
    enqueue("evt_3", "order-1", "shipping");
    store().claim(T0, 10, LEASE, "a");

    assertThat(store().skipPending("shipping", "subscription was removed", T0))
        .extracting(d -> d.deliveryId()).containsExactlyInAnyOrder("evt_2/shipping", "evt_3/shipping");
    delivered("evt_1/shipping", "a");

    assertThat(store().claim(T0, 10, LEASE, "a")).as("billing's evt_2 still waits for its evt_1").isEmpty();
    assertThat(store().lookup(List.of("evt_1/billing", "evt_2/billing"))).extracting(d -> d.state())
        .containsOnly(DeliveryState.PENDING);
  }

  @Test
  default void skippedDeliveriesOfAKeyRequeuedGoOneAtATimeAgain() {
    enqueue("evt_1", "order-1", "shipping");
    enqueue("evt_2", "order-1", "shipping");
    store().skipPending("shipping", "subscription was removed", T0);

    assertThat(store().requeue(DeliveryQuery.inState(DeliveryState.SKIPPED), T0)).isEqualTo(2);

    assertThat(ids(store().claim(T0, 10, LEASE, "a"))).containsExactly("evt_1/shipping");
  }
}
