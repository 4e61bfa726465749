package dev.hookpost;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;

/**
 * Writes an instant as RFC 3339 text in UTC, character for character as
 * {@link DateTimeFormatter#ISO_INSTANT} does (fractions in groups of three digits, as many as
 * needed), in a fraction of its time: every event's envelope carries one.
 */
final class Rfc3339 {
  /** 0000-01-01T00:00:00Z and 10000-01-01T00:00:00Z: outside, years take a sign or a fifth digit. */
  private static final long FIRST_SECOND = -62_167_219_200L;
  private static final long END_SECOND = 253_402_300_800L;

  private Rfc3339() {}

  static String format(Instant instant) {
    long seconds = instant.getEpochSecond();
    if (seconds < FIRST_SECOND || seconds >= END_SECOND) {
      return DateTimeFormatter.ISO_INSTANT.format(instant); // rare: leave them to java.time
    }
    LocalDate date = LocalDate.ofEpochDay(Math.floorDiv(seconds, 86_400));
    int year = date.getYear();
    int secondOfDay = (int) Math.floorMod(seconds, 86_400);
    int nanos = instant.getNano();
    byte[] b = new byte[30];
    digits(b, 0, year, 4);
    b[4] = '-';
    digits(b, 5, date.getMonthValue(), 2);
    b[7] = '-';
    digits(b, 8, date.getDayOfMonth(), 2);
    b[10] = 'T';
    digits(b, 11, secondOfDay / 3_600, 2);
    b[13] = ':';
    digits(b, 14, secondOfDay / 60 % 60, 2);
    b[16] = ':';
    digits(b, 17, secondOfDay % 60, 2);
    int n = 19;
    if (nanos != 0) {
      b[n++] = '.';
      if (nanos % 1_000_000 == 0) {
        digits(b, n, nanos / 1_000_000, 3);
        n += 3;
      } else if (nanos % 1_000 == 0) {
        digits(b, n, nanos / 1_000, 6);
        n += 6;
      } else {
        digits(b, n, nanos, 9);
        n += 9;
      }
    }
    b[n++] = 'Z';
    return new String(b, 0, n, StandardCharsets.ISO_8859_1);
  }

  /** Writes {@code value} as exactly {@code width} decimal digits, zero-padded, at {@code at}. */
  private static void digits(byte[] b, int at, int value, int width) {
    for (int i = at + width - 1; i >= at; i--) {
      b[i] = (byte) ('0' + value % 10);
      value /= 10;
    }
  }
}
