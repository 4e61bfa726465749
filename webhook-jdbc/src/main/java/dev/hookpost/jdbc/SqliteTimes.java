package dev.hookpost.jdbc;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * SQLite has no timestamp type: a connection seen through {@link #connection} stores the
 * {@link OffsetDateTime}s the store binds as fixed-width UTC text ({@code 2030-01-01T00:00:00.000Z}),
 * whose text order is time order, so the store's comparisons and {@code ORDER BY} work
 * unchanged, and reads them back as {@link OffsetDateTime}. Stateless.
 */
final class SqliteTimes {
  private static final DateTimeFormatter TEXT = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'")
      .withZone(ZoneOffset.UTC);

  private SqliteTimes() {}

  /** The first second of the year 10000: below it, and from 1970, {@link #format} writes the text itself. */
  private static final long YEAR_10000 = 253_402_300_800L;

  /**
   * {@code t} as fixed-width UTC text to the millisecond. Years 1970 to 9999 are written here
   * directly: this runs for every time of every row a store writes, and {@code DateTimeFormatter}
   * was a measurable share of a PostgreSQL delivery's CPU; other years go through it.
   */
  static String format(Instant t) {
    long seconds = t.getEpochSecond();
    if (seconds < 0 || seconds >= YEAR_10000) {
      return TEXT.format(t);
    }
    LocalDate day = LocalDate.ofEpochDay(seconds / 86_400);
    int second = (int) (seconds % 86_400);
    byte[] text = new byte[24];
    digits(text, 0, day.getYear(), 4);
    text[4] = '-';
    digits(text, 5, day.getMonthValue(), 2);
    text[7] = '-';
    digits(text, 8, day.getDayOfMonth(), 2);
    text[10] = 'T';
    digits(text, 11, second / 3600, 2);
    text[13] = ':';
    digits(text, 14, second / 60 % 60, 2);
    text[16] = ':';
    digits(text, 17, second % 60, 2);
    text[19] = '.';
    digits(text, 20, t.getNano() / 1_000_000, 3);
    text[23] = 'Z';
    return new String(text, StandardCharsets.US_ASCII);
  }

  private static void digits(byte[] into, int at, int value, int width) {
    for (int i = at + width - 1; i >= at; i--) {
      into[i] = (byte) ('0' + value % 10);
      value /= 10;
    }
  }

  static OffsetDateTime parse(String text) {
    return text == null ? null : Instant.parse(text).atOffset(ZoneOffset.UTC);
  }

  /** {@code c}, whose prepared statements and their result sets translate times to text and back. */
  static Connection connection(Connection c) {
    return proxy(Connection.class, c);
  }

  @SuppressWarnings("unchecked")
  private static <T> T proxy(Class<T> type, T target) {
    return (T) Proxy.newProxyInstance(SqliteTimes.class.getClassLoader(), new Class<?>[] {type},
        (self, method, args) -> {
          if (target instanceof PreparedStatement && method.getName().equals("setObject") && args.length == 2
              && args[1] instanceof OffsetDateTime t) {
            args = new Object[] {args[0], format(t.toInstant())};
          } else if (target instanceof ResultSet rs && method.getName().equals("getObject") && args.length == 2
              && args[1] == OffsetDateTime.class) {
            return parse(args[0] instanceof String col ? rs.getString(col) : rs.getString((Integer) args[0]));
          }
          Object result;
          try {
            result = method.invoke(target, args);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
          if (result instanceof PreparedStatement ps && !(target instanceof PreparedStatement)) {
            return proxy(PreparedStatement.class, ps);
          }
          if (result instanceof ResultSet rs && target instanceof PreparedStatement) {
            return proxy(ResultSet.class, rs);
          }
          return result;
        });
  }
}
