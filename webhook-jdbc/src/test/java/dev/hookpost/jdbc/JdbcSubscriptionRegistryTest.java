package dev.hookpost.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hookpost.ContentFilter;
import dev.hookpost.DeliveryOutcome;
import dev.hookpost.Event;
import dev.hookpost.RetryPolicy;
import dev.hookpost.Signer;
import dev.hookpost.SigningKey;
import dev.hookpost.Subscription;
import dev.hookpost.SubscriptionRegistry;
import dev.hookpost.WebhookPublisher;
import dev.hookpost.spi.TransportResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * The registry in the database (H2 here; {@link PostgresDeliveryStoreTest} and
 * {@link SqliteDeliveryStoreTest} run the round trip and the shared run of failures on theirs).
 */
class JdbcSubscriptionRegistryTest {
  private static final AtomicInteger DATABASES = new AtomicInteger();
  static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

  final DataSource h2 = CrashChild.dataSource("jdbc:h2:mem:registry" + DATABASES.incrementAndGet()
      + ";DB_CLOSE_DELAY=-1", "", "");
  final JdbcSubscriptionRegistry registry = JdbcSubscriptionRegistry.builder(h2).cacheFor(Duration.ZERO).build();

  static Subscription.Builder sub(String id, String tenant) {
    return Subscription.builder().id(id).endpoint("https://" + id + ".example/hooks").secret(SECRET).tenant(tenant);
  }

  static List<String> ids(List<Subscription> subs) {
    return subs.stream().map(Subscription::id).toList();
  }

  /** Stores a subscription with every setting, keys being rotated included, and reads it back equal. */
  static void roundTripsEverySetting(JdbcSubscriptionRegistry registry) {
    Subscription s = sub("acme-orders", "acme")
        .signingKeys(List.of(new SigningKey(SECRET, java.time.Instant.parse("2030-01-01T00:00:00.123Z")),
            SigningKey.of(Signer.generateEd25519KeyPair().signingKey())))
        .eventTypes("order.*", "invoice.paid")
        .filter(ContentFilter.and(ContentFilter.eq("/data/country", "DE"), ContentFilter.gte("/data/total", 100)))
        .header("X-Api-Key", "k-1").header("X-Team", "shop").enabled(false).build();

    registry.add(s);

    assertThat(registry.find("acme-orders")).contains(s);
    assertThat(registry.all()).containsExactly(s);
  }

  @Test
  void storesEverySettingAndReadsItBackEqual() {
    roundTripsEverySetting(registry);
  }

  @Test
  void replaceStoresTheRotatedSubscriptionInPlaceOfTheOld() {
    registry.add(sub("acme-orders", "acme").build());
    Subscription rotated = sub("acme-orders", "acme").build()
        .rotateSecret(Signer.generateSecret(), java.time.Instant.parse("2030-01-01T00:00:00Z"), Duration.ofHours(24));

    registry.replace(rotated);

    assertThat(registry.find("acme-orders")).contains(rotated);
    assertThat(registry.matching("acme", "order.created")).containsExactly(rotated);
  }

