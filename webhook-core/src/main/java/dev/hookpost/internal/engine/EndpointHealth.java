package dev.hookpost.internal.engine;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Counts each subscription's run of failed deliveries and says when it has failed long enough
 * to be disabled: after {@code maxFailedDeliveries} in a row, or when every delivery since
 * {@code failingFor} ago failed. A delivered event ends the run. Thread-safe.
 */
final class EndpointHealth {
  private final int maxFailedDeliveries;
  private final Duration failingFor;
  private final ConcurrentHashMap<String, Run> runs = new ConcurrentHashMap<>();

  private record Run(int failures, Instant since) {}

  EndpointHealth(int maxFailedDeliveries, Duration failingFor) {
    this.maxFailedDeliveries = maxFailedDeliveries;
    this.failingFor = failingFor;
  }

  void delivered(String subscriptionId) {
    runs.remove(subscriptionId);
  }

  /**
   * Records a failed delivery whose first attempt was at {@code firstAttemptAt}.
   *
   * @return why the subscription should now be disabled, or null
   */
  String failed(String subscriptionId, Instant firstAttemptAt, Instant now) {
    Run run = runs.merge(subscriptionId, new Run(1, firstAttemptAt),
        (old, one) -> new Run(old.failures + 1, old.since.isBefore(one.since) ? old.since : one.since));
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
