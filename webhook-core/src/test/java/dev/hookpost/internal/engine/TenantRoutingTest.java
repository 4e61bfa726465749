package dev.hookpost.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hookpost.DeliveryOutcome;
import dev.hookpost.Event;
import dev.hookpost.Subscription;
import dev.hookpost.WebhookPublisher;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A send delivers to exactly the subscriptions of the event's tenant, and those of every tenant. */
class TenantRoutingTest extends EngineFixture {

  static Subscription of(String id, String tenant) {
    return sub(id).toBuilder().tenant(tenant).build();
  }

  List<String> deliveredTo(WebhookPublisher p, Event event) {
    return p.send(event).outcomes().join().stream()
        .map(o -> (o instanceof DeliveryOutcome.Delivered ? "" : "not delivered: ") + o.subscription().id())
        .toList();
  }

  @Test
  void eachTenantsEventReachesItsOwnEndpointsAndTheAuditOneOnly() {
    try (WebhookPublisher p = builder().subscription(of("acme-shop", "acme")).subscription(of("globex-shop", "globex"))
        .subscription(of("own-crm", null)).subscription(sub("audit").toBuilder().allTenants(true).build()).build()) {

      assertThat(deliveredTo(p, Event.of("order.created", Map.of()).forTenant("acme")))
          .containsExactly("acme-shop", "audit");
      assertThat(deliveredTo(p, Event.of("order.created", Map.of()).forTenant("globex")))
          .containsExactly("globex-shop", "audit");
      assertThat(deliveredTo(p, Event.of("order.created", Map.of()))).containsExactly("own-crm");
      assertThat(transport.requests()).extracting(r -> r.endpoint().getHost()).containsOnly(
          "acme-shop.example", "globex-shop.example", "own-crm.example", "audit.example");
    }
  }
}