  @Test
  void replaceOfAnUnknownIdIsRefusedAndAddsNothing() {
    assertThatThrownBy(() -> registry.replace(sub("nobody", null).build()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("there is no subscription 'nobody' to replace");
    assertThat(registry.all()).isEmpty();
  }

  @Test
  void matchingFindsTheTenantsSubscriptionsOfTheTypeThenThoseOfEveryTenant() {
    matchesByTenantThenEveryTenant(registry);
  }

  /** Matching reads the event's tenant's subscriptions of the type, then those of every tenant. */
  static void matchesByTenantThenEveryTenant(JdbcSubscriptionRegistry registry) {
    registry.add(sub("audit", null).allTenants(true).build());
    registry.add(sub("acme-orders", "acme").eventTypes("order.*").build());
    registry.add(sub("acme-invoices", "acme").eventTypes("invoice.*").build());
    registry.add(sub("globex", "globex").build());
    registry.add(sub("own", null).build());

    assertThat(ids(registry.matching("acme", "order.created"))).containsExactly("acme-orders", "audit");
    assertThat(ids(registry.matching(null, "order.created"))).containsExactly("own");
  }

  @Test
  void ofTenantListsAndRemoveTenantRemovesOnlyThatTenantsSubscriptions() {
    registry.add(sub("acme-1", "acme").build());
    registry.add(sub("globex-1", "globex").build());
    registry.add(sub("acme-2", "acme").build());

    assertThat(ids(registry.ofTenant("acme"))).containsExactly("acme-1", "acme-2");
    assertThat(registry.removeTenant("acme")).isEqualTo(2);
    assertThat(ids(registry.all())).containsExactly("globex-1");
  }

  @Test
  void addRefusesADuplicateIdARetryPolicyAndASignerOfItsOwn() {
    registry.add(sub("acme-1", "acme").build());

    assertThatThrownBy(() -> registry.add(sub("acme-1", "acme").build()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'acme-1' exists already");
    assertThatThrownBy(() -> registry.add(sub("acme-2", "acme").retryPolicy(RetryPolicy.none()).build()))
        .hasMessageContaining("has a retry policy of its own, which JdbcSubscriptionRegistry cannot store");
    assertThatThrownBy(() -> registry.add(Subscription.builder().id("acme-3").endpoint("https://acme.example/hooks")
        .signer((id, timestamp, body) -> "v1,x").build()))
        .hasMessageContaining("signs with a Signer of its own, which JdbcSubscriptionRegistry cannot store");
  }

  @Test
  void anotherInstanceSeesAChangeOnlyOnceItsCacheIsOlderThanItsStaleness() {
    registry.add(sub("acme-1", "acme").build());
    JdbcSubscriptionRegistry cachingAnHour = JdbcSubscriptionRegistry.builder(h2).cacheFor(Duration.ofHours(1)).build();
    JdbcSubscriptionRegistry notCaching = JdbcSubscriptionRegistry.builder(h2).cacheFor(Duration.ZERO).build();
    assertThat(cachingAnHour.matching("acme", "order.created")).singleElement().matches(Subscription::enabled);

    assertThat(registry.setEnabled("acme-1", false)).isTrue();

    assertThat(notCaching.matching("acme", "order.created")).singleElement().matches(s -> !s.enabled());
    assertThat(cachingAnHour.matching("acme", "order.created")).as("within the hour it may serve from memory")
        .singleElement().matches(Subscription::enabled);
    assertThat(registry.setEnabled("acme-1", false)).as("already disabled").isFalse();
  }

  @Test
  void anEndpointThatAnswers410IsDisabledForEveryInstance() {
    registry.add(sub("acme-1", "acme").build());
    try (WebhookPublisher publisher = WebhookPublisher.builder().registry(registry)
        .transport(request -> CompletableFuture.completedFuture(TransportResponse.of(410))).build()) {
      List<DeliveryOutcome> outcomes = publisher.send(Event.of("order.created", Map.of()).forTenant("acme"))
          .outcomes().join();

      assertThat(outcomes).singleElement().isInstanceOf(DeliveryOutcome.GaveUp.class);
    }

    JdbcSubscriptionRegistry otherInstance = JdbcSubscriptionRegistry.create(h2);
    assertThat(otherInstance.find("acme-1")).hasValueSatisfying(s -> assertThat(s.enabled()).isFalse());
  }

  @Test
  void instancesAddToOneRunOfFailuresThatADeliveryEnds() {
    addToOneRunOfFailures(registry, JdbcSubscriptionRegistry.builder(h2).cacheFor(Duration.ZERO).build());
  }

  /** Two registries on one table record failures of one subscription into one run; a delivery ends it. */
  static void addToOneRunOfFailures(JdbcSubscriptionRegistry registry, JdbcSubscriptionRegistry other) {
    registry.add(sub("acme-1", "acme").build());
    java.time.Instant t0 = java.time.Instant.parse("2030-01-01T00:00:00Z");

    registry.recordFailure("acme-1", t0.plusSeconds(60));
    assertThat(other.recordFailure("acme-1", t0))
        .isEqualTo(new SubscriptionRegistry.FailureRun(2, t0));
    other.recordDelivered("acme-1");

    assertThat(registry.recordFailure("acme-1", t0.plusSeconds(120)))
        .isEqualTo(new SubscriptionRegistry.FailureRun(1, t0.plusSeconds(120)));
  }

  @Test
  void aRemovalThroughOneInstanceEndsWhatAnotherStillSendsFromItsCacheEachSendInOneOutcome() throws Exception {
    JdbcSubscriptionRegistry cachingAnHour = JdbcSubscriptionRegistry.builder(h2).cacheFor(Duration.ofHours(1)).build();
    try (WebhookPublisher here = publisherOn(registry); WebhookPublisher there = publisherOn(cachingAnHour)) {
      for (int round = 0; round < 10; round++) {
        String tenant = "t" + round;
        String id = tenant + "-1";
        registry.add(sub(id, tenant).build());
        assertThat(cachingAnHour.matching(tenant, "order.created")).hasSize(1); // cached for the hour
        assertThat(cachingAnHour.find(id)).isPresent();
        List<dev.hookpost.SendHandle> sends = new java.util.ArrayList<>();
        for (int i = 0; i < 5; i++) { // attempted, answered 503, waiting an hour for their retry
          sends.add(there.send(Event.of("order.created", Map.of()).forTenant(tenant)));
        }
        Thread remover = new Thread(() -> here.subscriptions().remove(id));
        remover.start();
        for (int i = 0; i < 10; i++) { // racing the removal, then after it: the cache still matches them
          sends.add(there.send(Event.of("order.created", Map.of()).forTenant(tenant)));
        }
        remover.join();

        for (dev.hookpost.SendHandle send : sends) {
          assertThat(send.outcomes().get(10, java.util.concurrent.TimeUnit.SECONDS)).as("round %d", round)
              .singleElement().isInstanceOfSatisfying(DeliveryOutcome.Skipped.class,
                  o -> assertThat(o.reason()).isEqualTo("subscription was removed"));
        }
        assertThat(registry.removed(id)).isTrue();
        assertThat(cachingAnHour.removed(id)).isTrue();
      }
    }
  }

  /** A publisher on the shared H2 store, whose endpoint answers 503 and whose retries wait an hour. */
  private WebhookPublisher publisherOn(JdbcSubscriptionRegistry r) {
    return WebhookPublisher.builder().registry(r).store(JdbcDeliveryStore.create(h2))
        .retryPolicy(RetryPolicy.fixedSchedule(Duration.ofHours(1))).pollInterval(Duration.ofMillis(50))
        .transport(request -> CompletableFuture.completedFuture(TransportResponse.of(503))).build();
  }

  @Test
  void aRemovedIdIsRememberedUntilItIsAddedAgain() {
    registry.add(sub("acme-1", "acme").build());
    assertThat(registry.removed("acme-1")).isFalse();

    registry.remove("acme-1");
    assertThat(JdbcSubscriptionRegistry.create(h2).removed("acme-1")).as("another instance sees it").isTrue();

    registry.add(sub("acme-1", "acme").build());
    assertThat(registry.removed("acme-1")).isFalse();
  }

  @Test
  void twoPublishersFailingOnceEachDisableTheEndpointTogether() {
    registry.add(sub("acme-1", "acme").build());
    JdbcSubscriptionRegistry other = JdbcSubscriptionRegistry.builder(h2).cacheFor(Duration.ZERO).build();
    for (JdbcSubscriptionRegistry r : List.of(registry, other)) {
      try (WebhookPublisher publisher = WebhookPublisher.builder().registry(r).retryPolicy(RetryPolicy.none())
          .disableFailingEndpoints(2, Duration.ofDays(5))
          .transport(request -> CompletableFuture.completedFuture(TransportResponse.of(500))).build()) {
        publisher.send(Event.of("order.created", Map.of()).forTenant("acme")).outcomes().join();
      }
    }

    assertThat(registry.find("acme-1")).hasValueSatisfying(s -> assertThat(s.enabled()).isFalse());
  }
}
