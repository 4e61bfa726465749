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
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** Delegates to a store and counts, per delivery, the ends the store took (its gate). */
final class CountingStore implements DeliveryStore {
  final DeliveryStore inner;
  final Map<String, Integer> ends = new ConcurrentHashMap<>();

  CountingStore(DeliveryStore inner) {
    this.inner = inner;
  }

  @Override
  public boolean finish(String id, String owner, DeliveryState state, AttemptRecord attempt, Instant first,
      String reason) {
    boolean took = inner.finish(id, owner, state, attempt, first, reason);
    if (took) {
      ends.merge(id, 1, Integer::sum);
    }
    return took;
  }

  @Override
  public List<String> enqueue(String eventId, String eventType, byte[] payload, List<String> subs, Instant dueAt) {
    return inner.enqueue(eventId, eventType, payload, subs, dueAt);
  }

  @Override
  public List<StoredDelivery> claim(Instant now, int limit, Duration lease, String owner) {
    return inner.claim(now, limit, lease, owner);
  }

  @Override
  public Optional<Instant> nextDue() {
    return inner.nextDue();
  }

  @Override
  public boolean retry(String id, String owner, AttemptRecord attempt, Instant first, Instant next) {
    return inner.retry(id, owner, attempt, first, next);
  }

  @Override
  public List<StoredDelivery> lookup(Collection<String> ids) {
    return inner.lookup(ids);
  }

  @Override
  public int countFailing(String subscriptionId) {
    return inner.countFailing(subscriptionId);
  }

  @Override
  public boolean awaitRoom(int deliveries, Duration timeout) throws InterruptedException {
    return inner.awaitRoom(deliveries, timeout);
  }

  @Override
  public List<StoredDelivery> find(DeliveryQuery query) {
    return inner.find(query);
  }

  @Override
  public List<AttemptRecord> history(String deliveryId) {
    return inner.history(deliveryId);
  }

  @Override
  public int requeue(DeliveryQuery query, Instant dueAt) {
    return inner.requeue(query, dueAt);
  }

  @Override
  public int purge(Instant olderThan) {
    return inner.purge(olderThan);
  }

  @Override
  public boolean durable() {
    return inner.durable();
  }
}
