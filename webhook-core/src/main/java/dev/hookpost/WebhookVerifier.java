package dev.hookpost;

import dev.hookpost.WebhookVerificationException.Reason;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Verifies a received Standard Webhooks request: signature over the raw body, and timestamp
 * within a tolerance to refuse replays.
 *
 * <pre>{@code
 * WebhookVerifier verifier = WebhookVerifier.create("whsec_...");
 * try {
 *   verifier.verify(request.headers(), request.rawBodyBytes());
 * } catch (WebhookVerificationException e) {
 *   return badRequest(e.reason());
 * }
 * }</pre>
 *
 * <ul>
 *   <li>Works on the raw body bytes as received: never parse and re-serialize before verifying.
 *   <li>Header names match case-insensitively.
 *   <li>Accepts the message when any {@code v1} signature in the header matches any secret
 *       (rotation); signatures of other versions are ignored. Compared in constant time.
 *   <li>Tolerance: 5 minutes either side of the verifier's clock by default.
 * </ul>
 *
 * <p>Immutable and thread-safe.
 */
public final class WebhookVerifier {
  /** The default replay window either side of now: 5 minutes. */
  public static final Duration DEFAULT_TOLERANCE = Duration.ofMinutes(5);

  private final StandardWebhooksSigner signer;
  private final Duration tolerance;
  private final Clock clock;

  private WebhookVerifier(StandardWebhooksSigner signer, Duration tolerance, Clock clock) {
    this.signer = signer;
    this.tolerance = tolerance;
    this.clock = clock;
  }

  /**
   * A verifier that accepts signatures made with any of {@code secrets}.
   *
   * @param secrets {@code whsec_} + base64 (the prefix may be omitted), at least one
   * @throws IllegalArgumentException if no secret is given or one is malformed
   */
  public static WebhookVerifier create(String... secrets) {
    return new WebhookVerifier(
        StandardWebhooksSigner.of("secret", Arrays.asList(secrets), false), DEFAULT_TOLERANCE, Clock.systemUTC());
  }

  /**
   * Returns a verifier with another replay window.
   *
   * @throws IllegalArgumentException if the tolerance is null or negative
   */
  public WebhookVerifier withTolerance(Duration newTolerance) {
    if (newTolerance == null || newTolerance.isNegative()) {
      throw new IllegalArgumentException("tolerance must be zero or positive, e.g. Duration.ofMinutes(5)");
    }
    return new WebhookVerifier(signer, newTolerance, clock);
  }

  /** Returns a verifier that reads "now" from {@code newClock} (for tests). */
  public WebhookVerifier withClock(Clock newClock) {
    return new WebhookVerifier(signer, tolerance, Objects.requireNonNull(newClock, "clock"));
  }

  /**
   * Verifies a request given its headers, as most servers expose them.
   *
   * @param headers header names (any case) to their values
   * @param body the raw body bytes exactly as received
   * @throws WebhookVerificationException with the {@link Reason} when the request is not valid
   */
  public void verify(Map<String, ? extends List<String>> headers, byte[] body) {
    verify(header(headers, WebhookHeaders.ID), header(headers, WebhookHeaders.TIMESTAMP),
        header(headers, WebhookHeaders.SIGNATURE), body);
  }

  /**
   * Verifies a request given its three webhook header values.
   *
   * @param webhookId the {@code webhook-id} value, or null when absent
   * @param webhookTimestamp the {@code webhook-timestamp} value, or null when absent
   * @param webhookSignature the {@code webhook-signature} value, or null when absent
   * @param body the raw body bytes exactly as received
   * @throws WebhookVerificationException with the {@link Reason} when the request is not valid
   */
  public void verify(String webhookId, String webhookTimestamp, String webhookSignature, byte[] body) {
    if (webhookId == null || webhookTimestamp == null || webhookSignature == null) {
      String missing = webhookId == null ? WebhookHeaders.ID
          : webhookTimestamp == null ? WebhookHeaders.TIMESTAMP : WebhookHeaders.SIGNATURE;
      throw new WebhookVerificationException(Reason.MISSING_HEADER, "the " + missing + " header is missing");
    }
    long timestamp;
    try {
      timestamp = Long.parseLong(webhookTimestamp.trim());
    } catch (NumberFormatException e) {
      throw new WebhookVerificationException(Reason.INVALID_TIMESTAMP,
          "webhook-timestamp '" + Names.printable(webhookTimestamp) + "' is not Unix seconds");
    }
    long now = clock.instant().getEpochSecond();
    long window = Math.min(tolerance.toSeconds(), 100L * 365 * 24 * 3600); // no overflow for huge tolerances
    if (timestamp < now - window) {
      throw new WebhookVerificationException(Reason.TIMESTAMP_TOO_OLD, "webhook-timestamp " + timestamp
          + " is " + (now - timestamp) + " s old, more than the tolerance of " + tolerance.toSeconds() + " s");
    }
    if (timestamp > now + window) {
      throw new WebhookVerificationException(Reason.TIMESTAMP_TOO_NEW, "webhook-timestamp " + timestamp
          + " is " + (timestamp - now) + " s in the future, more than the tolerance of "
          + tolerance.toSeconds() + " s");
    }
    List<byte[]> expected = signer.macs(webhookId, webhookTimestamp.trim(), body);
    boolean matched = false;
    for (String candidate : webhookSignature.trim().split(" +")) {
      int comma = candidate.indexOf(',');
      if (comma < 0 || !candidate.substring(0, comma).equals("v1")) {
        continue;
      }
      byte[] given;
      try {
        given = Base64.getDecoder().decode(candidate.substring(comma + 1));
      } catch (IllegalArgumentException e) {
        continue;
      }
      for (byte[] mac : expected) {
        matched |= MessageDigest.isEqual(mac, given); // keep going: time does not depend on which matched
      }
    }
    if (!matched) {
      throw new WebhookVerificationException(Reason.NO_MATCHING_SIGNATURE,
          "no v1 signature in webhook-signature matches the body under the configured secret(s)");
    }
  }

  private static String header(Map<String, ? extends List<String>> headers, String name) {
    for (Map.Entry<String, ? extends List<String>> e : headers.entrySet()) {
      if (e.getKey() != null && e.getKey().equalsIgnoreCase(name) && e.getValue() != null
          && !e.getValue().isEmpty()) {
        return String.join(" ", e.getValue());
      }
    }
    return null;
  }

  @Override
  public String toString() {
    return "WebhookVerifier[" + signer + ", tolerance=" + tolerance + "]";
  }
}
