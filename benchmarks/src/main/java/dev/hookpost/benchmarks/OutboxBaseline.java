package dev.hookpost.benchmarks;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * The hand-written side of the PostgreSQL figures: the outbox an application would write itself,
 * one table with the event's id, type and serialized JSON, written with plain JDBC. Per event it
 * does what a hand-written outbox writer does: make an id, serialize the same 1 KiB envelope,
 * INSERT. Two variants: one INSERT per commit, and 100 rows per commit (one JDBC batch).
 */
final class OutboxBaseline {
  static final String TABLE = "bench_outbox";
  static final int ROWS_PER_COMMIT = 100;
  private static final String INSERT = "INSERT INTO " + TABLE + " (event_id, event_type, payload) VALUES (?, ?, ?)";

  private final DataSource ds;

  OutboxBaseline(DataSource ds) throws SQLException {
    this.ds = ds;
    try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
      // what a hand-written outbox keeps: an id for the relay's order, the event, a unique event id
      s.execute("CREATE TABLE IF NOT EXISTS " + TABLE + " (id BIGSERIAL PRIMARY KEY,"
          + " event_id VARCHAR(255) NOT NULL UNIQUE, event_type VARCHAR(255) NOT NULL, payload BYTEA NOT NULL,"
          + " created_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now())");
    }
  }

  /** One event, its own transaction. Returns 1. */
  int insertOne(int n) throws SQLException {
    try (Connection c = ds.getConnection()) {
      c.setAutoCommit(false);
      insert(c, n);
      c.commit();
    }
    return 1;
  }

  /** One event in the caller's open transaction on {@code c}, which the caller commits. */
  static void insert(Connection c, int n) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(INSERT)) {
      bind(ps, n);
      ps.executeUpdate();
    }
  }

  /** {@value #ROWS_PER_COMMIT} events, one batch, one commit. Returns {@value #ROWS_PER_COMMIT}. */
  int insertHundred(int n) throws SQLException {
    try (Connection c = ds.getConnection()) {
      c.setAutoCommit(false);
      try (PreparedStatement ps = c.prepareStatement(INSERT)) {
        for (int i = 0; i < ROWS_PER_COMMIT; i++) {
          bind(ps, n * ROWS_PER_COMMIT + i);
          ps.addBatch();
        }
        ps.executeBatch();
      }
      c.commit();
    }
    return ROWS_PER_COMMIT;
  }

  private static void bind(PreparedStatement ps, int n) throws SQLException {
    Map<String, Object> envelope = new LinkedHashMap<>();
    envelope.put("type", "order.created");
    envelope.put("timestamp", java.time.Instant.now().toString());
    envelope.put("data", Payloads.oneKib(n));
    try {
      ps.setString(1, "msg_" + UUID.randomUUID());
      ps.setString(2, "order.created");
      ps.setBytes(3, HttpBench.MAPPER.writeValueAsBytes(envelope));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
