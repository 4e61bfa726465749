package dev.hookpost;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.interfaces.EdECPrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;

/**
 * Parses and generates Standard Webhooks asymmetric keys with the JDK's own Ed25519: signing
 * keys {@code whsk_} + base64, public keys {@code whpk_} + base64. The base64 part is either the
 * raw 32-byte key (as the spec's libraries and Svix write it; what this class writes) or its DER
 * encoding (PKCS#8 for signing keys, SubjectPublicKeyInfo for public keys).
 */
final class Ed25519Keys {
  static final String SIGNING_PREFIX = "whsk_";
  static final String PUBLIC_PREFIX = "whpk_";
  static final int RAW_BYTES = 32;
  /** PKCS#8 v1 of an Ed25519 private key, before its 32 raw bytes (RFC 8410). */
  private static final byte[] PKCS8_HEAD = hex("302e020100300506032b657004220420");
  /** SubjectPublicKeyInfo of an Ed25519 public key, before its 32 raw bytes (RFC 8410). */
  private static final byte[] SPKI_HEAD = hex("302a300506032b6570032100");
  private static final String GENERATE = "; generate a pair with Signer.generateEd25519KeyPair()";

  private Ed25519Keys() {}

  /**
   * Decodes a {@code whsk_} signing key.
   *
   * @throws IllegalArgumentException naming {@code field} when it is not an Ed25519 signing key
   */
  static PrivateKey signingKey(String field, String value) {
    return parse(field, value, SIGNING_PREFIX, "signing key", "PKCS#8", PKCS8_HEAD,
        (factory, der) -> factory.generatePrivate(new PKCS8EncodedKeySpec(der)));
  }

  /**
   * Decodes a {@code whpk_} public key.
   *
   * @throws IllegalArgumentException naming {@code field} when it is not an Ed25519 public key
   */
  static PublicKey publicKey(String field, String value) {
    return parse(field, value, PUBLIC_PREFIX, "public key", "SubjectPublicKeyInfo", SPKI_HEAD,
        (factory, der) -> factory.generatePublic(new X509EncodedKeySpec(der)));
  }

  /** How a key is made from its DER encoding. */
  private interface FromDer<K> {
    K make(KeyFactory factory, byte[] der) throws GeneralSecurityException;
  }

  private static <K> K parse(String field, String value, String prefix, String kind, String derName, byte[] head,
      FromDer<K> fromDer) {
    byte[] bytes = decode(field, value, prefix, kind);
    try {
      return fromDer.make(KeyFactory.getInstance("Ed25519"), bytes.length == RAW_BYTES ? concat(head, bytes) : bytes);
    } catch (GeneralSecurityException | RuntimeException e) {
      throw new IllegalArgumentException(field + " decodes to " + bytes.length + " bytes that are not an Ed25519 "
          + kind + "; expected " + prefix + " + base64 of the raw 32-byte key or of its " + derName + " DER encoding"
          + GENERATE, e);
    }
  }

  private static byte[] decode(String field, String value, String prefix, String kind) {
    if (value == null || !value.startsWith(prefix)) {
      throw new IllegalArgumentException(field + " must be an Ed25519 " + kind + ": " + prefix
          + " followed by base64 of the raw 32-byte key or of its DER encoding" + GENERATE);
    }
    try {
      return Base64.getDecoder().decode(value.substring(prefix.length()));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(field + " is not valid base64 after '" + prefix + "' (" + e.getMessage() + ")"
          + GENERATE, e);
    }
  }

  /** A fresh pair, both written raw: {@code [whsk_..., whpk_...]}. */
  static String[] generate() {
    KeyPair pair;
    try {
      pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("this JVM has no Ed25519 (Java 15 or later has it)", e);
    }
    byte[] seed = ((EdECPrivateKey) pair.getPrivate()).getBytes().orElseThrow();
    byte[] spki = pair.getPublic().getEncoded();
    if (spki.length != SPKI_HEAD.length + RAW_BYTES
        || !Arrays.equals(spki, 0, SPKI_HEAD.length, SPKI_HEAD, 0, SPKI_HEAD.length)) {
      throw new IllegalStateException("unexpected Ed25519 public key encoding from " + pair.getPublic().getClass());
    }
    Base64.Encoder base64 = Base64.getEncoder();
    return new String[] {SIGNING_PREFIX + base64.encodeToString(seed),
        PUBLIC_PREFIX + base64.encodeToString(Arrays.copyOfRange(spki, SPKI_HEAD.length, spki.length))};
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  private static byte[] hex(String s) {
    byte[] out = new byte[s.length() / 2];
    for (int i = 0; i < out.length; i++) {
      out[i] = (byte) Integer.parseInt(s.substring(2 * i, 2 * i + 2), 16);
    }
    return out;
  }
}
