package dev.hookpost.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hookpost.DeliveryOutcome;
import dev.hookpost.Event;
import dev.hookpost.SendHandle;
import dev.hookpost.Subscription;
import dev.hookpost.WebhookPublisher;
import dev.hookpost.spi.DeliveryQuery;
import dev.hookpost.spi.DeliveryState;
import dev.hookpost.spi.DeliveryStore;
import dev.hookpost.spi.StoredDelivery;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A stored delivery names its subscription by id: a restart must find it again, a subscription
 * that is not registered makes its deliveries wait, and only removing it ends them.
 */
class SubscriptionIdentityTest extends EngineFixture {
  final DeliveryStore store = DeliveryStore.inMemory();

  static Subscription readmeStyle(String endpoint) {
    return Subscription.builder().endpoint(endpoint).secret(SECRET).eventTypes("order.*").build();
  }

  @Test
  void aSubscriptionBuiltWithoutAnIdGetsTheSameIdInEveryProcessFromItsEndpoint() {
    Subscription once = readmeStyle("https://shipping.example/hooks");
    Subscription again = readmeStyle("https://shipping.example/hooks");

    assertThat(again.id()).isEqualTo(once.id()).startsWith("sub_");
    assertThat(readmeStyle("https://billing.example/hooks").id()).isNotEqualTo(once.id());
  }

  @Test
  void theDerivedIdTellsTenantsApartAndKeepsTheUrlsOwnIdWithoutATenant() {
    Subscription none = readmeStyle("https://hooks.example/in");
    Subscription acme = readmeStyle("https://hooks.example/in").toBuilder().id(null).tenant("acme").build();
    Subscription globex = readmeStyle("https://hooks.example/in").toBuilder().id(null).tenant("globex").build();

    assertThat(java.util.List.of(none.id(), acme.id(), globex.id())).doesNotHaveDuplicates();
    assertThat(acme.id()).isEqualTo(readmeStyle("https://hooks.example/in").toBuilder().id(null).tenant("acme").build()
        .id());
    assertThat(none.id()).as("ids stored before tenants existed").isEqualTo("sub_" + java.util.HexFormat.of()
        .formatHex(sha256("https://hooks.example/in"), 0, 8));
  }

  @Test
  void twoTenantsRegisterTheSameUrlWithoutIdsOfTheirOwn() {
    try (WebhookPublisher p = builder().build()) {
      p.subscriptions().add(readmeStyle("https://hooks.example/in").toBuilder().id(null).tenant("acme").build());
      p.subscriptions().add(readmeStyle("https://hooks.example/in").toBuilder().id(null).tenant("globex").build());

      assertThat(p.subscriptions().all()).hasSize(2);
    }
  }

  @Test
  void removingATenantThroughThePublisherEndsItsWaitingDeliveriesAsSkipped() {
    transport.byDefault(ScriptedTransport.status(503));
    try (WebhookPublisher p = builder().store(store).build()) {
      p.subscriptions().add(sub("acme-1").toBuilder().tenant("acme").build());
      p.subscriptions().add(sub("globex-1").toBuilder().tenant("globex").build());
      SendHandle acme = p.send(Event.of("order.created", Map.of()).forTenant("acme"));  // fails once, waits for a retry
      SendHandle globex = p.send(Event.of("order.created", Map.of()).forTenant("globex"));

      assertThat(p.subscriptions().removeTenant("acme")).isEqualTo(1);

      assertThat(acme.outcomes().join()).singleElement().isInstanceOfSatisfying(DeliveryOutcome.Skipped.class,
          s -> assertThat(s.reason()).isEqualTo("subscription was removed"));
      assertThat(globex.outcomes()).isNotDone();
      assertThat(p.deliveries().find(DeliveryQuery.inState(DeliveryState.PENDING)))
          .extracting(StoredDelivery::subscriptionId).containsExactly("globex-1");
    }
  }

  private static byte[] sha256(String text) {
    try {
      return java.security.MessageDigest.getInstance("SHA-256").digest(text.getBytes(
          java.nio.charset.StandardCharsets.UTF_8));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void aDeliveryLeftForAnIdNoLongerRegisteredWaitsPendingInsteadOfEnding() {
    enqueueFor("sub_gone");
    try (WebhookPublisher p = builder().store(store).subscription(sub("shipping")).build()) {
      time.advance(Duration.ofMinutes(10));

      assertThat(p.deliveries().find(DeliveryQuery.inState(DeliveryState.PENDING))).singleElement()
          .extracting(StoredDelivery::subscriptionId).isEqualTo("sub_gone");
      assertThat(transport.requests()).isEmpty();
      assertThat(heard).isEmpty();
    }
  }

  @Test
  void aWaitingDeliveryIsDeliveredOnceItsSubscriptionIsRegisteredAgain() {
    enqueueFor("returning");
    try (WebhookPublisher p = builder().store(store).build()) {
      time.advance(Duration.ofSeconds(1));
      p.subscriptions().add(sub("returning"));
      time.advance(Duration.ofSeconds(Unregistered.RECHECK_POLLS));

      assertThat(heard).singleElement().isInstanceOf(DeliveryOutcome.Delivered.class);
      assertThat(transport.requests()).hasSize(1);
    }
  }

  @Test
  void removingASubscriptionEndsItsWaitingDeliveriesAsSkippedAndReportsThem() {
    transport.byDefault(ScriptedTransport.status(503));
    try (WebhookPublisher p = builder().store(store).subscription(sub("shipping")).build()) {
      SendHandle handle = p.send(Event.of("order.created", Map.of()));  // fails once, waits 5 s for a retry

      assertThat(p.subscriptions().remove("shipping")).isTrue();

      assertThat(handle.outcomes().join()).singleElement().isInstanceOfSatisfying(DeliveryOutcome.Skipped.class,
          s -> assertThat(s.reason()).isEqualTo("subscription was removed"));
      assertThat(p.deliveries().find(DeliveryQuery.inState(DeliveryState.SKIPPED))).hasSize(1);
      time.advance(Duration.ofMinutes(1));
      assertThat(transport.requests()).hasSize(1);
    }
  }

  @Test
  void removingAnIdThatIsNotRegisteredEndsTheDeliveriesLeftForIt() {
    enqueueFor("sub_gone");
    try (WebhookPublisher p = builder().store(store).build()) {
      assertThat(p.subscriptions().remove("sub_gone")).isFalse();

      assertThat(p.deliveries().find(DeliveryQuery.inState(DeliveryState.PENDING))).isEmpty();
      assertThat(heard).singleElement().isInstanceOf(DeliveryOutcome.Skipped.class);
    }
  }

  @Test
  void requeueTakesSkippedDeliveriesBack() {
    enqueueFor("shipping");
    try (WebhookPublisher p = builder().store(store).build()) {
      p.subscriptions().remove("shipping");
      p.subscriptions().add(sub("shipping"));

      assertThat(p.requeue(DeliveryQuery.inState(DeliveryState.SKIPPED))).isEqualTo(1);
      time.advance(Duration.ofSeconds(1));

      assertThat(heard).extracting(o -> o.getClass().getSimpleName()).containsExactly("Skipped", "Delivered");
    }
  }

  private void enqueueFor(String subscriptionId) {
    store.enqueue("evt_1", "order.created", "{}".getBytes(), java.util.List.of(subscriptionId), time.clock().instant());
  }
}
