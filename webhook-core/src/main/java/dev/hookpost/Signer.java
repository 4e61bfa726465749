package dev.hookpost;

import java.util.Arrays;
import java.util.List;

/**
 * Computes the {@code webhook-signature} header value for one attempt.
 *
 * <p>The built-in signer ({@link #standardWebhooks}) writes Standard Webhooks signatures over
 * {@code "{id}.{timestamp}.{body}"}: {@code v1,} + base64(HMAC-SHA256) for each {@code whsec_}
 * secret, {@code v1a,} + base64(Ed25519 signature) for each {@code whsk_} signing key. With several
 * keys (during rotation) the header holds one signature per key, space-separated, so a receiver
 * holding any of them accepts the message.
 *
 * <pre>{@code
 * Signer signer = Signer.standardWebhooks("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
 * String header = signer.sign("msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, body);
 * }</pre>
 *
 * <p>An application whose keys live elsewhere (a KMS, an HSM) implements this interface and
 * gives it to {@code Subscription.Builder.signer}. The publisher calls such a signer on a thread
 * of its own, never on the threads that serve other endpoints, and gives it 10 seconds: a signer
 * that throws, returns no header, or takes longer fails that attempt (with the reason), which is
 * retried like any other failed attempt.
 *
 * <p>Implementations must be thread-safe; the built-in ones are.
 */
public interface Signer {

  /**
   * Signs one attempt.
   *
   * @param webhookId the {@code webhook-id} header value
   * @param timestampSeconds the {@code webhook-timestamp} header value, Unix seconds
   * @param body the exact request body bytes
   * @return the {@code webhook-signature} header value: one or more space-separated
   *     {@code version,base64} signatures, printable ASCII
   */
  String sign(String webhookId, long timestampSeconds, byte[] body);

  /**
   * A Standard Webhooks signer holding one or more keys.
   *
   * @param secrets each {@code whsec_} + base64 of 24 to 64 bytes (signs {@code v1}), or
   *     {@code whsk_} + base64 of an Ed25519 private key, raw 32 bytes or PKCS#8 DER (signs
   *     {@code v1a}); at least one
   * @throws IllegalArgumentException if no secret is given or one is malformed, naming which
   */
  static Signer standardWebhooks(String... secrets) {
    return standardWebhooks(secrets == null ? null : Arrays.asList(secrets));
  }

  /**
   * A Standard Webhooks signer holding one or more keys; see {@link #standardWebhooks(String...)}.
   *
   * @throws IllegalArgumentException if the list is empty or a secret is malformed
   */
  static Signer standardWebhooks(List<String> secrets) {
    return StandardWebhooksSigner.of("secret",
        secrets == null ? null : secrets.stream().map(s -> SigningKey.of(s == null ? "" : s)).toList());
  }

  /** Returns a new random secret: {@code whsec_} + base64 of 32 bytes from {@link java.security.SecureRandom}. */
  static String generateSecret() {
    return Secrets.generate();
  }

  /**
   * Returns a new Ed25519 key pair from the JDK's own Ed25519: {@code whsk_...} to sign
   * {@code v1a} with, {@code whpk_...} for receivers to verify with. Both are base64 of the raw
   * 32-byte key, as the Standard Webhooks libraries write them.
   */
  static Ed25519KeyPair generateEd25519KeyPair() {
    String[] pair = Ed25519Keys.generate();
    return new Ed25519KeyPair(pair[0], pair[1]);
  }
}
