package dev.hookpost.jdbc;

import dev.hookpost.WebhookException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The store's tables and their versioned, idempotent DDL. {@link #migrate} brings a database up
 * to {@link #LATEST}, recording each version applied in {@code <prefix>schema_version}.
 *
 * <p>Every statement is {@code IF NOT EXISTS} (but SQLite's {@code ADD COLUMN}, see
 * {@link #ifNotExists}), so a migration cut short (H2 commits each DDL statement) is finished by
 * the next run. On PostgreSQL the whole migration is one transaction
 * under a transaction-scoped advisory lock, so processes that start together migrate one after
 * the other; on H2 (one process) a lock in this JVM does the same.
 */
final class Schema {
  /** The version this library writes and reads. */
  static final int LATEST = 4;
  /** Longest error text kept in {@code last_error} and in the history, in characters. */
  static final int MAX_ERROR_LENGTH = 2000;

  private static final ReentrantLock H2_MIGRATIONS = new ReentrantLock();

  final String prefix;
  final String versions;
  final String events;
  final String deliveries;
  final String attempts;

  Schema(String prefix) {
    this.prefix = prefix;
    this.versions = prefix + "schema_version";
    this.events = prefix + "events";
    this.deliveries = prefix + "deliveries";
    this.attempts = prefix + "attempts";
  }

  /** The statements of version {@code version}, in order. */
  List<String> ddl(int version, Dialect dialect) {
    if (version == 2) { // what AttemptInterceptor.capture kept with an event (e.g. its traceparent), form-encoded
      return List.of("ALTER TABLE " + events + " ADD COLUMN " + ifNotExists(dialect) + "metadata VARCHAR");
    }
    if (version == 3) { // ordering keys
      return List.of("ALTER TABLE " + deliveries + " ADD COLUMN " + ifNotExists(dialect) + "ordering_key VARCHAR(255)",
          // claims: is an earlier delivery of the same subscription and key still pending?
          "CREATE INDEX IF NOT EXISTS " + prefix + "deliveries_key ON " + deliveries
              + " (subscription_id, ordering_key, seq)");
    }
    if (version == 4) { // SQLite numbers seq after the highest one (Dialect.SQLITE): that look-up's index
      return dialect != Dialect.SQLITE ? List.of()
          : List.of("CREATE INDEX IF NOT EXISTS " + prefix + "deliveries_seq ON " + deliveries + " (seq)");
    }
    if (version != 1) {
      throw new IllegalArgumentException("no schema version " + version);
    }
    String ts = "TIMESTAMP WITH TIME ZONE";
    String identity = dialect.identityType;
    return List.of(
        "CREATE TABLE IF NOT EXISTS " + events + " ("
            + "event_id VARCHAR(255) NOT NULL PRIMARY KEY, "
            + "event_type VARCHAR(255) NOT NULL, "
            + "payload " + dialect.bytesType + " NOT NULL, "
            + "created_at " + ts + " NOT NULL)",
        "CREATE TABLE IF NOT EXISTS " + deliveries + " ("
            + "delivery_id VARCHAR(511) NOT NULL PRIMARY KEY, "
            + "seq " + identity + " NOT NULL, "
            + "event_id VARCHAR(255) NOT NULL REFERENCES " + events + " (event_id), "
            + "subscription_id VARCHAR(255) NOT NULL, "
            + "state VARCHAR(16) NOT NULL, "
            + "attempts INT NOT NULL, "
            + "created_at " + ts + " NOT NULL, "
            + "first_attempt_at " + ts + ", "
            + "next_attempt_at " + ts + " NOT NULL, "
            + "last_status INT NOT NULL, "
            + "last_error VARCHAR(" + MAX_ERROR_LENGTH + "), "
            + "updated_at " + ts + " NOT NULL, "
            + "lease_owner VARCHAR(255), "
            + "lease_until " + ts + ")",
        // claims and nextDue: due PENDING rows, earliest first
        "CREATE INDEX IF NOT EXISTS " + prefix + "deliveries_due ON " + deliveries + " (state, next_attempt_at, seq)",
        // the foreign key's lookups, and purging events left without deliveries
        "CREATE INDEX IF NOT EXISTS " + prefix + "deliveries_event ON " + deliveries + " (event_id)",
        // dead letters of one subscription, for find and requeue
        "CREATE INDEX IF NOT EXISTS " + prefix + "deliveries_subscription ON " + deliveries
            + " (subscription_id, created_at)",
        "CREATE TABLE IF NOT EXISTS " + attempts + " ("
            + "attempt_id " + identity + " NOT NULL PRIMARY KEY, "
            + "delivery_id VARCHAR(511) NOT NULL REFERENCES " + deliveries + " (delivery_id) ON DELETE CASCADE, "
            + "number INT NOT NULL, "
            + "started_at " + ts + " NOT NULL, "
            + "duration_ms BIGINT NOT NULL, "
            + "status INT NOT NULL, "
            + "error VARCHAR(" + MAX_ERROR_LENGTH + "))",
        "CREATE INDEX IF NOT EXISTS " + prefix + "attempts_delivery ON " + attempts + " (delivery_id, started_at)",
        "CREATE INDEX IF NOT EXISTS " + prefix + "attempts_started ON " + attempts + " (started_at)");
  }

  /**
   * {@code IF NOT EXISTS } for {@code ADD COLUMN}, where the database has it. SQLite has not; its
   * migrations are serialized in this JVM ({@link Dialect#embedded}) and its DDL is
   * transactional, so a migration cut short leaves no column behind to trip over.
   */
  private static String ifNotExists(Dialect dialect) {
    return dialect == Dialect.SQLITE ? "" : "IF NOT EXISTS ";
  }

  /** A short description of a version, kept in the version table for people reading it. */
  static String describe(int version) {
    return switch (version) {
      case 1 -> "events, deliveries, attempts";
      case 2 -> "events.metadata";
      case 3 -> "ordering keys";
      case 4 -> "SQLite: seq after the highest seq";
      default -> "version " + version;
    };
  }

  /**
   * Creates or upgrades the tables to {@link #LATEST}.
   *
   * @throws WebhookException if the database holds a newer schema than this library knows
   * @throws SQLException if a statement fails
   */
  void migrate(Connection c, Dialect dialect, Instant now) throws SQLException {
    boolean h2 = dialect.embedded(); // H2 or SQLite: one process, a lock in this JVM
    if (h2) {
      H2_MIGRATIONS.lock();
    }
    boolean autoCommit = c.getAutoCommit();
    c.setAutoCommit(false);
    try {
      if (!h2) {
        try (PreparedStatement lock = c.prepareStatement("SELECT pg_advisory_xact_lock(?)")) {
          lock.setLong(1, lockKey());
          lock.executeQuery().close();
        }
      }
      try (Statement s = c.createStatement()) {
        s.execute("CREATE TABLE IF NOT EXISTS " + versions + " ("
            + "version INT NOT NULL PRIMARY KEY, "
            + "description VARCHAR(255) NOT NULL, "
            + "applied_at TIMESTAMP WITH TIME ZONE NOT NULL)");
      }
      int current = currentVersion(c);
      if (current > LATEST) {
        throw new WebhookException("the tables " + prefix + "* are at schema version " + current
            + ", newer than this webhook-jdbc knows (" + LATEST + "); upgrade webhook-jdbc to the version"
            + " the other instances run");
      }
      for (int v = current + 1; v <= LATEST; v++) {
        try (Statement s = c.createStatement()) {
          for (String sql : ddl(v, dialect)) {
            s.execute(sql);
          }
        }
        try (PreparedStatement ins = c.prepareStatement(
            "INSERT INTO " + versions + " (version, description, applied_at) VALUES (?, ?, ?)")) {
          ins.setInt(1, v);
          ins.setString(2, describe(v));
          Params.setInstant(ins, 3, now);
          ins.executeUpdate();
        }
      }
      c.commit();
    } catch (SQLException | RuntimeException e) {
      Transactions.rollback(c, e);
      throw e;
    } finally {
      try {
        c.setAutoCommit(autoCommit);
      } finally {
        if (h2) {
          H2_MIGRATIONS.unlock();
        }
      }
    }
  }

  private int currentVersion(Connection c) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT MAX(version) FROM " + versions)) {
      rs.next();
      return rs.getInt(1); // 0 when the table is empty
    }
  }

  /** The advisory lock that serializes migrations of this prefix's tables across processes. */
  long lockKey() {
    long h = 0x686f6f6b706f7374L; // "hookpost"
    for (byte b : prefix.toLowerCase(java.util.Locale.ROOT).getBytes(StandardCharsets.UTF_8)) {
      h = (h ^ b) * 0x100000001b3L; // FNV-1a
    }
    return h;
  }
}
