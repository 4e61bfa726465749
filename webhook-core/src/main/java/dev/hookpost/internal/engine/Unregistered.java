package dev.hookpost.internal.engine;

import dev.hookpost.spi.DeliveryQuery;
import dev.hookpost.spi.DeliveryState;
import dev.hookpost.spi.DeliveryStore;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Deliveries claimed for a subscription id the registry does not hold and that was not removed
 * ({@link Removals}, whose deliveries end as skipped): they are not ended (the
 * subscription may come back, e.g. registered a moment after a restart) but wait, and this
 * says so in one WARN line per subscription id at most every {@link #LOG_EVERY}, with how many
 * of its deliveries are pending. Only the application ends them, by removing the subscription.
 * Thread-safe.
 */
final class Unregistered {
  /** How often the WARN line about one subscription id is repeated while its deliveries wait. */
  static final Duration LOG_EVERY = Duration.ofMinutes(1);
  /** How many poll intervals an orphaned delivery waits before it is looked at again. */
  static final int RECHECK_POLLS = 20;

  private final DeliveryStore store;
  private final ConcurrentHashMap<String, Instant> lastLogged = new ConcurrentHashMap<>();

  Unregistered(DeliveryStore store) {
    this.store = store;
  }

  /** When a delivery of an unregistered subscription is claimed again. */
  static Instant recheckAt(Instant now, Duration pollInterval) {
    return now.plus(pollInterval.multipliedBy(RECHECK_POLLS));
  }

  /** Whether a line about a subscription last logged at {@code last} (null: never) is due at {@code now}. */
  static boolean logDue(Instant last, Instant now) {
    return last == null || !now.isBefore(last.plus(LOG_EVERY));
  }

  /** A delivery of {@code subscriptionId} was claimed and waits: logs it, at most once a minute per id. */
  void waiting(String subscriptionId, Instant now) {
    boolean[] due = new boolean[1];
    lastLogged.compute(subscriptionId, (id, last) -> {
      due[0] = logDue(last, now);
      return due[0] ? now : last;
    });
    if (!due[0]) {
      return;
    }
    String count;
    try {
      count = String.valueOf(store.count(DeliveryQuery.inState(DeliveryState.PENDING).forSubscription(subscriptionId)));
    } catch (RuntimeException e) {
      count = "some"; // the store is down: the line still names the subscription
    }
    String pending = count;
    Reporter.safely(() -> Reporter.log.warn("{} pending deliveries of subscription '{}' wait: no subscription with that id is"
          + " registered. Register it again (its id is derived from its tenant and endpoint unless set) and they are"
          + " delivered; or end them as Skipped with publisher.subscriptions().remove(\"{}\")",
          pending, subscriptionId, subscriptionId));
  }

  /** The subscription is registered again (or removed): the next wait is logged at once. */
  void forget(String subscriptionId) {
    lastLogged.remove(subscriptionId);
  }
}
