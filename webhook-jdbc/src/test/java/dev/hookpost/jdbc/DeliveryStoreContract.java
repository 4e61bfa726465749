package dev.hookpost.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hookpost.spi.AttemptRecord;
import dev.hookpost.spi.DeliveryQuery;
import dev.hookpost.spi.DeliveryState;
import dev.hookpost.spi.DeliveryStore;
import dev.hookpost.spi.StoredDelivery;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link DeliveryStore} must do, whatever keeps the deliveries. Each subclass runs
 * these against one store; times are whole milliseconds, as a database keeps them.
 */
abstract class DeliveryStoreContract implements OrderingKeyContract {
  static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");
  static final Duration LEASE = Duration.ofMinutes(1);
  static final String TYPE = "order.created";

  final MutableClock clock = new MutableClock(T0);
  DeliveryStore store;

  @Override
  public DeliveryStore store() {
    return store;
  }

  /** A store with no deliveries, whose own clock (if it has one) is {@code clock}. */
  abstract DeliveryStore newStore(MutableClock clock) throws Exception;

  @BeforeEach
  void openStore() throws Exception {
    store = newStore(clock);
  }

  // ---- enqueue and claim ----

  @Test
  void enqueueReportsWhichSubscriptionsGotANewDelivery() {
    assertThat(store.enqueue("evt_1", TYPE, bytes("{}"), List.of("shipping"), T0)).containsExactly("shipping");
    assertThat(store.enqueue("evt_1", TYPE, bytes("{}"), List.of("shipping", "billing"), T0))
        .containsExactly("billing");
  }

  @Test
  void enqueuedDeliveryIsClaimedWithItsPayloadIntact() {
    byte[] payload = new byte[256];
    for (int i = 0; i < payload.length; i++) {
      payload[i] = (byte) i; // every byte value, NUL and invalid UTF-8 included
    }
    store.enqueue("evt_1", TYPE, payload, List.of("shipping"), T0);

    List<StoredDelivery> claimed = store.claim(T0, 10, LEASE, "a");

    assertThat(claimed).hasSize(1);
    StoredDelivery d = claimed.get(0);
    assertThat(d.payload()).isEqualTo(payload);
    assertThat(d.deliveryId()).isEqualTo("evt_1/shipping");
    assertThat(d.eventId()).isEqualTo("evt_1");
    assertThat(d.eventType()).isEqualTo(TYPE);
    assertThat(d.subscriptionId()).isEqualTo("shipping");
    assertThat(d.state()).isEqualTo(DeliveryState.PENDING);
    assertThat(d.attempts()).isZero();
    assertThat(d.createdAt()).isEqualTo(T0);
    assertThat(d.nextAttemptAt()).isEqualTo(T0);
    assertThat(d.firstAttemptAt()).isNull();
    assertThat(d.lastStatus()).isZero();
    assertThat(d.lastError()).isNull();
  }

  @Test
  void enqueueingTheSameEventAndSubscriptionAgainChangesNothing() {
    store.enqueue("evt_1", TYPE, bytes("first"), List.of("shipping"), T0);
    store.enqueue("evt_1", TYPE, bytes("second"), List.of("shipping"), T0.plusSeconds(5));

    List<StoredDelivery> pending = store.find(DeliveryQuery.inState(DeliveryState.PENDING));

    assertThat(pending).hasSize(1);
    assertThat(pending.get(0).payload()).isEqualTo(bytes("first"));
    assertThat(pending.get(0).nextAttemptAt()).isEqualTo(T0);
    assertThat(store.claim(T0, 10, LEASE, "a")).hasSize(1);
  }

  @Test
  void enqueueingAKnownEventAddsOnlyItsNewSubscriptions() {
    store.enqueue("evt_1", TYPE, bytes("x"), List.of("shipping"), T0);
    store.enqueue("evt_1", TYPE, bytes("x"), List.of("shipping", "billing"), T0);

    assertThat(store.claim(T0, 10, LEASE, "a")).extracting(StoredDelivery::deliveryId)
        .containsExactlyInAnyOrder("evt_1/shipping", "evt_1/billing");
  }

  @Test
  void deliveriesOfOneEventShareOnePayloadInAClaim() {
    store.enqueue("evt_1", TYPE, bytes("shared"), List.of("shipping", "billing"), T0);

    List<StoredDelivery> claimed = store.claim(T0, 10, LEASE, "a");

    assertThat(claimed).hasSize(2);
    assertThat(claimed.get(0).payload()).isSameAs(claimed.get(1).payload());
  }

