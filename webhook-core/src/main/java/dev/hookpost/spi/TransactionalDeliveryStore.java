package dev.hookpost.spi;

import dev.hookpost.Event;
import dev.hookpost.WebhookException;
import dev.hookpost.WebhookPublisher;
import java.sql.Connection;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A {@link DeliveryStore} that can enqueue inside the application's own database transaction
 * (the transactional outbox): the event is stored if and only if the caller commits. Used by
 * {@link WebhookPublisher#send(Event, Connection)}.
 */
public interface TransactionalDeliveryStore extends DeliveryStore {

  /**
   * Like {@link #enqueue(String, String, byte[], List, Instant)}, but with the caller's open
   * connection and inside its transaction; never commits, rolls back or closes it.
   *
   * @return the subscription ids that got a new delivery (the others had one already)
   * @throws WebhookException if the statements fail (the caller's transaction should roll back)
   */
  List<String> enqueue(Connection connection, String eventId, String eventType, byte[] payload, List<String> subscriptionIds,
      Instant dueAt);

  /**
   * Like {@link #enqueue(Connection, String, String, byte[], List, Instant)}, and keeps
   * {@code metadata} and {@code orderingKey} (null: none) with the event as {@link
   * DeliveryStore#enqueue(String, String, byte[], Map, String, List, Instant)} does. The
   * publisher calls this one. Default: refuses a key, else the plain {@code enqueue}, which drops
   * the metadata.
   *
   * @throws UnsupportedOperationException if {@code orderingKey} is not null and this store does
   *     not keep keys (nothing was stored)
   * @throws WebhookException if the statements fail (the caller's transaction should roll back)
   */
  default List<String> enqueue(Connection connection, String eventId, String eventType, byte[] payload,
      Map<String, String> metadata, String orderingKey, List<String> subscriptionIds, Instant dueAt) {
    if (orderingKey != null) {
      throw new UnsupportedOperationException(this + " does not keep ordering keys, so event " + eventId
          + " was not stored; send it without a key");
    }
    return enqueue(connection, eventId, eventType, payload, subscriptionIds, dueAt);
  }
}
