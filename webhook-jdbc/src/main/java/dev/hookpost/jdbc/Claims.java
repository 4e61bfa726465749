package dev.hookpost.jdbc;

import dev.hookpost.jdbc.Rows.Row;
import dev.hookpost.spi.StoredDelivery;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

/**
 * How {@link JdbcDeliveryStore} claims due deliveries, per database: PostgreSQL in one
 * {@code FOR UPDATE SKIP LOCKED} statement that also reads their events; SQLite in one {@code UPDATE ... RETURNING} after a
 * read that finds anything due; H2 by locking rows, then leasing those whose lease did not change.
 * Each leaves out keyed deliveries behind an earlier pending one of their key
 * ({@link #firstOfItsKey}). Thread-safe.
 */
final class Claims {
  private final Dialect dialect;
  private final Schema schema;
  private final Transactions db;
  /** H2 and SQLite claims of this store run one at a time, so its own threads never wait on each other's locks. */
  private final ReentrantLock localClaims = new ReentrantLock();

  Claims(Dialect dialect, Schema schema, Transactions db) {
    this.dialect = dialect;
    this.schema = schema;
    this.db = db;
  }

  /** Leases up to {@code limit} due deliveries to {@code owner} until {@code until}, earliest first. */
  List<StoredDelivery> claim(Instant now, int limit, Instant until, String owner) {
    if (dialect == Dialect.POSTGRESQL) {
      return db.statement("claim deliveries", c -> claimPostgres(c, now, limit, until, owner));
    }
    if (dialect == Dialect.SQLITE && !anyDue(now)) {
      return List.of(); // SQLite has one writer at a time: a poll that finds nothing does not queue for it
    }
    localClaims.lock();
    try {
      return db.transaction("claim deliveries", c -> Rows.withEvents(c, schema.events, dialect == Dialect.SQLITE
          ? claimSqlite(c, now, limit, until, owner) : claimH2(c, now, limit, until, owner)));
    } finally {
      localClaims.unlock();
    }
  }

  private boolean anyDue(Instant now) {
    String sql = "SELECT 1 FROM " + schema.deliveries + " d0 WHERE state = 'PENDING' AND next_attempt_at <= ?"
        + " AND (lease_until IS NULL OR lease_until <= ?)" + firstOfItsKey() + " LIMIT 1";
    return db.read("claim deliveries (look for due ones)", c -> {
      try (PreparedStatement ps = c.prepareStatement(sql)) {
        Params.setInstant(ps, 1, now);
        Params.setInstant(ps, 2, now);
        try (ResultSet rs = ps.executeQuery()) {
          return rs.next();
        }
      }
    });
  }

  /** Leases due rows in one {@code UPDATE ... RETURNING} (SQLite writes one transaction at a time). */
  private List<Row> claimSqlite(Connection c, Instant now, int limit, Instant until, String owner)
      throws SQLException {
    String sql = "UPDATE " + schema.deliveries + " SET lease_owner = ?, lease_until = ? WHERE delivery_id IN"
        + " (SELECT delivery_id FROM " + schema.deliveries + " d0 WHERE state = 'PENDING' AND next_attempt_at <= ?"
        + " AND (lease_until IS NULL OR lease_until <= ?)" + firstOfItsKey() + " ORDER BY next_attempt_at, seq LIMIT ?)"
        + " RETURNING "
        + Rows.COLUMNS;
    List<Row> rows = Rows.select(c, sql, ps -> {
      ps.setString(1, owner);
      Params.setInstant(ps, 2, until);
      Params.setInstant(ps, 3, now);
      Params.setInstant(ps, 4, now);
      ps.setInt(5, limit);
    });
    rows.sort(Row.BY_DUE); // RETURNING keeps no order
    return rows;
  }

  /**
   * One statement, one round trip: lock due rows nobody else has locked, lease them, return them
   * with their events. It commits without waiting for the disk (set_config is SET LOCAL, in the
   * statement's own transaction): a crash may lose the lease, and the delivery is claimed again.
   */
  private List<StoredDelivery> claimPostgres(Connection c, Instant now, int limit, Instant until, String owner)
      throws SQLException {
    String sql = "WITH due AS (SELECT delivery_id FROM " + schema.deliveries
        + " d0 WHERE state = 'PENDING' AND next_attempt_at <= ? AND (lease_until IS NULL OR lease_until <= ?)"
        + firstOfItsKey() + " ORDER BY next_attempt_at, seq LIMIT ? FOR UPDATE SKIP LOCKED),"
        + " leased AS (UPDATE " + schema.deliveries + " d SET lease_owner = ?, lease_until = ? FROM due"
        + " WHERE d.delivery_id = due.delivery_id AND set_config('synchronous_commit', 'off', true) = 'off'"
        + " RETURNING " + Rows.qualified("d") + ")"
        + " SELECT " + Rows.qualified("leased") + ", e.event_type, e.payload, e.metadata FROM leased JOIN "
        + schema.events + " e ON e.event_id = leased.event_id";
    return Rows.selectJoined(c, sql, ps -> { // sorted: RETURNING keeps no order
      Params.setInstant(ps, 1, now);
      Params.setInstant(ps, 2, now);
      ps.setInt(3, limit);
      ps.setString(4, owner);
      Params.setInstant(ps, 5, until);
    });
  }

  /**
   * Locks due rows with {@code SELECT ... FOR UPDATE}, then leases each unless its lease changed
   * meanwhile (another store on the same database), in one transaction.
   */
  private List<Row> claimH2(Connection c, Instant now, int limit, Instant until, String owner) throws SQLException {
    String select = "SELECT " + Rows.COLUMNS + " FROM " + schema.deliveries
        + " d0 WHERE state = 'PENDING' AND next_attempt_at <= ? AND (lease_until IS NULL OR lease_until <= ?)"
        + firstOfItsKey() + " ORDER BY next_attempt_at, seq LIMIT ? FOR UPDATE";
    List<Row> due = Rows.select(c, select, ps -> {
      Params.setInstant(ps, 1, now);
      Params.setInstant(ps, 2, now);
      ps.setInt(3, limit);
    });
    if (due.isEmpty()) {
      return due;
    }
    String update = "UPDATE " + schema.deliveries + " SET lease_owner = ?, lease_until = ? WHERE delivery_id = ?"
        + " AND state = 'PENDING' AND (lease_until IS NULL OR lease_until <= ?)";
    int[] counts;
    try (PreparedStatement ps = c.prepareStatement(update)) {
      for (Row r : due) {
        ps.setString(1, owner);
        Params.setInstant(ps, 2, until);
        ps.setString(3, r.deliveryId());
        Params.setInstant(ps, 4, now);
        ps.addBatch();
      }
      counts = ps.executeBatch();
    }
    List<Row> leased = new ArrayList<>(due.size());
    for (int i = 0; i < due.size(); i++) {
      if (counts[i] != 0) {
        leased.add(due.get(i));
      }
    }
    return leased;
  }

  /**
   * The claim condition of ordering keys, on the deliveries row aliased {@code d0}: it has no key,
   * or no delivery of the same subscription and key enqueued before it is still pending.
   */
  String firstOfItsKey() {
    return " AND (d0.ordering_key IS NULL OR NOT EXISTS (SELECT 1 FROM " + schema.deliveries + " k"
        + " WHERE k.subscription_id = d0.subscription_id AND k.ordering_key = d0.ordering_key"
        + " AND k.state = 'PENDING' AND k.seq < d0.seq))";
  }
}
