package dev.hookpost.internal.engine;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/** Parses a {@code Retry-After} header: delay-seconds or an HTTP-date (RFC 9110 §10.2.3). */
final class RetryAfter {
  private RetryAfter() {}

  private static Duration cap(Duration d) {
    return d.compareTo(MAX) > 0 ? MAX : d;
  }

  /** The longest delay taken from an endpoint: a day. Policies cap it further. */
  static final Duration MAX = Duration.ofDays(1);
  private static final DateTimeFormatter RFC_850 =
      DateTimeFormatter.ofPattern("EEEE, dd-MMM-yy HH:mm:ss zzz", java.util.Locale.US);
  private static final DateTimeFormatter ASCTIME =
      DateTimeFormatter.ofPattern("EEE MMM ppd HH:mm:ss yyyy", java.util.Locale.US).withZone(java.time.ZoneOffset.UTC);

  /**
   * Returns the delay from {@code now}, never negative and at most {@link #MAX}, or null when the
   * value is unusable. Accepts delay-seconds and the three HTTP-date forms (IMF-fixdate, RFC 850,
   * asctime).
   */
  static Duration parse(String value, Instant now) {
    if (value == null) {
      return null;
    }
    String v = value.trim();
    if (v.isEmpty()) {
      return null;
    }
    if (v.chars().allMatch(Character::isDigit)) {
      try {
        return cap(Duration.ofSeconds(Long.parseLong(v)));
      } catch (NumberFormatException | ArithmeticException e) {
        return MAX; // absurdly many digits
      }
    }
    for (DateTimeFormatter f : new DateTimeFormatter[] {DateTimeFormatter.RFC_1123_DATE_TIME, RFC_850, ASCTIME}) {
      try {
        Instant at = ZonedDateTime.parse(v, f).toInstant();
        Duration d = Duration.between(now, at);
        return d.isNegative() ? Duration.ZERO : cap(d);
      } catch (DateTimeParseException e) {
        // try the next form
      }
    }
    return null;
  }
}
