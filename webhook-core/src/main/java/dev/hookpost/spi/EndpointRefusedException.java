package dev.hookpost.spi;

import dev.hookpost.DeliveryOutcome;
import dev.hookpost.WebhookException;

/**
 * A transport's refusal to contact an endpoint, for example because its address is private or
 * its scheme is not allowed. The delivery ends at once as {@link DeliveryOutcome.Rejected}: it
 * is never retried.
 */
public class EndpointRefusedException extends WebhookException {
  private static final long serialVersionUID = 1L;

  /** Creates a refusal whose message says what was refused and how to allow it. */
  public EndpointRefusedException(String message) {
    super(message);
  }
}
