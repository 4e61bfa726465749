package dev.hookpost;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One of a subscription's signing secrets, with the time it stops signing when it is being
 * rotated out. {@link Subscription#signingKeys()} lists them, so a registry that stores a
 * subscription stores its rotation state too, and {@code Subscription.Builder.signingKeys}
 * restores it.
 *
 * <p>The value picks the scheme: {@code whsec_...} signs {@code v1} (HMAC-SHA256),
 * {@code whsk_...} signs {@code v1a} (Ed25519). It is checked when the subscription is built.
 *
 * @param value {@code whsec_...} or {@code whsk_...}
 * @param expiresAt when it stops signing (attempts from then on leave it out), or null for never
 */
public record SigningKey(String value, Instant expiresAt) {

  /** Checks the value is present. */
  public SigningKey {
    Objects.requireNonNull(value, "value");
  }

  /** A key that signs until it is rotated out. */
  public static SigningKey of(String value) {
    return new SigningKey(value, null);
  }

  /** When this key stops signing, if it is being rotated out. */
  public Optional<Instant> expiry() {
    return Optional.ofNullable(expiresAt);
  }

  /** Whether an attempt at {@code epochSecond} is signed with this key. */
  boolean signsAt(long epochSecond) {
    return expiresAt == null || epochSecond < expiresAt.getEpochSecond();
  }

  /** Never shows the key. */
  @Override
  public String toString() {
    int underscore = value.indexOf('_');
    return "SigningKey[" + (underscore > 0 && underscore < 6 ? value.substring(0, underscore + 1) : "") + "…"
        + (expiresAt == null ? "" : ", expiresAt=" + expiresAt) + "]";
  }
}
