package dev.hookpost.spring;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Objects;

/**
 * An incoming webhook whose signature and timestamp {@link WebhookVerificationFilter} verified:
 * its {@code webhook-id} (deduplicate on it: deliveries are at-least-once), its
 * {@code webhook-timestamp}, and the raw body bytes exactly as verified.
 *
 * <p>A Spring MVC controller takes it as a parameter:
 * <pre>{@code
 * @PostMapping("/webhooks/orders")
 * ResponseEntity<Void> orders(VerifiedWebhook webhook) {
 *     if (seen.add(webhook.id())) { ... webhook.bodyAsString() ... }
 *     return ResponseEntity.noContent().build();
 * }
 * }</pre>
 * {@code @RequestBody} works beside it: the filter hands the controller the same bytes.
 *
 * <p>Immutable and thread-safe.
 */
public final class VerifiedWebhook {
  private final String id;
  private final Instant timestamp;
  private final byte[] body;

  /** A verified webhook; {@code body} is copied. */
  public VerifiedWebhook(String id, Instant timestamp, byte[] body) {
    this.id = Objects.requireNonNull(id, "id");
    this.timestamp = Objects.requireNonNull(timestamp, "timestamp");
    this.body = Objects.requireNonNull(body, "body").clone();
  }

  /** The {@code webhook-id}: the same on every retry of one event. */
  public String id() {
    return id;
  }

  /** The {@code webhook-timestamp} of this attempt. */
  public Instant timestamp() {
    return timestamp;
  }

  /** A copy of the raw body bytes that were verified. */
  public byte[] body() {
    return body.clone();
  }

  /** The body as UTF-8 text (JSON). */
  public String bodyAsString() {
    return new String(body, StandardCharsets.UTF_8);
  }

  @Override
  public String toString() {
    return "VerifiedWebhook[" + id + ", " + timestamp + ", " + body.length + " bytes]";
  }
}
