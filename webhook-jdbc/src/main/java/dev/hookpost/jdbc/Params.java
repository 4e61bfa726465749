package dev.hookpost.jdbc;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;

/**
 * Binding and reading the column types the store uses. Instants are kept as
 * {@code TIMESTAMP WITH TIME ZONE} in UTC, truncated to the millisecond on both engines.
 */
final class Params {
  private Params() {}

  private static final java.util.regex.Pattern PREFIX = java.util.regex.Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,29}");

  /**
   * Returns a table name prefix when it is 1 to 30 letters, digits or '_', not starting with a digit.
   *
   * @throws IllegalArgumentException otherwise, naming {@code tablePrefix}
   */
  static String tablePrefix(String prefix) {
    if (prefix == null || !PREFIX.matcher(prefix).matches()) {
      throw new IllegalArgumentException("tablePrefix must be 1 to 30 characters of [A-Za-z0-9_], not starting"
          + " with a digit (e.g. \"hookpost_\"), was " + (prefix == null ? "null" : "\"" + prefix + "\""));
    }
    return prefix;
  }

  /** Binds {@code value} (null allowed) as a timestamp with time zone, to the millisecond. */
  static void setInstant(PreparedStatement ps, int index, Instant value) throws SQLException {
    if (value == null) {
      ps.setNull(index, Types.TIMESTAMP_WITH_TIMEZONE);
    } else {
      ps.setObject(index, OffsetDateTime.ofInstant(value.truncatedTo(ChronoUnit.MILLIS), ZoneOffset.UTC));
    }
  }

  /** Reads a timestamp with time zone as an Instant, or null. */
  static Instant getInstant(ResultSet rs, String column) throws SQLException {
    OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
    return t == null ? null : t.toInstant();
  }

  /** Binds a string that may be null. */
  static void setText(PreparedStatement ps, int index, String value) throws SQLException {
    if (value == null) {
      ps.setNull(index, Types.VARCHAR);
    } else {
      ps.setString(index, value);
    }
  }

  /**
   * Makes error text fit its column: at most {@link Schema#MAX_ERROR_LENGTH} characters (never
   * splitting a surrogate pair, ending with "…" when cut) and no NUL characters, which
   * PostgreSQL refuses in text.
   */
  static String clip(String text) {
    if (text == null) {
      return null;
    }
    String s = text.indexOf('\0') >= 0 ? text.replace('\0', '\uFFFD') : text;
    int max = Schema.MAX_ERROR_LENGTH;
    if (s.length() <= max) {
      return s;
    }
    int end = max - 1;
    if (Character.isHighSurrogate(s.charAt(end - 1))) {
      end--;
    }
    return s.substring(0, end) + "…";
  }
}
