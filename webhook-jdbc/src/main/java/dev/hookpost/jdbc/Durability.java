package dev.hookpost.jdbc;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the database promises about a commit that returned, checked once when the store starts:
 * PostgreSQL with {@code synchronous_commit=off} or {@code fsync=off} may lose commits (accepted
 * events) when the machine, not only the process, dies, and the store says so at WARN; SQLite
 * is put in WAL mode.
 * Stateless.
 */
final class Durability {
  private static final Logger log = LoggerFactory.getLogger(JdbcDeliveryStore.class);

  private Durability() {}

  /**
   * Puts a SQLite database in WAL mode (kept in the file), in which a commit that returned
   * survives kill -9; refuses a database that cannot be (in memory, or a read-only file).
   */
  static void useWal(Connection c, String store) throws SQLException {
    String mode;
    try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("PRAGMA journal_mode = WAL")) {
      mode = rs.next() ? rs.getString(1) : null;
    }
    if (!"wal".equalsIgnoreCase(mode)) {
      throw new IllegalArgumentException(store + " needs a SQLite database file in WAL mode, but its journal mode"
          + " stays " + mode + "; use a file URL such as jdbc:sqlite:/var/lib/app/outbox.db, not :memory:");
    }
  }

  /**
   * SQLite cannot change a connection's {@code synchronous} inside its transaction, so the
   * application's connection of a transactional send keeps its own: SQLite's default is
   * {@code FULL}; one opened with less (and the store not opted into it) is logged at WARN, once
   * per store, since its commits may not survive a power cut.
   */
  static void checkCaller(Connection c, boolean normalAllowed, Object store) throws SQLException {
    String level;
    try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("PRAGMA synchronous")) {
      level = rs.next() ? rs.getString(1) : null;
    }
    int wanted = normalAllowed ? 1 : 2; // NORMAL, FULL
    if (level != null && Integer.parseInt(level) < wanted && WARNED_CALLERS.add(store)) {
      log.warn("{}: the connection given to send(event, connection) commits with SQLite synchronous={} (below {});"
          + " a power cut may lose its commits. Open it with synchronous=FULL (SQLiteConfig.setSynchronous)",
          store, level, wanted == 2 ? "FULL" : "NORMAL");
    }
  }

  /** The stores that warned about a caller's connection already (once each). */
  private static final java.util.Set<Object> WARNED_CALLERS =
      java.util.Collections.synchronizedSet(java.util.Collections.newSetFromMap(new java.util.WeakHashMap<>()));

  /** Logs a WARN line for each PostgreSQL setting that lets a power cut lose committed events. */
  static void warnIfRelaxed(Connection c, Dialect dialect, String store) throws SQLException {
    if (dialect != Dialect.POSTGRESQL) {
      return;
    }
    for (String setting : new String[] {"synchronous_commit", "fsync"}) {
      String value = show(c, setting);
      if ("off".equalsIgnoreCase(value)) {
        log.warn("{}: PostgreSQL runs with {}=off, so a power cut or an OS crash can lose events whose send (or"
            + " whose transaction's commit) had returned; set {}=on (the default) for deliveries that survive it",
            store, setting, setting);
      }
    }
  }

  private static String show(Connection c, String setting) throws SQLException {
    try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SHOW " + setting)) {
      return rs.next() ? rs.getString(1) : null;
    }
  }
}
