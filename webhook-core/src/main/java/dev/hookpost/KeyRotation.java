package dev.hookpost;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** Pure: a subscription's keys after a rotation. */
final class KeyRotation {
  private KeyRotation() {}

  /**
   * The keys after {@code newKey} takes over at {@code now}: keys already expired are dropped,
   * the others sign until {@code now + grace} (or their earlier expiry), and the new key, last,
   * signs without an expiry.
   *
   * @throws IllegalArgumentException if the grace period is negative or null
   */
  static List<SigningKey> rotate(List<SigningKey> keys, String newKey, Instant now, Duration grace) {
    Objects.requireNonNull(now, "now");
    if (grace == null || grace.isNegative()) {
      throw new IllegalArgumentException("grace must be zero or positive, e.g. Subscription.DEFAULT_ROTATION_GRACE (24 h)");
    }
    Instant end = now.plus(grace);
    List<SigningKey> next = new ArrayList<>(keys.size() + 1);
    for (SigningKey k : keys) {
      if (k.signsAt(now.getEpochSecond()) && !k.value().equals(newKey)) {
        next.add(k.expiresAt() != null && k.expiresAt().isBefore(end) ? k : new SigningKey(k.value(), end));
      }
    }
    next.add(SigningKey.of(newKey));
    return next;
  }
}