  @Test
  void claimReturnsOnlyDeliveriesDueAtNow() {
    enqueue("evt_now", T0);
    enqueue("evt_later", T0.plusSeconds(10));

    assertThat(ids(store.claim(T0, 10, LEASE, "a"))).containsExactly("evt_now/shipping");
    assertThat(store.claim(T0.plusSeconds(9), 10, LEASE, "a")).isEmpty();
    assertThat(ids(store.claim(T0.plusSeconds(10), 10, LEASE, "a"))).containsExactly("evt_later/shipping");
  }

  @Test
  void claimReturnsAtMostLimitOldestDueFirst() {
    enqueue("evt_3", T0.plusMillis(3));
    enqueue("evt_1", T0.plusMillis(1));
    enqueue("evt_2", T0.plusMillis(2));
    Instant now = T0.plusSeconds(1);

    assertThat(ids(store.claim(now, 2, LEASE, "a"))).containsExactly("evt_1/shipping", "evt_2/shipping");
    assertThat(ids(store.claim(now, 2, LEASE, "a"))).containsExactly("evt_3/shipping");
  }

  // ---- leases ----

  @Test
  void leasedDeliveryIsNotClaimedAgainBeforeItsLeaseExpires() {
    enqueue("evt_1", T0);
    store.claim(T0, 10, LEASE, "a");

    assertThat(store.claim(T0.plus(LEASE).minusMillis(1), 10, LEASE, "b")).isEmpty();
  }

  @Test
  void aShortLeaseExpiresOnTimeBehindALongerOneClaimedBeforeIt() {
    enqueue("evt_1", T0);
    enqueue("evt_2", T0);
    assertThat(ids(store.claim(T0, 1, LEASE.multipliedBy(10), "a"))).containsExactly("evt_1/shipping");
    assertThat(ids(store.claim(T0, 1, LEASE, "b"))).containsExactly("evt_2/shipping");

    assertThat(ids(store.claim(T0.plus(LEASE), 10, LEASE, "c"))).containsExactly("evt_2/shipping");
  }

  @Test
  void aLeaseGivenWithAnEarlierClockExpiresOnTimeBehindALaterOne() {
    enqueue("evt_1", T0);
    enqueue("evt_2", T0);
    assertThat(ids(store.claim(T0.plusSeconds(10), 1, LEASE, "a"))).containsExactly("evt_1/shipping");
    assertThat(ids(store.claim(T0, 1, LEASE, "b"))).containsExactly("evt_2/shipping"); // a claimer's clock behind

    assertThat(ids(store.claim(T0.plus(LEASE), 10, LEASE, "c"))).containsExactly("evt_2/shipping");
  }

  @Test
  void leasesExpireOnTimeAfterOnesGivenOutOfOrderHaveEnded() {
    enqueue("evt_1", T0);
    enqueue("evt_2", T0);
    store.claim(T0.plusSeconds(10), 1, LEASE, "a"); // evt_1, until T0 + 10 s + LEASE
    store.claim(T0, 1, LEASE, "b");                 // evt_2, until T0 + LEASE: out of order

    assertThat(ids(store.claim(T0.plus(LEASE), 10, LEASE, "c"))).containsExactly("evt_2/shipping");
    assertThat(ids(store.claim(T0.plus(LEASE).plusSeconds(10), 10, LEASE, "d"))).containsExactly("evt_1/shipping");
    assertThat(ids(store.claim(T0.plus(LEASE.multipliedBy(2)), 10, LEASE, "e"))).containsExactly("evt_2/shipping");
  }

  @Test
  void anExpiredLeaseThatNoClaimTookOverStillLetsItsOwnerRecordTheEnd() {
    enqueue("evt_1", T0);
    enqueue("evt_2", T0.plusMillis(1));
    store.claim(T0.plusMillis(1), 10, LEASE, "a");

    assertThat(ids(store.claim(T0.plus(LEASE).plusSeconds(1), 1, LEASE, "b"))).containsExactly("evt_1/shipping");
    assertThat(store.finish("evt_2/shipping", "a", DeliveryState.DELIVERED, attempt(1, T0, 204), T0, null)).isTrue();
    assertThat(store.claim(T0.plus(LEASE).plusSeconds(2), 10, LEASE, "b")).isEmpty();
  }

