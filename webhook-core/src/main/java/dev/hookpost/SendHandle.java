package dev.hookpost;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * What {@link WebhookPublisher#send} returns at once: the event's id and a future of every
 * matching subscription's final outcome.
 *
 * <pre>{@code
 * List<DeliveryOutcome> outcomes = publisher.send(event).outcomes().get(30, TimeUnit.SECONDS);
 * }</pre>
 *
 * <p>The future completes when every delivery of the event has ended (delivered, gave up,
 * rejected, skipped or abandoned), which under the default retry schedule can take more than a
 * day. It never completes exceptionally. Thread-safe.
 */
public final class SendHandle {
  private final String eventId;
  private final CompletableFuture<List<DeliveryOutcome>> outcomes;

  SendHandle(String eventId, CompletableFuture<List<DeliveryOutcome>> outcomes) {
    this.eventId = eventId;
    this.outcomes = outcomes;
  }

  /** The event's id, sent as {@code webhook-id}. */
  public String eventId() {
    return eventId;
  }

  /**
   * A future of one outcome per matching subscription, in registry order; an empty list when
   * no subscription matched. Completing or cancelling the returned future has no effect on
   * delivery.
   */
  public CompletableFuture<List<DeliveryOutcome>> outcomes() {
    return outcomes.thenApply(list -> list);
  }

  @Override
  public String toString() {
    return "SendHandle[" + eventId + (outcomes.isDone() ? ", done]" : ", pending]");
  }
}
