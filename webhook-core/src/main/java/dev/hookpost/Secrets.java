package dev.hookpost;

import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.spec.SecretKeySpec;

/** Parses and generates Standard Webhooks symmetric secrets: {@code whsec_} + base64(24..64 bytes). */
final class Secrets {
  static final String PREFIX = "whsec_";
  static final int MIN_BYTES = 24;
  static final int MAX_BYTES = 64;
  private static final SecureRandom RANDOM = new SecureRandom();

  private Secrets() {}

  /**
   * Decodes a secret into an HMAC-SHA256 key.
   *
   * @param prefixRequired whether the {@code whsec_} prefix must be present (senders: yes;
   *     receivers accept a bare base64 secret too, as the official libraries do)
   * @throws IllegalArgumentException naming {@code field} when the secret is malformed
   */
  static SecretKeySpec parse(String field, String secret, boolean prefixRequired) {
    if (secret == null || secret.isBlank()) {
      throw new IllegalArgumentException(field + " is required; generate one with Signer.generateSecret()"
          + " (whsec_ followed by base64 of 24 to 64 random bytes)");
    }
    String base64;
    if (secret.startsWith(PREFIX)) {
      base64 = secret.substring(PREFIX.length());
    } else if (prefixRequired) {
      String whpk = secret.startsWith("whpk_") ? " (a whpk_ key is an Ed25519 public key: it verifies, on the"
          + " receiver; the sender signs with its whsk_ signing key)" : "";
      throw new IllegalArgumentException(field + " must start with 'whsec_' followed by base64 of 24 to 64 random"
          + " bytes (HMAC, v1), or be a 'whsk_' Ed25519 signing key (v1a)" + whpk + "; generate one with"
          + " Signer.generateSecret() or Signer.generateEd25519KeyPair()");
    } else {
      base64 = secret;
    }
    byte[] key;
    try {
      key = Base64.getDecoder().decode(base64);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(field + " is not valid base64 after 'whsec_' (" + e.getMessage()
          + "); generate one with Signer.generateSecret()", e);
    }
    if (key.length < MIN_BYTES || key.length > MAX_BYTES) {
      throw new IllegalArgumentException(field + " decodes to " + key.length + " bytes; Standard Webhooks"
          + " secrets hold 24 to 64 random bytes; generate one with Signer.generateSecret()");
    }
    return new SecretKeySpec(key, "HmacSHA256");
  }

  static String generate() {
    byte[] key = new byte[32];
    RANDOM.nextBytes(key);
    return PREFIX + Base64.getEncoder().encodeToString(key);
  }
}
