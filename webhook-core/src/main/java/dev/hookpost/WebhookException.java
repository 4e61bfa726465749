package dev.hookpost;

/**
 * The root of every unchecked exception Hookpost throws for a runtime condition (a closed
 * publisher, a rejected signature). Invalid arguments are reported with
 * {@link IllegalArgumentException} naming the field and what is allowed.
 */
public class WebhookException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Creates an exception with a message that says what happened and what to do. */
  public WebhookException(String message) {
    super(message);
  }

  /** Creates an exception with a message and the underlying cause. */
  public WebhookException(String message, Throwable cause) {
    super(message, cause);
  }
}
