package dev.hookpost.jdbc;

import dev.hookpost.WebhookException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How {@link JdbcDeliveryStore} talks to its database: each call borrows a connection of its own
 * and runs in a transaction of its own (or, for reads, in auto-commit mode); every statement is
 * {@link Bounded} by the statement timeout; a failure becomes a {@link WebhookException} naming
 * the store and the operation, and a timeout is also logged at WARN with the operation's purpose
 * (the engine tries again on its next poll). Thread-safe.
 */
final class Transactions {
  private static final Logger log = LoggerFactory.getLogger(JdbcDeliveryStore.class);
  private final DataSource dataSource;
  private final Dialect dialect;
  private final int timeoutSeconds;
  /** Run on every connection borrowed, before the work: settings of the session (SQLite's synchronous mode). */
  private final java.util.List<String> sessionSetup;
  /** Names the store in error messages. */
  private final Object store;

  /**
   * Statements bounded by {@code timeout} (whole seconds); on SQLite every connection commits
   * with {@code synchronous=FULL} ({@code NORMAL} when {@code powerCutMayLoseLastCommits}) and
   * waits for the write lock up to the timeout.
   */
  Transactions(DataSource dataSource, Dialect dialect, java.time.Duration timeout, boolean powerCutMayLoseLastCommits,
      Object store) {
    this.dataSource = dataSource;
    this.dialect = dialect;
    this.timeoutSeconds = (int) timeout.toSeconds();
    this.sessionSetup = dialect != Dialect.SQLITE ? java.util.List.of() : java.util.List.of(
        "PRAGMA synchronous = " + (powerCutMayLoseLastCommits ? "NORMAL" : "FULL"),
        "PRAGMA busy_timeout = " + timeout.toMillis());
    this.store = store;
  }

  /** Applies the session settings to {@code c} (a pooled connection may have come from elsewhere). */
  void setUp(Connection c) throws SQLException {
    if (!sessionSetup.isEmpty()) {
      try (Statement st = c.createStatement()) {
        for (String sql : sessionSetup) {
          st.execute(sql);
        }
      }
    }
  }

  /**
   * The caller's connection of a transactional send, as the store uses it: bounded like the
   * store's own, except on H2, where a statement's query timeout is a setting of the whole
   * session and would stay on the application's connection after the send (H2's lock timeout
   * still bounds the waits there).
   */
  Connection callers(Connection c) {
    return dialect == Dialect.H2 ? c : bounded(c);
  }

  /** A connection of the pool whose statements are bounded by the statement timeout. */
  Connection bounded(Connection c) {
    return Bounded.connection(dialect == Dialect.SQLITE ? SqliteTimes.connection(c) : c, timeoutSeconds);
  }

  /** Work on a connection. */
  @FunctionalInterface
  interface Work<T> {
    T run(Connection c) throws SQLException;
  }

  /** Runs {@code work} in a transaction of its own: committed if it returns, rolled back if it throws. */
  <T> T transaction(String operation, Work<T> work) {
    return transaction(operation, false, work);
  }

  /**
   * Runs {@code work} in a transaction of its own. {@code relaxed} bookkeeping (claims, retries,
   * ends) commits without waiting for the disk on PostgreSQL ({@code synchronous_commit off}):
   * a crash can lose the last moments of it, which at worst sends a delivery again, never loses
   * one. Enqueues always wait: an accepted event is on disk.
   */
  <T> T transaction(String operation, boolean relaxed, Work<T> work) {
    try {
      return inTransaction(relaxed, work);
    } catch (SQLException e) {
      throw failure(operation, e);
    }
  }

  /**
   * Runs {@code work} atomically on a connection of its own and hands back its failure as it
   * came, for a {@link GroupCommit} to tell whose it is. On PostgreSQL {@code work} must be one
   * statement: it runs in auto-commit mode, so it is its own transaction and commits with it, in
   * one round trip (a relaxed one sets {@code synchronous_commit} itself, with
   * {@code set_config}); elsewhere it runs in a transaction of its own.
   */
  <T> T atomically(Work<T> work) throws SQLException {
    if (dialect != Dialect.POSTGRESQL) {
      return inTransaction(false, work);
    }
    try (Connection c = bounded(dataSource.getConnection())) {
      if (!c.getAutoCommit()) {
        c.setAutoCommit(true); // a pool may hand out connections without it
      }
      return work.run(c);
    }
  }

  /** {@link #atomically}, its failure a {@link WebhookException} naming the store and {@code operation}. */
  <T> T statement(String operation, Work<T> work) {
    try {
      return atomically(work);
    } catch (SQLException e) {
      throw failure(operation, e);
    }
  }

  /**
   * Runs {@code work} in auto-commit mode on a connection of its own, without the statement
   * timeout: maintenance ({@code VACUUM}, {@code REINDEX ... CONCURRENTLY}) that PostgreSQL refuses
   * inside a transaction and that may take long. Leaves the connection's auto-commit as it was.
   *
   * @throws WebhookException naming the store and {@code operation} if the database fails
   */
  <T> T maintenance(String operation, Work<T> work) {
    try (Connection c = dataSource.getConnection()) {
      boolean autoCommit = c.getAutoCommit();
      c.setAutoCommit(true);
      try {
        return work.run(c);
      } finally {
        c.setAutoCommit(autoCommit);
      }
    } catch (SQLException e) {
      throw failure(operation, e);
    }
  }

  private <T> T inTransaction(boolean relaxed, Work<T> work) throws SQLException {
    try (Connection c = bounded(dataSource.getConnection())) {
      setUp(c);
      boolean autoCommit = c.getAutoCommit();
      if (autoCommit) {
        c.setAutoCommit(false);
      }
      try {
        if (relaxed && dialect == Dialect.POSTGRESQL) {
          try (Statement st = c.createStatement()) {
            st.execute("SET LOCAL synchronous_commit TO OFF");
          }
        }
        T result = work.run(c);
        c.commit();
        return result;
      } catch (SQLException | RuntimeException e) {
        rollback(c, e);
        throw e;
      } finally {
        if (autoCommit) {
          try {
            c.setAutoCommit(true);
          } catch (SQLException ignored) {
            // the connection is going back to its pool or closing; the outcome above stands
          }
        }
      }
    }
  }

  /** Runs a read-only {@code work} on a connection of its own, in auto-commit mode. */
  <T> T read(String operation, Work<T> work) {
    try (Connection c = bounded(dataSource.getConnection())) {
      setUp(c);
      return work.run(c);
    } catch (SQLException e) {
      throw failure(operation, e);
    }
  }

  WebhookException failure(String operation, SQLException e) {
    if (Bounded.isTimeout(e)) {
      log.warn("{} could not {} within its statement timeout of {} s ({}); tried again on the next poll", store,
          operation, timeoutSeconds, e.getMessage());
      if (!(e instanceof java.sql.SQLTimeoutException)) { // one type the engine knows, whatever the driver said
        e = new java.sql.SQLTimeoutException(e.getMessage(), e.getSQLState(), e.getErrorCode(), e);
      }
    }
    return new WebhookException(store + " could not " + operation + ": " + e.getMessage(), e);
  }

  /** Rolls {@code c} back after {@code failure}; a rollback that fails too is added to it as suppressed. */
  static void rollback(Connection c, Exception failure) {
    try {
      c.rollback();
    } catch (SQLException r) {
      failure.addSuppressed(r);
    }
  }
}
