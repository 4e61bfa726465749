package dev.hookpost;

import java.time.Instant;
import java.util.Objects;

/**
 * Something that happened in the application, to be delivered to every subscription that
 * listens for its {@link #type()}.
 *
 * <p>On the wire an event is the JSON envelope
 * {@code {"type":..., "timestamp":<RFC 3339>, "data":...}}; its {@link #id()} travels as the
 * {@code webhook-id} header, the same for every attempt and every subscription, so receivers
 * can drop duplicates.
 *
 * <pre>{@code
 * Event e = Event.of("order.created", Map.of("orderId", "A-1001"));
 * Event same = e.withId("evt_order_A-1001");  // an id of your own, e.g. for idempotency
 * }</pre>
 *
 * <p>Immutable and thread-safe when {@code data} is.
 *
 * @param id unique id; generated as {@code evt_} + a time-ordered ULID unless set; at most 255
 *     characters of {@code [A-Za-z0-9_.-]}
 * @param type what happened, e.g. {@code order.created}; non-blank, at most 255 characters of
 *     {@code [A-Za-z0-9_.-]}
 * @param timestamp when it happened
 * @param data the payload: any object the publisher's {@link EventCodec} can serialize (by
 *     default any Jackson-serializable object), a Jackson tree, or {@link RawJson}; may be
 *     {@code null}, which is sent as JSON {@code null}
 * @param tenant whose event it is (e.g. one customer of the application), or null for the
 *     application's own: an event of tenant X reaches X's subscriptions and those listening to
 *     every tenant; one without a tenant reaches only subscriptions without one. Not sent on
 *     the wire. See {@link #forTenant}
 * @param orderingKey deliveries with the same key to one subscription are attempted strictly
 *     in send order; null (the default) for none. Not sent on the wire. See
 *     {@link #withOrderingKey}
 */
public record Event(String id, String type, Instant timestamp, Object data, String tenant, String orderingKey) {

  /**
   * Validates every field.
   *
   * @throws IllegalArgumentException if the id or type is missing, blank, too long or has a
   *     character outside {@code [A-Za-z0-9_.-]}, the timestamp is missing, or a tenant or
   *     ordering key is given but blank, longer than 255 characters or holds a control character
   */
  public Event {
    Names.require("event id", id, "evt_01JD5M3Z8Q");
    Names.require("event type", type, "order.created");
    if (timestamp == null) {
      throw new IllegalArgumentException("event timestamp is required; use Event.of(type, data) for 'now'");
    }
    Names.requireKey("event tenant", tenant, "acme");
    Names.requireKey("event ordering key", orderingKey, "order-A-1001");
  }

  /** An event without tenant and ordering key; see {@link Event}. */
  public Event(String id, String type, Instant timestamp, Object data) {
    this(id, type, timestamp, data, null, null);
  }

  /**
   * Creates an event of {@code type} that happened now, with a fresh time-ordered id.
   *
   * @throws IllegalArgumentException if the type is invalid (see {@link Event})
   */
  public static Event of(String type, Object data) {
    Instant now = Instant.now();
    return new Event(Ids.newId("evt_", now.toEpochMilli()), type, now, data);
  }

  /**
   * Returns a copy with another id, e.g. one derived from the business key so that a re-sent
   * event keeps its {@code webhook-id}.
   *
   * @throws IllegalArgumentException if the id is invalid
   */
  public Event withId(String newId) {
    return new Event(newId, type, timestamp, data, tenant, orderingKey);
  }

  /** Returns a copy with another timestamp (when the event happened). */
  public Event withTimestamp(Instant newTimestamp) {
    return new Event(id, type, newTimestamp, data, tenant, orderingKey);
  }

  /**
   * Returns a copy that belongs to {@code tenant} (null: to none), e.g. the customer whose order
   * it is: {@code Event.of("order.created", order).forTenant("acme")}.
   *
   * @throws IllegalArgumentException if the tenant is blank, longer than 255 characters or holds a
   *     control character
   */
  public Event forTenant(String newTenant) {
    return new Event(id, type, timestamp, data, newTenant, orderingKey);
  }

  /**
   * Returns a copy with an ordering key (null: none): for each subscription, deliveries of events
   * with the same key are attempted one at a time, in the order they were sent; a later one waits
   * until the earlier one is delivered or has ended (given up, rejected, skipped). Other keys
   * and other subscriptions are not held up. Typically the id of the entity the event is about:
   * {@code Event.of("order.updated", order).withOrderingKey(order.id())}.
   *
   * @throws IllegalArgumentException if the key is blank, longer than 255 characters or holds a
   *     control character
   */
  public Event withOrderingKey(String newOrderingKey) {
    return new Event(id, type, timestamp, data, tenant, newOrderingKey);
  }

  @Override
  public String toString() {
    return "Event[id=" + id + ", type=" + type + ", timestamp=" + timestamp
        + (tenant == null ? "" : ", tenant=" + tenant) + (orderingKey == null ? "" : ", orderingKey=" + orderingKey) + "]";
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Event e && id.equals(e.id) && type.equals(e.type)
        && timestamp.equals(e.timestamp) && Objects.equals(data, e.data) && Objects.equals(tenant, e.tenant)
        && Objects.equals(orderingKey, e.orderingKey);
  }

  @Override
  public int hashCode() {
    return Objects.hash(id, type, timestamp, data);
  }
}
