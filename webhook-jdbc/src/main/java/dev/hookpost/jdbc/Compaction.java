package dev.hookpost.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gives the space of purged deliveries back to the disk on PostgreSQL, after a purge round of the
 * retention schedule ({@link JdbcDeliveryStore#afterPurge}), on a daemon thread of its own so that
 * the publisher's scheduler is not held:
 * <ul>
 *   <li>after a round that deleted at least {@value #MIN_PURGED} deliveries, a plain
 *       {@code VACUUM} of the events, deliveries and attempts tables: dead rows become reusable
 *       space and an empty tail of each table goes back to the disk; it blocks no read or write;
 *   <li>when that round deleted more deliveries than the table still holds (a burst has drained),
 *       a {@code REINDEX TABLE CONCURRENTLY} of each, as {@code VACUUM} never shrinks an index:
 *       PostgreSQL builds each index anew beside the old one and swaps them, without blocking
 *       writes. A rebuild that fails leaves an invalid copy ({@code ..._ccnew}), which is dropped.
 * </ul>
 * Steady hourly rounds, each a small share of the retained deliveries, only vacuum (if that).
 * A table's heap shrinks only by its empty tail: rows written after the burst (still pending, or
 * kept) hold it until they too are purged, and new rows reuse the space before them meanwhile.
 * H2 and SQLite: nothing. Thread-safe: one compaction at a time per store; a round that ends while
 * one runs starts none (the one under way vacuums its rows too).
 */
final class Compaction {
  private static final Logger log = LoggerFactory.getLogger(JdbcDeliveryStore.class);
  /** A round deleting fewer leaves autovacuum to do its work. */
  static final int MIN_PURGED = 10_000;

  private final Transactions db;
  private final Dialect dialect;
  private final Schema schema;
  private final String store;
  private final AtomicBoolean running = new AtomicBoolean();

  Compaction(Transactions db, Dialect dialect, Schema schema, String store) {
    this.db = db;
    this.dialect = dialect;
    this.schema = schema;
    this.store = store;
  }

  /** Starts {@link #run} on a daemon thread, unless one runs already or there is nothing to do. */
  void afterPurge(int purged) {
    if (!worthIt(purged) || !running.compareAndSet(false, true)) {
      return;
    }
    Thread t = new Thread(() -> {
      try {
        run(purged);
      } catch (RuntimeException e) {
        log.warn("{} could not give back the space of {} purged deliveries", store, purged, e);
      } finally {
        running.set(false);
      }
    }, "hookpost-compact-" + schema.deliveries);
    t.setDaemon(true);
    t.start();
  }

  private boolean worthIt(int purged) {
    return dialect == Dialect.POSTGRESQL && purged >= MIN_PURGED;
  }

  /**
   * Vacuums the store's tables and, when {@code purged} is more than the deliveries left,
   * rebuilds their indexes; on this thread.
   *
   * @return whether the indexes were rebuilt
   */
  boolean run(int purged) {
    if (!worthIt(purged)) {
      return false;
    }
    List<String> tables = List.of(schema.events, schema.deliveries, schema.attempts);
    long left = db.maintenance("vacuum the tables after a purge", c -> {
      try (Statement st = c.createStatement()) {
        for (String table : tables) {
          st.execute("VACUUM " + table);
        }
      }
      return estimatedRows(c, schema.deliveries); // VACUUM has just counted them
    });
    if (purged <= left) {
      log.debug("{} vacuumed its tables after purging {} deliveries ({} left)", store, purged, left);
      return false;
    }
    for (String table : tables) {
      db.maintenance("rebuild the indexes of " + table + " after a purge", c -> {
        try (Statement st = c.createStatement()) {
          st.execute("REINDEX TABLE CONCURRENTLY " + table);
        } catch (SQLException e) {
          dropInvalidCopies(c, table);
          throw e;
        }
        return null;
      });
    }
    log.info("{} vacuumed its tables and rebuilt their indexes after purging {} deliveries ({} left)", store, purged,
        left);
    return true;
  }

  private static long estimatedRows(Connection c, String table) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT reltuples::bigint FROM pg_class WHERE oid = to_regclass(?)")) {
      ps.setString(1, table);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Math.max(0, rs.getLong(1)) : 0;
      }
    }
  }

  /** Drops what a failed {@code REINDEX CONCURRENTLY} of {@code table} left: invalid indexes named {@code *_ccnew*}. */
  private void dropInvalidCopies(Connection c, String table) {
    List<String> invalid = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement("SELECT i.indexrelid::regclass::text FROM pg_index i"
        + " JOIN pg_class x ON x.oid = i.indexrelid WHERE i.indrelid = to_regclass(?) AND NOT i.indisvalid"
        + " AND x.relname LIKE '%\\_ccnew%'")) {
      ps.setString(1, table);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          invalid.add(rs.getString(1));
        }
      }
      try (Statement st = c.createStatement()) {
        for (String index : invalid) {
          st.execute("DROP INDEX CONCURRENTLY IF EXISTS " + index);
        }
      }
    } catch (SQLException e) {
      log.warn("{}: a failed index rebuild left {} behind; drop them with DROP INDEX CONCURRENTLY", store,
          invalid.isEmpty() ? "invalid *_ccnew indexes on " + table : invalid, e);
    }
  }
}
