package dev.hookpost;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Time-ordered identifiers: a prefix, then 26 Crockford base32 characters holding 48 bits of
 * Unix milliseconds and 80 random bits (the ULID layout), so ids sort by creation time.
 */
final class Ids {
  private static final char[] ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ".toCharArray();

  private Ids() {}

  static String newId(String prefix, long epochMillis) {
    char[] out = new char[prefix.length() + 26];
    prefix.getChars(0, prefix.length(), out, 0);
    int p = prefix.length();
    for (int i = 9; i >= 0; i--) { // 10 chars of time, 50 bits (top 2 always zero)
      out[p + i] = ALPHABET[(int) (epochMillis & 31)];
      epochMillis >>>= 5;
    }
    ThreadLocalRandom random = ThreadLocalRandom.current();
    long hi = random.nextLong();
    long lo = random.nextLong();
    for (int i = 0; i < 16; i++) { // 16 chars of randomness, 80 bits
      long bits = i < 8 ? hi >>> (i * 5) : lo >>> ((i - 8) * 5);
      out[p + 10 + i] = ALPHABET[(int) (bits & 31)];
    }
    return new String(out);
  }

  /**
   * A subscription's default id, the same everywhere: {@code sub_} + 16 hex digits of the SHA-256
   * of the endpoint URL, preceded by the tenant and a line feed when there is one (neither holds
   * a line feed, so no two pairs give the same text). Tenant-less ids are those of the URL alone.
   */
  static String fromEndpoint(String tenant, java.net.URI endpoint) {
    String identity = tenant == null ? endpoint.toString() : tenant + "\n" + endpoint;
    try {
      byte[] hash = java.security.MessageDigest.getInstance("SHA-256")
          .digest(identity.getBytes(java.nio.charset.StandardCharsets.UTF_8));
      return "sub_" + java.util.HexFormat.of().formatHex(hash, 0, 8);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }
}
