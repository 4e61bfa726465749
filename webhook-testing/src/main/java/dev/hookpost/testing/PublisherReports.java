package dev.hookpost.testing;

import dev.hookpost.Attempt;
import dev.hookpost.DeliveryListener;
import dev.hookpost.DeliveryOutcome;
import dev.hookpost.Subscription;
import dev.hookpost.spi.StoredDelivery;
import java.util.ArrayList;
import java.util.List;

/**
 * The listener behind {@link FakeWebhookReceiver#listener()}: keeps what a publisher told it (each
 * attempt's endpoint and result, each outcome) so a failed wait can quote it. Thread-safe; the
 * lock is this object.
 */
final class PublisherReports implements DeliveryListener {
  /** One attempt as a failure message shows it: the event, where it went (no query) and how it went. */
  record AttemptSeen(String eventId, String endpoint, String result) {}

  /** What was reported so far, and whether the listener was ever handed to a publisher. */
  record Snapshot(boolean handedOut, List<AttemptSeen> attempts, List<DeliveryOutcome> outcomes) {
    Snapshot {
      attempts = List.copyOf(attempts);
      outcomes = List.copyOf(outcomes);
    }
  }

  private final List<AttemptSeen> attempts = new ArrayList<>();
  private final List<DeliveryOutcome> outcomes = new ArrayList<>();
  private boolean handedOut;

  synchronized PublisherReports handOut() {
    handedOut = true;
    return this;
  }

  @Override
  public synchronized void onAttempt(StoredDelivery delivery, Subscription subscription, Attempt attempt) {
    handedOut = true;
    attempts.add(new AttemptSeen(delivery.eventId(), Diagnosis.endpoint(subscription), attempt.describe()));
  }

  @Override
  public synchronized void onOutcome(DeliveryOutcome outcome) {
    handedOut = true;
    outcomes.add(outcome);
  }

  synchronized Snapshot snapshot() {
    return new Snapshot(handedOut, attempts, outcomes);
  }

  /**
   * Forgets what was reported, and that the listener was handed out: the next test hands it out
   * again (through {@code receiver.publisher()}), or a publisher it was given earlier says so by
   * reporting.
   */
  synchronized void clear() {
    attempts.clear();
    outcomes.clear();
    handedOut = false;
  }
}
