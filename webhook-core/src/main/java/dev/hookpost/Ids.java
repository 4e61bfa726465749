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
}
