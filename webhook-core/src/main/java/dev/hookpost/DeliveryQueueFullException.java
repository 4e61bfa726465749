package dev.hookpost;

/**
 * Thrown by {@link WebhookPublisher#send} when accepting the event would take the publisher past
 * its limit of pending deliveries. Nothing of the event was accepted, and nothing accepted
 * before is dropped: retry later, slow the producer, or raise the limit.
 */
public final class DeliveryQueueFullException extends WebhookException {
  private static final long serialVersionUID = 1L;

  /** @param message what is full, its limit, and what to do */
  public DeliveryQueueFullException(String message) {
    super(message);
  }
}
