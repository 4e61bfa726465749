package dev.hookpost.jdbc;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTimeoutException;
import java.sql.Statement;

/**
 * Every statement the store runs has a bound: a connection seen through {@link #connection}
 * gives each statement it creates a query timeout, which also bounds waiting for a row lock
 * (PostgreSQL cancels the statement; H2 and SQLite give up). {@link #isTimeout} tells such an
 * end from other failures. Stateless.
 */
final class Bounded {
  private Bounded() {}

  /** {@code c}, with a query timeout of {@code seconds} on every statement created through it. */
  static Connection connection(Connection c, int seconds) {
    return (Connection) Proxy.newProxyInstance(Bounded.class.getClassLoader(), new Class<?>[] {Connection.class},
        (proxy, method, args) -> {
          Object result;
          try {
            result = method.invoke(c, args);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
          if (result instanceof Statement s) {
            s.setQueryTimeout(seconds);
          }
          return result;
        });
  }

  /**
   * Whether {@code e} says a statement hit its bound: a JDBC timeout, a cancelled statement
   * (SQLState 57014), a lock not granted in time (PostgreSQL 55P03, H2 HYT00), or SQLite's busy
   * or locked database (error codes 5 and 6).
   */
  static boolean isTimeout(SQLException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLTimeoutException) {
        return true;
      }
      if (t instanceof SQLException s) {
        String state = s.getSQLState();
        if ("57014".equals(state) || "55P03".equals(state) || "HYT00".equals(state)) {
          return true;
        }
        if (state == null && (s.getErrorCode() == 5 || s.getErrorCode() == 6)
            && s.getClass().getName().startsWith("org.sqlite")) {
          return true;
        }
      }
    }
    return false;
  }
}
