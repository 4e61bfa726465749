package dev.hookpost;

import dev.hookpost.internal.engine.Engine;
import dev.hookpost.spi.AttemptRecord;
import dev.hookpost.spi.DeliveryQuery;
import dev.hookpost.spi.StoredDelivery;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * What a publisher's store holds, for the application: find dead letters, read a delivery's
 * attempts, requeue, purge. Claiming and recording deliveries stay the publisher's own, so
 * they are not here.
 *
 * <pre>{@code
 * List<StoredDelivery> dead = publisher.deliveries().find(DeliveryQuery.deadLetters().forSubscription("shipping"));
 * publisher.deliveries().requeue(DeliveryQuery.deadLetters().forSubscription("shipping"));
 * }</pre>
 *
 * <p>Thread-safe. Each call is one call to the store; with {@code JdbcDeliveryStore} a failing
 * database throws {@link WebhookException}.
 */
public final class Deliveries {
  private final Engine engine;

  Deliveries(Engine engine) {
    this.engine = engine;
  }

  /** Deliveries matching {@code query}, oldest first, e.g. {@code find(DeliveryQuery.deadLetters())}. */
  public List<StoredDelivery> find(DeliveryQuery query) {
    return engine.store().find(Objects.requireNonNull(query, "query"));
  }

  /**
   * How many deliveries match {@code query}, whatever its limit, e.g.
   * {@code count(DeliveryQuery.inState(DeliveryState.PENDING))} for the backlog a metrics gauge
   * shows. With a durable store shared by several publishers it counts theirs too.
   */
  public int count(DeliveryQuery query) {
    return engine.store().count(Objects.requireNonNull(query, "query"));
  }

  /** One delivery's attempts, oldest first; empty for an unknown id. */
  public List<AttemptRecord> history(String deliveryId) {
    return engine.store().history(Objects.requireNonNull(deliveryId, "deliveryId"));
  }

  /**
   * Makes the dead letters (and {@code Skipped} deliveries) matching {@code query} pending again,
   * due now, with a fresh attempt count (their history is kept), and wakes the publisher to
   * deliver them.
   *
   * @return how many were requeued
   */
  public int requeue(DeliveryQuery query) {
    return engine.requeue(Objects.requireNonNull(query, "query"));
  }

  /**
   * Deletes attempt history, and ended deliveries with their events, older than {@code olderThan}.
   *
   * @return how many deliveries were deleted
   */
  public int purge(Instant olderThan) {
    return engine.store().purge(Objects.requireNonNull(olderThan, "olderThan"));
  }

  @Override
  public String toString() {
    return "Deliveries[" + engine.store() + "]";
  }
}
