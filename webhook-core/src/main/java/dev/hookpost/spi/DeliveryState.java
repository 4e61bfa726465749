package dev.hookpost.spi;

import java.util.EnumSet;
import java.util.Set;

/**
 * Where a stored delivery stands, and the one place that says which changes are allowed:
 *
 * <pre>
 *   PENDING ──► PENDING                       (a retry is scheduled, or a lease is released)
 *   PENDING ──► DELIVERED | FAILED | REJECTED | SKIPPED   (the delivery ends, exactly once)
 *   FAILED | REJECTED | SKIPPED ──► PENDING   (requeued by the application)
 *   DELIVERED: final
 * </pre>
 *
 * <p>Stores check every change with {@link #checkMove}; the JDBC store puts {@link #sources} in
 * its {@code WHERE} clauses, so a change from any other state matches no row.
 */
public enum DeliveryState {
  /** Waiting for its next attempt (or being attempted under a lease). */
  PENDING,
  /** The endpoint answered 2xx. */
  DELIVERED,
  /** The publisher gave up: retries exhausted, a final answer, or 410 Gone. A dead letter. */
  FAILED,
  /** The transport refused the endpoint (e.g. a private address). A dead letter. */
  REJECTED,
  /**
   * No (further) attempt was made: the application disabled or removed the subscription. A
   * subscription that is merely not registered (yet) never ends its deliveries: they wait.
   */
  SKIPPED;

  /** Whether the delivery has ended (every state but {@link #PENDING}). */
  public boolean isFinal() {
    return this != PENDING;
  }

  /** Whether it ended without success and can be requeued: {@link #FAILED} or {@link #REJECTED}. */
  public boolean isDeadLetter() {
    return this == FAILED || this == REJECTED;
  }

  /** Whether it ended unsuccessfully and {@code requeue} can make it pending again: a dead letter or {@link #SKIPPED}. */
  public boolean isRequeueable() {
    return isDeadLetter() || this == SKIPPED;
  }

  /** Whether a delivery in this state may move to {@code next} (see the class diagram). */
  public boolean canMoveTo(DeliveryState next) {
    return this == PENDING || (isRequeueable() && next == PENDING);
  }

  /**
   * Checks a change.
   *
   * @throws IllegalStateException naming both states when the change is not allowed
   */
  public void checkMove(DeliveryState next) {
    if (!canMoveTo(next)) {
      throw new IllegalStateException("a delivery cannot move from " + this + " to " + next
          + (isFinal() && !isRequeueable() ? " (" + this + " is final)" : ""));
    }
  }

  /** The states from which a delivery may move to {@code next}. */
  public static Set<DeliveryState> sources(DeliveryState next) {
    Set<DeliveryState> out = EnumSet.noneOf(DeliveryState.class);
    for (DeliveryState s : values()) {
      if (s.canMoveTo(next)) {
        out.add(s);
      }
    }
    return out;
  }
}
