package dev.hookpost.jdbc;

import dev.hookpost.spi.DeliveryState;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Deletes ended deliveries past their retention in one bounded transaction per call
 * ({@link JdbcDeliveryStore#purgeEnded}): selects at most {@code limit} of them (on PostgreSQL
 * {@code FOR UPDATE SKIP LOCKED}, so purgers of several instances and the claimers never wait
 * for each other), deletes those still ended, then their attempts and the events left without
 * deliveries, by id in lists of {@value Rows#IN_LIST_CHUNK}. The select has no order, so it
 * stops at its limit (old rows come first in a table written in order) instead of sorting every
 * candidate. Thread-safe (stateless).
 */
final class Purges {
  private final Transactions db;
  private final Dialect dialect;
  private final Schema schema;
  /** The dead letters' states: every one that can be requeued, from {@link DeliveryState#isRequeueable()}. */
  private final String deadLetters;

  Purges(Transactions db, Dialect dialect, Schema schema) {
    this.db = db;
    this.dialect = dialect;
    this.schema = schema;
    this.deadLetters = java.util.Arrays.stream(DeliveryState.values()).filter(DeliveryState::isRequeueable)
        .map(s -> "'" + s.name() + "'").collect(Collectors.joining(", ", "state IN (", ")"));
  }

  /** See {@link JdbcDeliveryStore#purgeEnded}; one transaction, at most {@code limit} deliveries. */
  int ended(Instant deliveredBefore, Instant deadLettersBefore, int limit) {
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be at least 1, was " + limit);
    }
    List<Instant> params = new ArrayList<>();
    String condition = condition(deliveredBefore, deadLettersBefore, params);
    if (condition == null) {
      return 0;
    }
    String select = "SELECT delivery_id, event_id FROM " + schema.deliveries + " WHERE " + condition
        + " LIMIT " + limit
        + (dialect == Dialect.POSTGRESQL ? " FOR UPDATE SKIP LOCKED" : "");
    return db.transaction("purge ended deliveries past their retention", true, c -> {
      List<String> deliveries = new ArrayList<>();
      Set<String> events = new LinkedHashSet<>();
      try (PreparedStatement ps = c.prepareStatement(select)) {
        bind(ps, 1, params);
        try (var rs = ps.executeQuery()) {
          while (rs.next()) {
            deliveries.add(rs.getString(1));
            events.add(rs.getString(2));
          }
        }
      }
      // still ended: a requeue between the select and here (SQLite, H2: no row lock) keeps its row
      int deleted = deleteIn(c, "DELETE FROM " + schema.deliveries + " WHERE (" + condition + ") AND delivery_id",
          deliveries, params);
      deleteIn(c, "DELETE FROM " + schema.attempts + " WHERE NOT EXISTS (SELECT 1 FROM " + schema.deliveries
          + " d WHERE d.delivery_id = " + schema.attempts + ".delivery_id) AND delivery_id", deliveries, List.of());
      deleteIn(c, "DELETE FROM " + schema.events + " WHERE NOT EXISTS (SELECT 1 FROM " + schema.deliveries
          + " d WHERE d.event_id = " + schema.events + ".event_id) AND event_id", new ArrayList<>(events), List.of());
      return deleted;
    });
  }

  /** The rows past retention, or null when both cut-offs are null (nothing to delete). */
  private String condition(Instant deliveredBefore, Instant deadLettersBefore, List<Instant> params) {
    List<String> parts = new ArrayList<>(2);
    if (deliveredBefore != null) {
      parts.add("(state = '" + DeliveryState.DELIVERED.name() + "' AND updated_at < ?)");
      params.add(deliveredBefore);
    }
    if (deadLettersBefore != null) {
      parts.add("(" + deadLetters + " AND updated_at < ?)");
      params.add(deadLettersBefore);
    }
    return parts.isEmpty() ? null : String.join(" OR ", parts);
  }

  /** Runs {@code prefix IN (ids)} in chunks, {@code params} bound first; the rows deleted. */
  private static int deleteIn(Connection c, String prefix, List<String> ids, List<Instant> params) throws SQLException {
    int deleted = 0;
    for (int from = 0; from < ids.size(); from += Rows.IN_LIST_CHUNK) {
      List<String> chunk = ids.subList(from, Math.min(ids.size(), from + Rows.IN_LIST_CHUNK));
      try (PreparedStatement ps = c.prepareStatement(prefix + " IN (" + "?, ".repeat(chunk.size() - 1) + "?)")) {
        int i = bind(ps, 1, params);
        for (String id : chunk) {
          ps.setString(i++, id);
        }
        deleted += ps.executeUpdate();
      }
    }
    return deleted;
  }

  private static int bind(PreparedStatement ps, int from, List<Instant> params) throws SQLException {
    int i = from;
    for (Instant t : params) {
      Params.setInstant(ps, i++, t);
    }
    return i;
  }
}
