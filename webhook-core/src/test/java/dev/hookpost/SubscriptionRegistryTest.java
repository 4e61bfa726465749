package dev.hookpost;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The in-memory registry's tenant index: who hears whose events, and managing one tenant. */
class SubscriptionRegistryTest {
  final SubscriptionRegistry registry = SubscriptionRegistry.inMemory();

  static Subscription sub(String id, String tenant) {
    return SubscriptionTest.valid().id(id).tenant(tenant).build();
  }

  static Subscription everyTenant(String id) {
    return SubscriptionTest.valid().id(id).allTenants(true).build();
  }

  static List<String> ids(List<Subscription> subs) {
    return subs.stream().map(Subscription::id).toList();
  }

  @Test
  void aTenantsEventReachesThatTenantsSubscriptionsThenThoseOfEveryTenant() {
    registry.add(everyTenant("audit"));
    registry.add(sub("acme-1", "acme"));
    registry.add(sub("globex-1", "globex"));
    registry.add(sub("own", null));
    registry.add(sub("acme-2", "acme"));

    assertThat(ids(registry.matching("acme", "order.created"))).containsExactly("acme-1", "acme-2", "audit");
  }

  @Test
  void anEventWithoutTenantReachesOnlySubscriptionsWithoutOne() {
    registry.add(sub("acme-1", "acme"));
    registry.add(sub("own", null));
    registry.add(everyTenant("audit"));

    assertThat(ids(registry.matching(null, "order.created"))).containsExactly("own");
  }

  @Test
  void anUnknownTenantsEventReachesOnlyThoseOfEveryTenant() {
    registry.add(sub("acme-1", "acme"));
    registry.add(everyTenant("audit"));

    assertThat(ids(registry.matching("initech", "order.created"))).containsExactly("audit");
  }

  @Test
  void matchingStillFiltersByEventType() {
    registry.add(SubscriptionTest.valid().id("orders").tenant("acme").eventTypes("order.*").build());
    registry.add(SubscriptionTest.valid().id("invoices").tenant("acme").eventTypes("invoice.*").build());

    assertThat(ids(registry.matching("acme", "invoice.paid"))).containsExactly("invoices");
  }

  @Test
  void ofTenantListsOnlyThatTenantsSubscriptionsInTheOrderAdded() {
    registry.add(sub("acme-2", "acme"));
    registry.add(sub("globex-1", "globex"));
    registry.add(everyTenant("audit"));
    registry.add(sub("acme-1", "acme"));

    assertThat(ids(registry.ofTenant("acme"))).containsExactly("acme-2", "acme-1");
    assertThat(registry.ofTenant("initech")).isEmpty();
  }

  @Test
  void removeTenantRemovesEveryOneOfItsSubscriptionsAndNoOtherTenants() {
    registry.add(sub("acme-1", "acme"));
    registry.add(sub("globex-1", "globex"));
    registry.add(sub("acme-2", "acme"));

    assertThat(registry.removeTenant("acme")).isEqualTo(2);

    assertThat(ids(registry.all())).containsExactly("globex-1");
    assertThat(registry.find("acme-1")).isEmpty();
    assertThat(registry.matching("acme", "order.created")).isEmpty();
    assertThat(registry.removeTenant("acme")).isZero();
  }

  @Test
  void disablingKeepsTheSubscriptionInItsTenantAndPlace() {
    registry.add(sub("acme-1", "acme"));
    registry.add(sub("acme-2", "acme"));

    assertThat(registry.setEnabled("acme-1", false)).isTrue();

    assertThat(registry.matching("acme", "order.created")).extracting(Subscription::id, Subscription::enabled)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("acme-1", false),
            org.assertj.core.groups.Tuple.tuple("acme-2", true));
    assertThat(registry.find("acme-1")).hasValueSatisfying(s -> assertThat(s.enabled()).isFalse());
  }

  @Test
  void removingOneSubscriptionTakesItOutOfEveryView() {
    registry.add(sub("acme-1", "acme"));
    registry.add(sub("acme-2", "acme"));

    assertThat(registry.remove("acme-1")).isTrue();

    assertThat(ids(registry.ofTenant("acme"))).containsExactly("acme-2");
    assertThat(ids(registry.all())).containsExactly("acme-2");
    assertThat(registry.remove("acme-1")).isFalse();
  }

  @Test
  void aRegistryOfItsOwnGetsOfTenantAndRemoveTenantFromAllAndRemove() {
    SubscriptionRegistry inner = SubscriptionRegistry.inMemory();
    SubscriptionRegistry custom = new SubscriptionRegistry() {
      @Override public List<Subscription> matching(String tenant, String type) { return inner.matching(tenant, type); }
      @Override public List<Subscription> all() { return inner.all(); }
      @Override public java.util.Optional<Subscription> find(String id) { return inner.find(id); }
      @Override public void add(Subscription s) { inner.add(s); }
      @Override public boolean remove(String id) { return inner.remove(id); }
      @Override public boolean setEnabled(String id, boolean enabled) { return inner.setEnabled(id, enabled); }
    };
    custom.add(sub("acme-1", "acme"));
    custom.add(sub("globex-1", "globex"));

    assertThat(ids(custom.ofTenant("acme"))).containsExactly("acme-1");
    assertThat(custom.removeTenant("acme")).isEqualTo(1);
    assertThat(ids(custom.all())).containsExactly("globex-1");
  }

  @Test
  void replaceKeepsTheSubscriptionsPlaceAndIsSeenByTheNextLookup() {
    registry.add(sub("acme-1", "acme"));
    registry.add(sub("acme-2", "acme"));
    Subscription disabled = sub("acme-1", "acme").withEnabled(false);

    registry.replace(disabled);

    assertThat(registry.matching("acme", "order.created")).containsExactly(disabled, registry.find("acme-2").get());
    assertThat(ids(registry.all())).containsExactly("acme-1", "acme-2");
  }

  @Test
  void replaceMovesASubscriptionToItsNewTenant() {
    registry.add(sub("s", "acme"));

    registry.replace(sub("s", "globex"));

    assertThat(registry.matching("acme", "order.created")).isEmpty();
    assertThat(ids(registry.matching("globex", "order.created"))).containsExactly("s");
  }

  @Test
  void replaceOfAnUnknownIdIsRefusedNamingIt() {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> registry.replace(sub("nobody", null)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("there is no subscription 'nobody' to replace");
  }
}
