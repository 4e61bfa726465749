package dev.hookpost.internal.engine;

import dev.hookpost.spi.AttemptRecord;
import dev.hookpost.spi.DeliveryQuery;
import dev.hookpost.spi.DeliveryState;
import dev.hookpost.spi.DeliveryStore;
import dev.hookpost.spi.StoredDelivery;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/** A store that throws from every call once {@code broken} is set (the database went away). */
record FailingStore(DeliveryStore inner, AtomicBoolean broken) implements DeliveryStore {
  private void check() {
    if (broken.get()) {
      throw new IllegalStateException("the database is down");
    }
  }

  @Override
  public List<String> enqueue(String eventId, String eventType, byte[] payload, List<String> subs, Instant dueAt) {
    check();
    return inner.enqueue(eventId, eventType, payload, subs, dueAt);
  }

  @Override
  public List<StoredDelivery> claim(Instant now, int limit, Duration lease, String owner) {
    check();
    return inner.claim(now, limit, lease, owner);
  }

  @Override
  public Optional<Instant> nextDue() {
    check();
    return inner.nextDue();
  }

  @Override
  public boolean retry(String id, String owner, AttemptRecord attempt, Instant first, Instant next) {
    check();
    return inner.retry(id, owner, attempt, first, next);
  }

  @Override
  public boolean finish(String id, String owner, DeliveryState state, AttemptRecord attempt, Instant first,
      String reason) {
    check();
    return inner.finish(id, owner, state, attempt, first, reason);
  }

  @Override
  public List<StoredDelivery> lookup(Collection<String> ids) {
    check();
    return inner.lookup(ids);
  }

  @Override
  public int countFailing(String subscriptionId) {
    check();
    return inner.countFailing(subscriptionId);
  }

  @Override
  public List<StoredDelivery> find(DeliveryQuery query) {
    check();
    return inner.find(query);
  }

  @Override
  public List<AttemptRecord> history(String deliveryId) {
    check();
    return inner.history(deliveryId);
  }

  @Override
  public int requeue(DeliveryQuery query, Instant dueAt) {
    check();
    return inner.requeue(query, dueAt);
  }

  @Override
  public int purge(Instant olderThan) {
    check();
    return inner.purge(olderThan);
  }

  @Override
  public boolean durable() {
    return inner.durable();
  }
}
