package dev.hookpost.spring;

import dev.hookpost.Subscription;
import dev.hookpost.WebhookPublisher;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.springframework.boot.actuate.health.AbstractHealthIndicator;
import org.springframework.boot.actuate.health.Health;

/**
 * Actuator health of the publisher ({@code /actuator/health/hookpost}): UP while it takes
 * events, DOWN once closed. Details: how many subscriptions there are and which are disabled
 * (id and endpoint host, never the path or the secret), so an endpoint disabled for failing
 * shows up. A disabled subscription does not make the publisher DOWN. Thread-safe.
 */
public final class HookpostHealthIndicator extends AbstractHealthIndicator {
  private final WebhookPublisher publisher;

  /** Reports on {@code publisher}. */
  public HookpostHealthIndicator(WebhookPublisher publisher) {
    super("hookpost health check failed");
    this.publisher = Objects.requireNonNull(publisher, "publisher");
  }

  @Override
  protected void doHealthCheck(Health.Builder builder) {
    List<Subscription> all = publisher.subscriptions().all();
    List<Map<String, String>> disabled = all.stream()
        .filter(s -> !s.enabled())
        .map(s -> Map.of("id", s.id(), "endpoint", s.endpointForLogs()))
        .toList();
    (publisher.isClosed() ? builder.down() : builder.up())
        .withDetail("subscriptions", all.size())
        .withDetail("disabledSubscriptions", disabled);
  }
}
