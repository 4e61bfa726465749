package dev.hookpost.internal.engine;

import dev.hookpost.Attempt;
import dev.hookpost.DeliveryListener;
import dev.hookpost.DeliveryOutcome;
import dev.hookpost.Subscription;
import dev.hookpost.WebhookPublisher;
import dev.hookpost.spi.StoredDelivery;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells the application: calls the listeners and writes the log lines. Whatever a listener
 * throws (an {@code Error} included) is logged and goes no further, so delivery and the
 * exactly-once reporting around it never depend on a listener. Thread-safe; holds no lock.
 */
final class Reporter {
  static final Logger log = LoggerFactory.getLogger(WebhookPublisher.class);
  private final List<DeliveryListener> listeners;

  Reporter(List<DeliveryListener> listeners) {
    this.listeners = List.copyOf(listeners);
  }

  void started(WebhookPublisher publisher) {
    each(l -> l.onStart(publisher));
  }

  void attempted(StoredDelivery d, Subscription s, Attempt attempt) {
    each(l -> l.onAttempt(d, s, attempt));
  }

  void retryScheduled(StoredDelivery d, Subscription s, Attempt failed, Duration delay) {
    safely(() -> log.info("webhook attempt failed, retrying in {}: event={} type={} subscription={} endpoint={}"
        + " attempt={} {}", delay, d.eventId(), d.eventType(), s.id(), s.endpointForLogs(), failed.number(),
        failed.describe()));
    each(l -> l.onRetryScheduled(d, s, failed, delay));
  }

  /** Logs {@code outcome} and tells the listeners; the caller makes sure it happens once per delivery. */
  void outcome(String eventType, DeliveryOutcome outcome) {
    safely(() -> logOutcome(eventType, outcome));
    each(l -> l.onOutcome(outcome));
  }

  void disabled(Subscription s, String reason) {
    safely(() -> log.warn("webhook subscription disabled: subscription={} endpoint={} reason={}; re-enable it with"
        + " subscriptions().setEnabled(id, true) once the endpoint is fixed", s.id(), s.endpointForLogs(), reason));
    each(l -> l.onSubscriptionDisabled(s, reason));
  }

  private void each(Consumer<DeliveryListener> call) {
    for (DeliveryListener l : listeners) {
      try {
        call.accept(l);
      } catch (Throwable e) { // anything: a listener's failure is its own
        safely(() -> log.warn("DeliveryListener {} threw; delivery goes on", l.getClass().getName(), e));
      }
    }
  }

  /** Runs a log call; a logger that fails (e.g. out of stack) changes nothing. */
  static void safely(Runnable logCall) {
    try {
      logCall.run();
    } catch (Throwable ignored) {
      // nothing left to tell it with
    }
  }

  private static void logOutcome(String type, DeliveryOutcome outcome) {
    boolean quiet = outcome instanceof DeliveryOutcome.Delivered || outcome instanceof DeliveryOutcome.Skipped;
    if (quiet && !log.isDebugEnabled()) {
      return; // the common case: nothing to format
    }
    String id = outcome.eventId();
    String sub = outcome.subscription().id();
    String endpoint = outcome.subscription().endpointForLogs();
    if (outcome instanceof DeliveryOutcome.Delivered o) {
      log.debug("webhook delivered: event={} type={} subscription={} endpoint={} attempts={} status={}",
          id, type, sub, endpoint, o.attempts(), o.status());
    } else if (outcome instanceof DeliveryOutcome.GaveUp o) {
      log.warn("webhook gave up: event={} type={} subscription={} endpoint={} attempts={} reason={}",
          id, type, sub, endpoint, o.attempts(), o.reason());
    } else if (outcome instanceof DeliveryOutcome.Rejected o) {
      log.warn("webhook rejected: event={} type={} subscription={} endpoint={} reason={}",
          id, type, sub, endpoint, o.reason());
    } else if (outcome instanceof DeliveryOutcome.Skipped o) {
      log.debug("webhook skipped: event={} type={} subscription={} reason={}", id, type, sub, o.reason());
    } else if (outcome instanceof DeliveryOutcome.Abandoned o) {
      log.warn("webhook abandoned: event={} type={} subscription={} endpoint={} attempts={} reason={}",
          id, type, sub, endpoint, o.attempts(), o.reason());
    }
  }
}
