package dev.hookpost.internal.store;

import dev.hookpost.spi.StoredDelivery;

/**
 * A delivery's identity as the two ids it is made of: smaller than the
 * {@code eventId + "/" + subscriptionId} string, and sharing both strings with their owners.
 */
public record DeliveryKey(String eventId, String subscriptionId) {
  /** Parses a delivery id; event ids cannot hold {@code '/'} (see {@code Names}). */
  public static DeliveryKey of(String deliveryId) {
    int slash = deliveryId.indexOf('/');
    return slash < 0 ? new DeliveryKey(deliveryId, "")
        : new DeliveryKey(deliveryId.substring(0, slash), deliveryId.substring(slash + 1));
  }

  /** The delivery id, {@code eventId + "/" + subscriptionId}. */
  public String deliveryId() {
    return StoredDelivery.idOf(eventId, subscriptionId);
  }

  // equals and hashCode are written out: the generated ones go through method handles, which
  // showed up in profiles of the engine's maps (several lookups per delivery).

  @Override
  public boolean equals(Object o) {
    return o instanceof DeliveryKey k && eventId.equals(k.eventId) && subscriptionId.equals(k.subscriptionId);
  }

  @Override
  public int hashCode() {
    return 31 * eventId.hashCode() + subscriptionId.hashCode();
  }
}