  @Test
  void expiredLeaseIsTakenOverByAnotherOwner() {
    enqueue("evt_1", T0);
    store.claim(T0, 10, LEASE, "a");

    List<StoredDelivery> takenOver = store.claim(T0.plus(LEASE), 10, LEASE, "b");

    assertThat(ids(takenOver)).containsExactly("evt_1/shipping");
    assertThat(store.retry("evt_1/shipping", "a", attempt(1, T0, 500), T0, T0.plusSeconds(5))).isFalse();
    assertThat(store.finish("evt_1/shipping", "b", DeliveryState.FAILED, attempt(1, T0.plus(LEASE), 500),
        T0.plus(LEASE), "gave up")).isTrue();
  }

  @Test
  void retryByAnOwnerWithoutTheLeaseReturnsFalseAndChangesNothing() {
    enqueue("evt_1", T0);
    store.claim(T0, 10, LEASE, "a");

    boolean changed = store.retry("evt_1/shipping", "b", attempt(1, T0, 503), T0, T0.plusSeconds(5));

    assertThat(changed).isFalse();
    StoredDelivery d = only(store.find(DeliveryQuery.inState(DeliveryState.PENDING)));
    assertThat(d.attempts()).isZero();
    assertThat(d.nextAttemptAt()).isEqualTo(T0);
    assertThat(d.lastStatus()).isZero();
    assertThat(store.history("evt_1/shipping")).isEmpty();
    assertThat(store.claim(T0.plusSeconds(5), 10, LEASE, "c")).as("a still holds the lease").isEmpty();
  }

  @Test
  void retryReleasesTheLeaseAndReschedules() {
    enqueue("evt_1", T0);
    store.claim(T0, 10, LEASE, "a");
    Instant next = T0.plusSeconds(30);

    assertThat(store.retry("evt_1/shipping", "a", attempt(1, T0, 503), T0, next)).isTrue();

    assertThat(store.claim(next.minusMillis(1), 10, LEASE, "b")).isEmpty();
    StoredDelivery d = only(store.claim(next, 10, LEASE, "b"));
    assertThat(d.attempts()).isEqualTo(1);
    assertThat(d.lastStatus()).isEqualTo(503);
    assertThat(d.firstAttemptAt()).isEqualTo(T0);
    assertThat(d.nextAttemptAt()).isEqualTo(next);
    assertThat(store.history("evt_1/shipping")).containsExactly(attempt(1, T0, 503));
  }

  @Test
  void retryWithoutAnAttemptOnlyReleasesTheLease() {
    enqueue("evt_1", T0);
    store.claim(T0, 10, LEASE, "a");

    assertThat(store.retry("evt_1/shipping", "a", null, null, T0.plusSeconds(5))).isTrue();

    StoredDelivery d = only(store.claim(T0.plusSeconds(5), 10, LEASE, "b"));
    assertThat(d.attempts()).isZero();
    assertThat(d.firstAttemptAt()).isNull();
    assertThat(store.history("evt_1/shipping")).isEmpty();
  }

  @Test
  void finishRecordsStateReasonAttemptsAndHistory() {
    enqueue("evt_1", T0);
    store.claim(T0, 10, LEASE, "a");
    store.retry("evt_1/shipping", "a", attempt(1, T0, 500), T0, T0.plusSeconds(10));
    store.claim(T0.plusSeconds(10), 10, LEASE, "a");
    AttemptRecord second = new AttemptRecord(2, T0.plusSeconds(10), Duration.ofMillis(250), 0,
        "java.net.ConnectException: Connection refused");

    boolean changed = store.finish("evt_1/shipping", "a", DeliveryState.FAILED, second, T0,
        "the retry policy gave up after 2 attempt(s)");

    assertThat(changed).isTrue();
    StoredDelivery d = only(store.find(DeliveryQuery.deadLetters()));
    assertThat(d.state()).isEqualTo(DeliveryState.FAILED);
    assertThat(d.attempts()).isEqualTo(2);
    assertThat(d.lastStatus()).isZero();
    assertThat(d.lastError()).isEqualTo("the retry policy gave up after 2 attempt(s)");
    assertThat(d.firstAttemptAt()).isEqualTo(T0);
    assertThat(d.updatedAt()).isEqualTo(T0.plusSeconds(10).plusMillis(250));
    assertThat(store.history("evt_1/shipping")).containsExactly(attempt(1, T0, 500), second);
  }

