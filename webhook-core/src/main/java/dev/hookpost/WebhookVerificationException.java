package dev.hookpost;

import java.util.Objects;

/**
 * Thrown by {@link WebhookVerifier} when a request is not an authentic, fresh webhook; its
 * {@link #reason()} says why, so a receiver can log it and answer 400 or 401.
 */
public final class WebhookVerificationException extends WebhookException {
  private static final long serialVersionUID = 1L;

  /** Why a webhook failed verification. */
  public enum Reason {
    /** A {@code webhook-id}, {@code webhook-timestamp} or {@code webhook-signature} header is absent. */
    MISSING_HEADER,
    /** {@code webhook-timestamp} is not a whole number of Unix seconds. */
    INVALID_TIMESTAMP,
    /** The timestamp is older than the tolerance: possibly a replay. */
    TIMESTAMP_TOO_OLD,
    /** The timestamp is further in the future than the tolerance. */
    TIMESTAMP_TOO_NEW,
    /** No {@code v1} or {@code v1a} signature among those looked at matched the body under any known key. */
    NO_MATCHING_SIGNATURE
  }

  private final Reason reason;

  WebhookVerificationException(Reason reason, String message) {
    super(message);
    this.reason = Objects.requireNonNull(reason);
  }

  /** Why verification failed. */
  public Reason reason() {
    return reason;
  }
}
