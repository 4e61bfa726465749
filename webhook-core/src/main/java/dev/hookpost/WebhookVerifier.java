package dev.hookpost;

import dev.hookpost.WebhookVerificationException.Reason;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.Signature;
import java.security.SignatureException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import javax.crypto.spec.SecretKeySpec;

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
 *   <li>Accepts the message when any {@code v1} signature in the header matches any
 *       {@code whsec_} secret (compared in constant time), or any {@code v1a} signature verifies
 *       under any {@code whpk_} Ed25519 public key: give it several during a rotation.
 *   <li>Looks at the first {@value #MAX_SIGNATURES} space-separated signatures only; entries
 *       that are malformed, of another version, or of a scheme it holds no key for are skipped.
 *   <li>Tolerance: 5 minutes either side of the verifier's clock by default.
 * </ul>
 *
 * <p>Immutable and thread-safe.
 */
public final class WebhookVerifier {
  /** The default replay window either side of now: 5 minutes. */
  public static final Duration DEFAULT_TOLERANCE = Duration.ofMinutes(5);

  /** How many entries of {@code webhook-signature} are looked at, at most. */
  public static final int MAX_SIGNATURES = 16;
  private static final int V1_BASE64 = 44; // 32-byte HMAC-SHA256
  private static final int V1A_BASE64 = 88; // 64-byte Ed25519 signature

  private final List<SecretKeySpec> secrets;
  private final List<PublicKey> publicKeys;
  private final Duration tolerance;
  private final Clock clock;

  private WebhookVerifier(List<SecretKeySpec> secrets, List<PublicKey> publicKeys, Duration tolerance, Clock clock) {
    this.secrets = secrets;
    this.publicKeys = publicKeys;
    this.tolerance = tolerance;
    this.clock = clock;
  }

  /**
   * A verifier that accepts signatures made with any of {@code keys}.
   *
   * @param keys at least one; each a symmetric secret, {@code whsec_} + base64 (the prefix may
   *     be omitted), verifying {@code v1}, or an Ed25519 public key, {@code whpk_} + base64 of
   *     the raw 32 bytes or of its SubjectPublicKeyInfo DER encoding, verifying {@code v1a}
   * @throws IllegalArgumentException if no key is given, one is malformed, or one is a
   *     {@code whsk_} signing key (receivers hold the {@code whpk_} public key only)
   */
  public static WebhookVerifier create(String... keys) {
    if (keys == null || keys.length == 0) {
      throw new IllegalArgumentException("secret is required: a whsec_ secret (v1) or a whpk_ public key (v1a)");
    }
    List<SecretKeySpec> secrets = new ArrayList<>();
    List<PublicKey> publicKeys = new ArrayList<>();
    for (int i = 0; i < keys.length; i++) {
      String name = keys.length == 1 ? "secret" : "secret #" + (i + 1);
      String key = keys[i];
      if (key != null && key.startsWith(Ed25519Keys.SIGNING_PREFIX)) {
        throw new IllegalArgumentException(name + " is a whsk_ signing key; a receiver verifies with the matching"
            + " whpk_ public key, and the signing key stays with the sender");
      } else if (key != null && key.startsWith(Ed25519Keys.PUBLIC_PREFIX)) {
        publicKeys.add(Ed25519Keys.publicKey(name, key));
      } else {
        secrets.add(Secrets.parse(name, key, false));
      }
    }
    return new WebhookVerifier(List.copyOf(secrets), List.copyOf(publicKeys), DEFAULT_TOLERANCE, Clock.systemUTC());
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
    return new WebhookVerifier(secrets, publicKeys, newTolerance, clock);
  }

  /** Returns a verifier that reads "now" from {@code newClock} (for tests). */
  public WebhookVerifier withClock(Clock newClock) {
    return new WebhookVerifier(secrets, publicKeys, tolerance, Objects.requireNonNull(newClock, "clock"));
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
    matchSignature(StandardWebhooksSigner.prefix(webhookId, webhookTimestamp.trim()), webhookSignature, body);
  }

  /**
   * Looks at the first {@value #MAX_SIGNATURES} entries of the header, skipping malformed ones
   * by their length and alphabet (no exception, no copy), and throws unless one matches.
   */
  private void matchSignature(byte[] prefix, String header, byte[] body) {
    List<byte[]> macs = null; // computed at the first well-formed v1 entry
    boolean matched = false;
    int examined = 0;
    int skipped = 0;
    int n = header.length();
    int pos = 0;
    while (true) {
      while (pos < n && header.charAt(pos) == ' ') {
        pos++;
      }
      if (pos == n || examined == MAX_SIGNATURES) {
        break;
      }
      int end = header.indexOf(' ', pos);
      end = end < 0 ? n : end;
      examined++;
      if (!secrets.isEmpty() && isEntry(header, pos, end, "v1,", V1_BASE64)) {
        byte[] given = decode(header, end - V1_BASE64, end);
        if (macs == null) {
          macs = new ArrayList<>(secrets.size());
          for (SecretKeySpec secret : secrets) {
            macs.add(StandardWebhooksSigner.hmac(secret, prefix, body));
          }
        }
        for (byte[] mac : macs) {
          matched |= given != null && MessageDigest.isEqual(mac, given); // time does not depend on which matched
        }
      } else if (!publicKeys.isEmpty() && isEntry(header, pos, end, "v1a,", V1A_BASE64)) {
        byte[] given = decode(header, end - V1A_BASE64, end);
        for (PublicKey key : publicKeys) {
          matched |= given != null && ed25519Verifies(key, prefix, body, given);
        }
      } else {
        skipped++;
      }
      pos = end;
    }
    if (!matched) {
      throw new WebhookVerificationException(Reason.NO_MATCHING_SIGNATURE, "no signature in webhook-signature"
          + " matches the body under the " + secrets.size() + " secret(s) (v1) and " + publicKeys.size()
          + " public key(s) (v1a) held; " + examined + " looked at, " + skipped + " skipped as malformed, of another"
          + " version, or of a scheme with no key here"
          + (pos < n ? "; only the first " + MAX_SIGNATURES + " signatures are looked at" : ""));
    }
  }

  /** Whether {@code header[from, to)} is {@code version} followed by {@code length} base64 characters. */
  private static boolean isEntry(String header, int from, int to, String version, int length) {
    if (to - from != version.length() + length || !header.startsWith(version, from)) {
      return false;
    }
    for (int i = from + version.length(); i < to; i++) {
      char c = header.charAt(i);
      if (!(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '+' || c == '/' || c == '=')) {
        return false;
      }
    }
    return true;
  }

  /** The bytes of a well-formed entry's base64, or null when its padding is misplaced. */
  private static byte[] decode(String header, int from, int to) {
    try {
      return Base64.getDecoder().decode(header.substring(from, to));
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private static boolean ed25519Verifies(PublicKey key, byte[] prefix, byte[] body, byte[] signature) {
    try {
      Signature verifier = Signature.getInstance("Ed25519");
      verifier.initVerify(key);
      verifier.update(prefix);
      verifier.update(body);
      return verifier.verify(signature);
    } catch (SignatureException e) {
      return false; // not an encoding of an Ed25519 signature
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("Ed25519 verification failed", e);
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
    return "WebhookVerifier[" + secrets.size() + " secret(s), " + publicKeys.size() + " public key(s), tolerance="
        + tolerance + "]";
  }
}