  @Test
  void finishByAnOwnerWithoutTheLeaseReturnsFalse() {
    enqueue("evt_1", T0);
    store.claim(T0, 10, LEASE, "a");

    assertThat(store.finish("evt_1/shipping", "b", DeliveryState.FAILED, attempt(1, T0, 500), T0, "no")).isFalse();

    assertThat(store.find(DeliveryQuery.inState(DeliveryState.PENDING))).hasSize(1);
    assertThat(store.find(DeliveryQuery.deadLetters())).isEmpty();
  }

  @Test
  void finishRefusesPendingAsAnEnd() {
    enqueue("evt_1", T0);
    store.claim(T0, 10, LEASE, "a");

    assertThatThrownBy(() -> store.finish("evt_1/shipping", "a", DeliveryState.PENDING, null, null, null))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("PENDING");
  }

  @Test
  void finishedDeliveryIsNeverClaimedAgain() {
    ended("evt_1", "shipping", T0, DeliveryState.REJECTED);

    assertThat(store.claim(T0.plus(Duration.ofDays(1)), 10, LEASE, "b")).isEmpty();
    assertThat(store.nextDue()).isEmpty();
  }

  // ---- nextDue ----

  @Test
  void nextDueIsTheEarliestDueTime() {
    enqueue("evt_2", T0.plusSeconds(20));
    enqueue("evt_1", T0.plusSeconds(10));

    assertThat(store.nextDue()).contains(T0.plusSeconds(10));
  }

  @Test
  void nextDueIgnoresLeasedDeliveries() {
    enqueue("evt_1", T0);
    enqueue("evt_2", T0.plusSeconds(10));
    store.claim(T0, 10, LEASE, "a");

    assertThat(store.nextDue()).contains(T0.plusSeconds(10));
  }

  @Test
  void nextDueIsEmptyWhenNothingIsPending() {
    assertThat(store.nextDue()).isEqualTo(Optional.empty());
  }

  // ---- find ----

  @Test
  void findFiltersByState() {
    ended("evt_1", "shipping", T0, DeliveryState.FAILED);
    ended("evt_2", "shipping", T0.plusSeconds(1), DeliveryState.REJECTED);
    enqueue("evt_3", T0.plusSeconds(2));

    assertThat(ids(store.find(DeliveryQuery.inState(DeliveryState.FAILED)))).containsExactly("evt_1/shipping");
    assertThat(ids(store.find(DeliveryQuery.deadLetters()))).containsExactly("evt_1/shipping", "evt_2/shipping");
    assertThat(ids(store.find(DeliveryQuery.inState(DeliveryState.PENDING)))).containsExactly("evt_3/shipping");
  }

  @Test
  void findFiltersBySubscription() {
    ended("evt_1", "shipping", T0, DeliveryState.FAILED);
    ended("evt_1", "billing", T0.plusSeconds(1), DeliveryState.FAILED);

    assertThat(ids(store.find(DeliveryQuery.deadLetters().forSubscription("billing"))))
        .containsExactly("evt_1/billing");
  }

  @Test
  void findFiltersByCreatedRangeFromInclusiveBeforeExclusive() {
    ended("evt_1", "shipping", T0, DeliveryState.FAILED);
    ended("evt_2", "shipping", T0.plusSeconds(60), DeliveryState.FAILED);
    ended("evt_3", "shipping", T0.plusSeconds(120), DeliveryState.FAILED);

    List<StoredDelivery> found = store.find(
        DeliveryQuery.deadLetters().createdBetween(T0.plusSeconds(60), T0.plusSeconds(120)));

    assertThat(ids(found)).containsExactly("evt_2/shipping");
  }

  @Test
  void findReturnsAtMostLimitOldestFirst() {
    for (int i = 1; i <= 5; i++) {
      ended("evt_" + i, "shipping", T0.plusSeconds(i), DeliveryState.FAILED);
    }

    assertThat(ids(store.find(DeliveryQuery.deadLetters().limit(3))))
        .containsExactly("evt_1/shipping", "evt_2/shipping", "evt_3/shipping");
  }

  @Test
  void countCountsEveryMatchingDeliveryWhateverTheQueryLimit() {
    for (int i = 1; i <= 3; i++) {
      ended("evt_" + i, "shipping", T0.plusSeconds(i), DeliveryState.FAILED);
    }
    enqueue("evt_pending", T0);

    assertThat(store.count(DeliveryQuery.deadLetters().limit(1))).isEqualTo(3);
    assertThat(store.count(DeliveryQuery.inState(DeliveryState.PENDING))).isEqualTo(1);
    assertThat(store.count(DeliveryQuery.deadLetters().forSubscription("billing"))).isZero();
  }

