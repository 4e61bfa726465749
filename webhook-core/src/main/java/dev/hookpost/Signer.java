package dev.hookpost;

import java.util.Arrays;
import java.util.List;

/**
 * Computes the {@code webhook-signature} header value for one attempt.
 *
 * <p>The only scheme today is Standard Webhooks symmetric {@code v1}:
 * {@code v1,} + base64(HMAC-SHA256(secret, "{id}.{timestamp}.{body}")). With several secrets
 * (during rotation) the header holds one signature per secret, space-separated, so a receiver
 * holding either the old or the new secret accepts the message.
 *
 * <pre>{@code
 * Signer signer = Signer.standardWebhooks("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
 * String header = signer.sign("msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, body);
 * }</pre>
 *
 * <p>Implementations are thread-safe.
 */
public interface Signer {

  /**
   * Signs one attempt.
   *
   * @param webhookId the {@code webhook-id} header value
   * @param timestampSeconds the {@code webhook-timestamp} header value, Unix seconds
   * @param body the exact request body bytes
   * @return the {@code webhook-signature} header value
   */
  String sign(String webhookId, long timestampSeconds, byte[] body);

  /**
   * A Standard Webhooks {@code v1} signer holding one or more secrets.
   *
   * @param secrets each {@code whsec_} + base64 of 24 to 64 bytes; at least one
   * @throws IllegalArgumentException if no secret is given or one is malformed
   */
  static Signer standardWebhooks(String... secrets) {
    return standardWebhooks(Arrays.asList(secrets));
  }

  /**
   * A Standard Webhooks {@code v1} signer holding one or more secrets.
   *
   * @throws IllegalArgumentException if the list is empty or a secret is malformed
   */
  static Signer standardWebhooks(List<String> secrets) {
    return StandardWebhooksSigner.of("secret", secrets, true);
  }

  /** Returns a new random secret: {@code whsec_} + base64 of 32 bytes from {@link java.security.SecureRandom}. */
  static String generateSecret() {
    return Secrets.generate();
  }
}
