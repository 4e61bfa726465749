package dev.hookpost;

import java.util.Objects;

/**
 * A Standard Webhooks asymmetric key pair, from {@link Signer#generateEd25519KeyPair()}: the
 * sender signs with {@link #signingKey()} ({@code whsk_...}, give it to
 * {@code Subscription.Builder.secret}); receivers verify with {@link #publicKey()}
 * ({@code whpk_...}, give it to {@link WebhookVerifier#create}). Both hold base64 of the raw
 * 32-byte key.
 *
 * @param signingKey {@code whsk_} + base64 of the 32-byte Ed25519 private key; keep it secret
 * @param publicKey {@code whpk_} + base64 of the 32-byte Ed25519 public key; safe to publish
 */
public record Ed25519KeyPair(String signingKey, String publicKey) {

  /** Checks both keys are present. */
  public Ed25519KeyPair {
    Objects.requireNonNull(signingKey, "signingKey");
    Objects.requireNonNull(publicKey, "publicKey");
  }

  /** Shows the public key only. */
  @Override
  public String toString() {
    return "Ed25519KeyPair[publicKey=" + publicKey + "]";
  }
}
