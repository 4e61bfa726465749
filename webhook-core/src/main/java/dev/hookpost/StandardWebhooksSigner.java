package dev.hookpost;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.PrivateKey;
import java.security.Signature;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Standard Webhooks signatures over {@code id.timestamp.body}: symmetric {@code v1} for each
 * {@code whsec_} secret, asymmetric {@code v1a} (the JDK's Ed25519) for each {@code whsk_} key,
 * leaving out keys whose rotation grace period is over at the attempt's timestamp. Thread-safe.
 */
final class StandardWebhooksSigner implements Signer {
  /**
   * One Mac per thread, re-keyed only when the key changes: a thread signing for one endpoint
   * after another skips the key setup, and memory does not grow with subscriptions x threads.
   */
  private static final ThreadLocal<KeyedMac> MAC = ThreadLocal.withInitial(KeyedMac::new);

  private final List<Entry> entries;
  /** The one key when it is a lasting HMAC secret (the common case): signed without the loop. */
  private final SecretKeySpec only;

  /** One key: an HMAC secret or an Ed25519 private key, and the Unix second it stops signing. */
  private record Entry(SecretKeySpec hmac, PrivateKey ed25519, long expiresAt) {}

  private StandardWebhooksSigner(List<Entry> entries) {
    this.entries = entries;
    Entry first = entries.get(0);
    this.only = entries.size() == 1 && first.hmac != null && first.expiresAt == Long.MAX_VALUE ? first.hmac : null;
  }

  /**
   * A thread's Mac, and the arrays a signature's header is built in rather than in three fresh
   * strings and arrays.
   */
  private static final class KeyedMac {
    final Mac mac;
    SecretKeySpec key;
    private final byte[] base64 = new byte[44];
    /** {@code v1,} and the digest in base64. */
    private final byte[] header = new byte[3 + 44];

    KeyedMac() {
      header[0] = 'v';
      header[1] = '1';
      header[2] = ',';
      try {
        mac = Mac.getInstance("HmacSHA256");
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("this JVM has no HmacSHA256", e);
      }
    }

    Mac keyedWith(SecretKeySpec k) {
      if (k != key) {
        try {
          mac.init(k);
        } catch (InvalidKeyException e) {
          throw new IllegalStateException("HmacSHA256 refused a key", e);
        }
        key = k;
      }
      return mac;
    }

    /** The {@code v1,} signature of the prefix and body with the mac as keyed, as a header value. */
    String signature(Mac keyed, byte[] prefix, byte[] body) {
      Base64.getEncoder().encode(mac(keyed, prefix, body), base64);
      System.arraycopy(base64, 0, header, 3, base64.length);
      return new String(header, StandardCharsets.ISO_8859_1);
    }
  }

  /**
   * A signer for {@code keys}: {@code whsec_} secrets sign {@code v1}, {@code whsk_} keys
   * {@code v1a}.
   *
   * @throws IllegalArgumentException naming {@code field} (and the key's number among several)
   *     when there is no key, one is malformed, or every key expires
   */
  static StandardWebhooksSigner of(String field, List<SigningKey> keys) {
    if (keys == null || keys.isEmpty()) {
      throw new IllegalArgumentException(field + " is required; generate one with Signer.generateSecret() (v1, HMAC)"
          + " or Signer.generateEd25519KeyPair() (v1a, Ed25519)");
    }
    List<Entry> entries = new ArrayList<>(keys.size());
    boolean lasting = false;
    for (int i = 0; i < keys.size(); i++) {
      String name = keys.size() == 1 ? field : field + " #" + (i + 1);
      SigningKey key = Objects.requireNonNull(keys.get(i), name);
      long expires = key.expiresAt() == null ? Long.MAX_VALUE : key.expiresAt().getEpochSecond();
      lasting |= key.expiresAt() == null;
      entries.add(key.value().startsWith(Ed25519Keys.SIGNING_PREFIX)
          ? new Entry(null, Ed25519Keys.signingKey(name, key.value()), expires)
          : new Entry(Secrets.parse(name, key.value(), true), null, expires));
    }
    if (!lasting) {
      throw new IllegalArgumentException(field + ": every key has an expiry, so signing would stop; keep the current"
          + " key without one (rotateSecret(...) does), e.g. SigningKey.of(\"whsec_...\")");
    }
    return new StandardWebhooksSigner(List.copyOf(entries));
  }

  @Override
  public String sign(String webhookId, long timestampSeconds, byte[] body) {
    // The long goes into the concatenation as digits directly, without a String of its own.
    byte[] prefix = (webhookId + '.' + timestampSeconds + '.').getBytes(StandardCharsets.UTF_8);
    KeyedMac holder = MAC.get();
    return only != null ? holder.signature(holder.keyedWith(only), prefix, body)
        : signEach(holder, timestampSeconds, prefix, body);
  }

  /** The header with one signature per key still signing at {@code timestampSeconds}. */
  private String signEach(KeyedMac holder, long timestampSeconds, byte[] prefix, byte[] body) {
    StringBuilder header = new StringBuilder(entries.size() * 92);
    for (Entry e : entries) {
      if (timestampSeconds >= e.expiresAt) {
        continue; // rotated out: its grace period is over
      }
      if (header.length() > 0) {
        header.append(' ');
      }
      header.append(e.hmac != null ? holder.signature(holder.keyedWith(e.hmac), prefix, body)
          : "v1a," + Base64.getEncoder().encodeToString(ed25519(e.ed25519, prefix, body)));
    }
    return header.toString();
  }

  private static byte[] ed25519(PrivateKey key, byte[] prefix, byte[] body) {
    try {
      Signature signature = Signature.getInstance("Ed25519");
      signature.initSign(key);
      signature.update(prefix);
      signature.update(body);
      return signature.sign();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("Ed25519 signing failed", e);
    }
  }

  /** The raw HMAC-SHA256 of {@code prefix} and {@code body} under {@code key}, on this thread's Mac. */
  static byte[] hmac(SecretKeySpec key, byte[] prefix, byte[] body) {
    KeyedMac holder = MAC.get();
    return mac(holder.keyedWith(key), prefix, body);
  }

  /**
   * The signed content before the body, {@code id.timestamp.}, as one array: one {@code update}
   * instead of four ({@link #sign} writes it with the timestamp as a number).
   */
  static byte[] prefix(String webhookId, String timestamp) {
    return (webhookId + '.' + timestamp + '.').getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] mac(Mac mac, byte[] prefix, byte[] body) {
    mac.update(prefix);
    return mac.doFinal(body);
  }

  @Override
  public String toString() {
    return "StandardWebhooksSigner[" + entries.size() + " key(s)]";
  }
}
