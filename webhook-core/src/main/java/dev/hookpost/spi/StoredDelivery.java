package dev.hookpost.spi;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * One delivery (one event to one subscription) as a {@link DeliveryStore} holds it.
 *
 * @param deliveryId unique: {@code eventId + "/" + subscriptionId}
 * @param eventId the event's id, its {@code webhook-id}
 * @param eventType the event's type
 * @param payload the envelope bytes, shared by every delivery of the event; do not modify
 * @param subscriptionId which subscription it is for
 * @param state where it stands
 * @param attempts attempts made so far
 * @param createdAt when it was enqueued
 * @param firstAttemptAt when the first attempt started, or null before it
 * @param nextAttemptAt when it is due (for {@link DeliveryState#PENDING})
 * @param lastStatus the last HTTP status, or 0
 * @param lastError the last error or the reason it ended, or null
 * @param updatedAt when it last changed
 * @param metadata what {@link AttemptInterceptor#capture} kept with the event when it was sent
 *     (e.g. the W3C {@code traceparent} of the sending trace); never sent as such; empty when
 *     nothing was kept
 * @param orderingKey the event's ordering key, or null: a store claims a delivery with a key only
 *     when no earlier-sent delivery of the same subscription and key is still pending
 */
public record StoredDelivery(String deliveryId, String eventId, String eventType, byte[] payload,
    String subscriptionId, DeliveryState state, int attempts, Instant createdAt, Instant firstAttemptAt,
    Instant nextAttemptAt, int lastStatus, String lastError, Instant updatedAt, Map<String, String> metadata,
    String orderingKey) {

  /** @throws NullPointerException if a required component, or a metadata key or value, is null */
  public StoredDelivery {
    Objects.requireNonNull(deliveryId, "deliveryId");
    Objects.requireNonNull(eventId, "eventId");
    Objects.requireNonNull(eventType, "eventType");
    Objects.requireNonNull(payload, "payload");
    Objects.requireNonNull(subscriptionId, "subscriptionId");
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(createdAt, "createdAt");
    Objects.requireNonNull(updatedAt, "updatedAt");
    metadata = Map.copyOf(Objects.requireNonNull(metadata, "metadata"));
  }

  /**
   * A delivery with no metadata and no ordering key.
   *
   * @throws NullPointerException if a required component is null
   */
  public StoredDelivery(String deliveryId, String eventId, String eventType, byte[] payload, String subscriptionId,
      DeliveryState state, int attempts, Instant createdAt, Instant firstAttemptAt, Instant nextAttemptAt,
      int lastStatus, String lastError, Instant updatedAt) {
    this(deliveryId, eventId, eventType, payload, subscriptionId, state, attempts, createdAt, firstAttemptAt,
        nextAttemptAt, lastStatus, lastError, updatedAt, Map.of(), null);
  }

  /** The id of the delivery of {@code eventId} to {@code subscriptionId}. */
  public static String idOf(String eventId, String subscriptionId) {
    return eventId + "/" + subscriptionId;
  }

  @Override
  public String toString() {
    return "StoredDelivery[" + deliveryId + ", " + state + ", attempts=" + attempts
        + (lastStatus != 0 ? ", lastStatus=" + lastStatus : "") + (lastError != null ? ", " + lastError : "") + "]";
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof StoredDelivery d && deliveryId.equals(d.deliveryId) && state == d.state
        && attempts == d.attempts && updatedAt.equals(d.updatedAt);
  }

  @Override
  public int hashCode() {
    return deliveryId.hashCode();
  }
}
