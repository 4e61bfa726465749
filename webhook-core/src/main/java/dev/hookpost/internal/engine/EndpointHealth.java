package dev.hookpost.internal.engine;

import dev.hookpost.SubscriptionRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Counts each subscription's run of failed deliveries and says when it has failed long enough
 * to be disabled: after {@code maxFailedDeliveries} in a row, or when every delivery since
 * {@code failingFor} ago failed. A delivered event ends the run. The run is the registry's when
 * it keeps one ({@link SubscriptionRegistry#recordFailure}, shared by every publisher), else this
 * publisher's own; a registry that fails leaves the decision to the own count. Thread-safe.
 */
final class EndpointHealth {
  private final int maxFailedDeliveries;
  private final Duration failingFor;
  private final SubscriptionRegistry registry;
  private final ConcurrentHashMap<String, Run> runs = new ConcurrentHashMap<>();

  private record Run(int failures, Instant since) {}

  EndpointHealth(int maxFailedDeliveries, Duration failingFor, SubscriptionRegistry registry) {
    this.maxFailedDeliveries = maxFailedDeliveries;
    this.failingFor = failingFor;
    this.registry = registry;
  }

  void delivered(String subscriptionId) {
    runs.remove(subscriptionId);
    try {
      registry.recordDelivered(subscriptionId);
    } catch (RuntimeException e) {
      Reporter.safely(() -> Reporter.log.warn("could not record a delivery of {} in {}", subscriptionId, registry, e));
    }
  }

  /**
   * Records a failed delivery whose first attempt was at {@code firstAttemptAt}.
   *
   * @return why the subscription should now be disabled, or null
   */
  String failed(String subscriptionId, Instant firstAttemptAt, Instant now) {
    Run run = runs.merge(subscriptionId, new Run(1, firstAttemptAt),
        (old, one) -> new Run(old.failures + 1, old.since.isBefore(one.since) ? old.since : one.since));
    try {
      SubscriptionRegistry.FailureRun shared = registry.recordFailure(subscriptionId, firstAttemptAt);
      if (shared != null) {
        run = new Run(shared.failures(), shared.since());
      }
    } catch (RuntimeException e) {
      Reporter.safely(() -> Reporter.log.warn("could not record a failure of {} in {}; counting it here only",
          subscriptionId, registry, e));
    }
    String why = null;
    if (run.failures >= maxFailedDeliveries) {
      why = run.failures + " deliveries in a row failed";
    } else if (Duration.between(run.since, now).compareTo(failingFor) >= 0) {
      why = "every delivery failed for " + Duration.between(run.since, now).toHours() + " h (limit "
          + failingFor.toHours() + " h)";
    }
    if (why != null) {
      runs.remove(subscriptionId);
    }
    return why;
  }

  void reset(String subscriptionId) {
    runs.remove(subscriptionId);
  }
}
