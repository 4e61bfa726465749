package dev.hookpost;

/**
 * A delivery's identity as the two ids it is made of: smaller than the
 * {@code eventId + "/" + subscriptionId} string, and sharing both strings with their owners.
 */
record DeliveryKey(String eventId, String subscriptionId) {
  /** Parses a delivery id; event ids cannot hold {@code '/'} (see {@link Names}). */
  static DeliveryKey of(String deliveryId) {
    int slash = deliveryId.indexOf('/');
    return slash < 0 ? new DeliveryKey(deliveryId, "")
        : new DeliveryKey(deliveryId.substring(0, slash), deliveryId.substring(slash + 1));
  }

  String deliveryId() {
    return StoredDelivery.idOf(eventId, subscriptionId);
  }
}