  // ---- metadata ----

  @Test
  void metadataKeptWithTheEventComesBackWithEveryDeliveryAndEveryRead() {
    Map<String, String> metadata = Map.of("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
        "tracestate", "congo=t61rcWkgMzE,rojo=00f067aa0ba902b7", "note", "a=b&c d%é");
    store.enqueue("evt_1", TYPE, bytes("{}"), metadata, null, List.of("shipping", "billing"), T0);

    assertThat(store.claim(T0, 10, LEASE, "a")).hasSize(2).allSatisfy(d -> assertThat(d.metadata()).isEqualTo(metadata));
    assertThat(only(store.lookup(List.of("evt_1/billing"))).metadata()).isEqualTo(metadata);
    assertThat(store.find(DeliveryQuery.inState(DeliveryState.PENDING))).allSatisfy(
        d -> assertThat(d.metadata()).isEqualTo(metadata));
  }

  @Test
  void anEventEnqueuedWithoutMetadataHasNone() {
    enqueue("evt_1", T0);

    assertThat(only(store.claim(T0, 10, LEASE, "a")).metadata()).isEmpty();
  }

  // ---- requeue ----

  @Test
  void requeueBringsDeadLettersBackWithAttemptsZero() {
    ended("evt_1", "shipping", T0, DeliveryState.FAILED);
    Instant due = T0.plus(Duration.ofHours(1));

    assertThat(store.requeue(DeliveryQuery.deadLetters(), due)).isEqualTo(1);

    StoredDelivery d = only(store.claim(due, 10, LEASE, "b"));
    assertThat(d.state()).isEqualTo(DeliveryState.PENDING);
    assertThat(d.attempts()).isZero();
    assertThat(d.firstAttemptAt()).isNull();
    assertThat(d.nextAttemptAt()).isEqualTo(due);
    assertThat(store.history("evt_1/shipping")).as("history is kept").hasSize(1);
    assertThat(store.find(DeliveryQuery.deadLetters())).isEmpty();
  }

  @Test
  void aDeliveryStoredAsEndedIsADeadLetterWithNoAttemptThatRequeueMakesClaimable() {
    assertThat(store.enqueueEnded("evt_1", TYPE, bytes("{\"n\":1}"), Map.of(), null, "shipping",
        DeliveryState.FAILED, "backlog full", T0)).isTrue();

    assertThat(store.claim(T0.plusSeconds(1), 10, LEASE, "a")).as("an ended delivery is never claimed").isEmpty();
    StoredDelivery dead = only(store.find(DeliveryQuery.deadLetters()));
    assertThat(dead.deliveryId()).isEqualTo("evt_1/shipping");
    assertThat(dead.state()).isEqualTo(DeliveryState.FAILED);
    assertThat(dead.attempts()).isZero();
    assertThat(dead.lastError()).isEqualTo("backlog full");
    assertThat(store.countFailing("shipping")).as("not pending, so not failing").isZero();

    assertThat(store.requeue(DeliveryQuery.deadLetters(), T0.plusSeconds(2))).isEqualTo(1);
    assertThat(only(store.claim(T0.plusSeconds(2), 10, LEASE, "a")).payload()).isEqualTo(bytes("{\"n\":1}"));
  }

  @Test
  void aDeliveryStoredAsEndedLeavesAnExistingDeliveryOfTheSameEventAndSubscriptionAlone() {
    enqueue("evt_1", T0);

    assertThat(store.enqueueEnded("evt_1", TYPE, bytes("{}"), Map.of(), null, "shipping", DeliveryState.FAILED,
        "backlog full", T0)).isFalse();

    assertThat(store.find(DeliveryQuery.deadLetters())).isEmpty();
    assertThat(ids(store.claim(T0, 10, LEASE, "a"))).containsExactly("evt_1/shipping");
  }

  @Test
  void requeueTouchesOnlyMatchingDeadLetters() {
    ended("evt_1", "shipping", T0, DeliveryState.FAILED);
    ended("evt_2", "billing", T0.plusSeconds(1), DeliveryState.FAILED);
    enqueue("evt_3", T0.plusSeconds(2));

    int n = store.requeue(DeliveryQuery.inState(DeliveryState.FAILED, DeliveryState.PENDING)
        .forSubscription("shipping"), T0.plusSeconds(3));

    assertThat(n).isEqualTo(1);
    assertThat(ids(store.find(DeliveryQuery.deadLetters()))).containsExactly("evt_2/billing");
    assertThat(only(store.find(DeliveryQuery.inState(DeliveryState.PENDING).forSubscription("shipping")
        .createdBetween(T0.plusSeconds(2), null))).nextAttemptAt()).as("the pending one keeps its due time")
        .isEqualTo(T0.plusSeconds(2));
  }

