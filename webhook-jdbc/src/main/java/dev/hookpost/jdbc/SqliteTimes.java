package dev.hookpost.jdbc;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
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

  static String format(Instant t) {
    return TEXT.format(t);
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
