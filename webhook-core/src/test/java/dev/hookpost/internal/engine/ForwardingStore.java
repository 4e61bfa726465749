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

/** A store that forwards every call to another, running {@link #beforeEach} first: the base of test stores. */
class ForwardingStore implements DeliveryStore {
  final DeliveryStore inner;

  ForwardingStore(DeliveryStore inner) {
    this.inner = inner;
  }

  /** Runs before every forwarded call; does nothing unless overridden. */
  void beforeEach() {}

  @Override
  public List<String> enqueue(String eventId, String eventType, byte[] payload, List<String> subs, Instant dueAt) {
    beforeEach();
    return inner.enqueue(eventId, eventType, payload, subs, dueAt);
  }

  @Override
  public List<StoredDelivery> claim(Instant now, int limit, Duration lease, String owner) {
    beforeEach();
    return inner.claim(now, limit, lease, owner);
  }

  @Override
  public Optional<Instant> nextDue() {
    beforeEach();
    return inner.nextDue();
  }

  @Override
  public boolean retry(String id, String owner, AttemptRecord attempt, Instant first, Instant next) {
    beforeEach();
    return inner.retry(id, owner, attempt, first, next);
  }

  @Override
  public boolean finish(String id, String owner, DeliveryState state, AttemptRecord attempt, Instant first,
      String reason) {
    beforeEach();
    return inner.finish(id, owner, state, attempt, first, reason);
  }

  @Override
  public List<StoredDelivery> lookup(Collection<String> ids) {
    beforeEach();
    return inner.lookup(ids);
  }

  @Override
  public int countFailing(String subscriptionId) {
    beforeEach();
    return inner.countFailing(subscriptionId);
  }

  @Override
  public boolean awaitRoom(int deliveries, Duration timeout) throws InterruptedException {
    beforeEach();
    return inner.awaitRoom(deliveries, timeout);
  }

  @Override
  public List<StoredDelivery> find(DeliveryQuery query) {
    beforeEach();
    return inner.find(query);
  }

  @Override
  public List<AttemptRecord> history(String deliveryId) {
    beforeEach();
    return inner.history(deliveryId);
  }

  @Override
  public List<StoredDelivery> skipPending(String subscriptionId, String reason, Instant now) {
    beforeEach();
    return inner.skipPending(subscriptionId, reason, now);
  }

  @Override
  public int requeue(DeliveryQuery query, Instant dueAt) {
    beforeEach();
    return inner.requeue(query, dueAt);
  }

  @Override
  public int purge(Instant olderThan) {
    beforeEach();
    return inner.purge(olderThan);
  }

  @Override
  public boolean durable() {
    return inner.durable();
  }
}
