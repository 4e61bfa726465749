package dev.hookpost.jdbc;

import java.io.PrintWriter;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * A small connection pool for tests, standing in for the pool (HikariCP and the like) a
 * production instance puts behind its store: {@link JdbcDeliveryStore} borrows a connection per
 * call, and opening a PostgreSQL connection per call (a server process each) would make the
 * test measure connection set-up, not the engine. Opens up to {@code size} connections of
 * {@code target} lazily; {@code close()} on a borrowed one rolls back what was left open, turns
 * auto-commit back on and returns it. Thread-safe.
 */
final class PooledDataSource implements DataSource, AutoCloseable {
  private final DataSource target;
  private final BlockingQueue<Connection> idle;
  private final List<Connection> all = new ArrayList<>(); // guarded by this
  private final int size;
  private boolean closed; // guarded by this

  PooledDataSource(DataSource target, int size) {
    this.target = target;
    this.size = size;
    this.idle = new ArrayBlockingQueue<>(size);
  }

  @Override
  public Connection getConnection() throws SQLException {
    Connection physical = idle.poll();
    if (physical == null) {
      physical = openIfRoom();
    }
    if (physical == null) {
      try {
        physical = idle.poll(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new SQLException("interrupted while waiting for a pooled connection", e);
      }
      if (physical == null) {
        throw new SQLException("no pooled connection came free within 30 s (pool of " + size + ")");
      }
    }
    return borrowed(physical);
  }

  private synchronized Connection openIfRoom() throws SQLException {
    if (closed) {
      throw new SQLException("the pool is closed");
    }
    if (all.size() >= size) {
      return null;
    }
    Connection c = target.getConnection();
    all.add(c);
    return c;
  }

  /** A handle on {@code physical} whose {@code close()} gives it back instead of closing it. */
  private Connection borrowed(Connection physical) {
    boolean[] returned = {false};
    InvocationHandler handler = (proxy, method, args) -> {
      switch (method.getName()) {
        case "close":
          if (!returned[0]) {
            returned[0] = true;
            giveBack(physical);
          }
          return null;
        case "isClosed":
          return returned[0] || physical.isClosed();
        case "unwrap":
        case "isWrapperFor":
          break; // to the physical connection
        default:
          if (returned[0]) {
            throw new SQLException("connection was returned to the pool");
          }
      }
      try {
        return method.invoke(physical, args);
      } catch (InvocationTargetException e) {
        throw e.getCause();
      }
    };
    return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[] {Connection.class},
        handler);
  }

  private void giveBack(Connection physical) throws SQLException {
    if (physical.isClosed()) { // the server ended it (e.g. pg_terminate_backend): not for the next borrower
      discard(physical);
      return;
    }
    try {
      if (!physical.getAutoCommit()) {
        physical.rollback();
        physical.setAutoCommit(true);
      }
    } catch (SQLException e) {
      discard(physical);
      throw e;
    }
    synchronized (this) {
      if (closed) {
        physical.close();
      } else {
        idle.add(physical); // never full: it holds at most the connections opened
      }
    }
  }

  private synchronized void discard(Connection physical) {
    all.remove(physical);
    try {
      physical.close();
    } catch (SQLException ignored) {
      // broken already
    }
  }

  /** Closes every connection, idle or not; borrowed ones are closed when given back. */
  @Override
  public synchronized void close() {
    closed = true;
    for (Connection c : all) {
      try {
        c.close();
      } catch (SQLException ignored) {
        // closing anyway
      }
    }
    all.clear();
    idle.clear();
  }

  @Override
  public Connection getConnection(String username, String password) throws SQLException {
    throw new SQLFeatureNotSupportedException("the pool's user is fixed");
  }

  @Override
  public PrintWriter getLogWriter() {
    return null;
  }

  @Override
  public void setLogWriter(PrintWriter out) {}

  @Override
  public void setLoginTimeout(int seconds) {}

  @Override
  public int getLoginTimeout() {
    return 0;
  }

  @Override
  public Logger getParentLogger() throws SQLFeatureNotSupportedException {
    throw new SQLFeatureNotSupportedException();
  }

  @Override
  public <T> T unwrap(Class<T> iface) throws SQLException {
    if (iface.isInstance(this)) {
      return iface.cast(this);
    }
    throw new SQLException("not a wrapper of " + iface);
  }

  @Override
  public boolean isWrapperFor(Class<?> iface) {
    return iface.isInstance(this);
  }
}