  @Test
  void skipPendingEndsTheSubscriptionsUnleasedDeliveriesAndRequeueTakesThemBack() {
    enqueue("evt_1", T0);
    enqueue("evt_2", T0.plusSeconds(1));
    store.enqueue("evt_3", TYPE, bytes("{}"), List.of("billing"), T0.plusSeconds(1));
    assertThat(ids(store.claim(T0.plusSeconds(1), 1, LEASE, "a"))).containsExactly("evt_1/shipping");

    List<StoredDelivery> skipped = store.skipPending("shipping", "subscription was removed", T0.plusSeconds(2));

    assertThat(ids(skipped)).as("the leased one ends as its attempt decides").containsExactly("evt_2/shipping");
    assertThat(store.find(DeliveryQuery.inState(DeliveryState.SKIPPED))).singleElement()
        .satisfies(d -> assertThat(d.lastError()).isEqualTo("subscription was removed"));
    assertThat(store.requeue(DeliveryQuery.inState(DeliveryState.SKIPPED), T0.plusSeconds(3))).isEqualTo(1);
    assertThat(store.find(DeliveryQuery.inState(DeliveryState.SKIPPED))).isEmpty();
  }

  // ---- purge ----

  @Test
  void purgeDeletesOldFinishedDeliveriesAndTheirHistory() {
    ended("evt_1", "shipping", T0, DeliveryState.FAILED);

    int deleted = store.purge(T0.plus(Duration.ofDays(1)));

    assertThat(deleted).isEqualTo(1);
    assertThat(store.find(DeliveryQuery.deadLetters())).isEmpty();
    assertThat(store.history("evt_1/shipping")).isEmpty();
  }

  @Test
  void purgeKeepsPendingAndRecentDeliveriesButDropsTheirOldHistory() {
    enqueue("evt_pending", T0);
    store.claim(T0, 10, LEASE, "a");
    store.retry("evt_pending/shipping", "a", attempt(1, T0, 503), T0, T0.plus(Duration.ofDays(3)));
    ended("evt_recent", "shipping", T0.plus(Duration.ofDays(2)), DeliveryState.FAILED);

    int deleted = store.purge(T0.plus(Duration.ofDays(1)));

    assertThat(deleted).isZero();
    assertThat(ids(store.find(DeliveryQuery.inState(DeliveryState.PENDING)))).containsExactly("evt_pending/shipping");
    assertThat(ids(store.find(DeliveryQuery.deadLetters()))).containsExactly("evt_recent/shipping");
    assertThat(store.history("evt_pending/shipping")).isEmpty();
    assertThat(store.history("evt_recent/shipping")).hasSize(1);
  }

  // ---- helpers ----

  static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  void enqueue(String eventId, Instant at) {
    store.enqueue(eventId, TYPE, bytes("{\"id\":\"" + eventId + "\"}"), List.of("shipping"), at);
  }

  /**
   * Enqueues a delivery at {@code at}, attempts it once at {@code at} and ends it in
   * {@code state}; any other delivery due then is handed back untouched.
   */
  void ended(String eventId, String subscription, Instant at, DeliveryState state) {
    String id = StoredDelivery.idOf(eventId, subscription);
    store.enqueue(eventId, TYPE, bytes("{}"), List.of(subscription), at);
    List<StoredDelivery> due = store.claim(at, 1000, LEASE, "setup");
    for (StoredDelivery d : due) {
      if (!d.deliveryId().equals(id)) {
        store.retry(d.deliveryId(), "setup", null, null, d.nextAttemptAt());
      }
    }
    assertThat(store.finish(id, "setup", state, attempt(1, at, 500), at, state + " in setup")).isTrue();
  }

  static AttemptRecord attempt(int number, Instant at, int status) {
    return new AttemptRecord(number, at, Duration.ofMillis(40), status, null);
  }

  static List<String> ids(List<StoredDelivery> deliveries) {
    return deliveries.stream().map(StoredDelivery::deliveryId).toList();
  }

  static StoredDelivery only(List<StoredDelivery> deliveries) {
    assertThat(deliveries).hasSize(1);
    return deliveries.get(0);
  }
}
