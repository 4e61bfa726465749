package dev.hookpost.internal.store;

import dev.hookpost.spi.AttemptRecord;
import dev.hookpost.spi.DeliveryState;
import dev.hookpost.spi.StoredDelivery;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;

/** One delivery in {@link InMemoryDeliveryStore}: its mutable state, guarded by the store's lock. */
final class Entry {
  final DeliveryKey key;
  final String eventType;
  /** The event's ordering key, or null. */
  final String orderingKey;
  /** The envelope bytes; dropped (null) once the delivery ended and is only remembered. */
  byte[] payload;
  /** What the publisher's interceptors kept with the event; usually the shared empty map. */
  final Map<String, String> metadata;
  final Instant createdAt;
  final long seq;
  DeliveryState state = DeliveryState.PENDING;
  int attempts;
  Instant firstAttemptAt;
  Instant nextAttemptAt;
  int lastStatus;
  String lastError;
  Instant updatedAt;
  String owner; // non-null while leased
  Instant leaseUntil;
  /** While it has a key and is unended: its chain in {@link KeyChains}, and its neighbours there. */
  KeyChains.Chain chain;
  Entry chainPrev;
  Entry chainNext;
  /** Attempts from the second on, with the first; null while there was at most one (most deliveries). */
  ArrayDeque<AttemptRecord> history;

  Entry(DeliveryKey key, String eventType, byte[] payload, Map<String, String> metadata, String orderingKey,
      Instant at, long seq) {
    this.key = key;
    this.eventType = eventType;
    this.orderingKey = orderingKey;
    this.payload = payload;
    this.metadata = metadata;
    this.createdAt = at;
    this.nextAttemptAt = at;
    this.updatedAt = at;
    this.seq = seq;
  }

  String id() {
    return key.deliveryId();
  }

  /** The first attempt lives in the entry's own fields; a history object only exists from the second. */
  AttemptRecord firstAttempt() {
    return new AttemptRecord(1, firstAttemptAt, java.time.Duration.between(firstAttemptAt, updatedAt), lastStatus,
        lastError);
  }

  List<AttemptRecord> attempts() {
    if (history != null) {
      return List.copyOf(history);
    }
    return attempts == 1 && firstAttemptAt != null ? List.of(firstAttempt()) : List.of();
  }

  StoredDelivery view() {
    return new StoredDelivery(id(), key.eventId(), eventType, payload != null ? payload : new byte[0],
        key.subscriptionId(), state, attempts, createdAt,
        firstAttemptAt, nextAttemptAt, lastStatus, lastError, updatedAt, metadata, orderingKey);
  }
}
