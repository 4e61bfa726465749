package dev.hookpost;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** Standard Webhooks symmetric {@code v1} signatures over {@code id.timestamp.body}. Thread-safe. */
final class StandardWebhooksSigner implements Signer {
  /**
   * One Mac per thread, re-keyed only when the key changes: a thread signing for one endpoint
   * after another skips the key setup, and memory does not grow with subscriptions x threads.
   */
  private static final ThreadLocal<KeyedMac> MAC = ThreadLocal.withInitial(KeyedMac::new);

  private final List<SecretKeySpec> keys;

  private StandardWebhooksSigner(List<SecretKeySpec> keys) {
    this.keys = keys;
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

  static StandardWebhooksSigner of(String field, List<String> secrets, boolean prefixRequired) {
    if (secrets == null || secrets.isEmpty()) {
      throw new IllegalArgumentException(field + " is required; generate one with Signer.generateSecret()");
    }
    List<SecretKeySpec> keys = new ArrayList<>(secrets.size());
    for (int i = 0; i < secrets.size(); i++) {
      String name = secrets.size() == 1 ? field : field + " #" + (i + 1);
      keys.add(Secrets.parse(name, secrets.get(i), prefixRequired));
    }
    return new StandardWebhooksSigner(List.copyOf(keys));
  }

  @Override
  public String sign(String webhookId, long timestampSeconds, byte[] body) {
    // The long goes into the concatenation as digits directly, without a String of its own.
    byte[] prefix = (webhookId + '.' + timestampSeconds + '.').getBytes(StandardCharsets.UTF_8);
    KeyedMac holder = MAC.get();
    return keys.size() == 1 ? holder.signature(holder.keyedWith(keys.get(0)), prefix, body)
        : signRotating(holder, prefix, body);
  }

  /** The header with one signature per secret, while secrets rotate. */
  private String signRotating(KeyedMac holder, byte[] prefix, byte[] body) {
    StringBuilder header = new StringBuilder(keys.size() * 48);
    for (SecretKeySpec key : keys) {
      if (header.length() > 0) {
        header.append(' ');
      }
      header.append(holder.signature(holder.keyedWith(key), prefix, body));
    }
    return header.toString();
  }

  /** The raw HMACs of the signed content, one per secret, for constant-time comparison. */
  List<byte[]> macs(String webhookId, String timestamp, byte[] body) {
    byte[] prefix = prefix(webhookId, timestamp);
    List<byte[]> out = new ArrayList<>(keys.size());
    KeyedMac holder = MAC.get();
    for (SecretKeySpec key : keys) {
      out.add(mac(holder.keyedWith(key), prefix, body));
    }
    return out;
  }

  /**
   * The signed content before the body, {@code id.timestamp.}, as one array: one {@code update}
   * instead of four ({@link #sign} writes it with the timestamp as a number).
   */
  private static byte[] prefix(String webhookId, String timestamp) {
    return (webhookId + '.' + timestamp + '.').getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] mac(Mac mac, byte[] prefix, byte[] body) {
    mac.update(prefix);
    return mac.doFinal(body);
  }

  @Override
  public String toString() {
    return "StandardWebhooksSigner[" + keys.size() + " secret(s)]";
  }
}
