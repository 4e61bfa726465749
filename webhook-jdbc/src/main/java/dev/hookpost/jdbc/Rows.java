package dev.hookpost.jdbc;

import dev.hookpost.spi.DeliveryState;
import dev.hookpost.spi.StoredDelivery;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reading deliveries rows and joining in their events: the columns, the row, and the
 * {@code IN (...)} lists read in chunks. Stateless.
 */
final class Rows {
  /** The deliveries columns every read of whole rows selects. */
  static final String COLUMNS = "delivery_id, event_id, subscription_id, state, attempts, created_at,"
      + " first_attempt_at, next_attempt_at, last_status, last_error, updated_at, seq, ordering_key";
  /** The most ids one {@code IN (...)} list holds. */
  static final int IN_LIST_CHUNK = 500;

  private Rows() {}

  /** A deliveries row, before its event's type and payload are joined in. */
  record Row(String deliveryId, String eventId, String subscriptionId, DeliveryState state, int attempts,
      Instant createdAt, Instant firstAttemptAt, Instant nextAttemptAt, int lastStatus, String lastError,
      Instant updatedAt, long seq, String orderingKey) {
    static final Comparator<Row> BY_DUE = Comparator.comparing(Row::nextAttemptAt).thenComparingLong(Row::seq);

    static Row of(ResultSet rs) throws SQLException {
      return new Row(rs.getString("delivery_id"), rs.getString("event_id"), rs.getString("subscription_id"),
          DeliveryState.valueOf(rs.getString("state")), rs.getInt("attempts"), Params.getInstant(rs, "created_at"),
          Params.getInstant(rs, "first_attempt_at"), Params.getInstant(rs, "next_attempt_at"),
          rs.getInt("last_status"), rs.getString("last_error"), Params.getInstant(rs, "updated_at"),
          rs.getLong("seq"), rs.getString("ordering_key"));
    }
  }

  private record EventRow(String type, byte[] payload, Map<String, String> metadata) {}

  /** Reads one result row. */
  @FunctionalInterface
  interface RowReader {
    void read(ResultSet rs) throws SQLException;
  }

  /** Binds a statement's parameters. */
  @FunctionalInterface
  interface Binder {
    void bind(PreparedStatement ps) throws SQLException;
  }

  /** {@link #COLUMNS} qualified with a table alias, e.g. {@code d.delivery_id, d.event_id, ...}. */
  static String qualified(String alias) {
    StringBuilder sb = new StringBuilder();
    for (String col : COLUMNS.split(", ")) {
      sb.append(sb.length() == 0 ? "" : ", ").append(alias).append('.').append(col);
    }
    return sb.toString();
  }

  /** The rows {@code sql} selects (it must select {@link #COLUMNS}). */
  static List<Row> select(Connection c, String sql, Binder binder) throws SQLException {
    List<Row> rows = new ArrayList<>();
    query(c, sql, binder, rs -> rows.add(Row.of(rs)));
    return rows;
  }

  /**
   * Runs {@code prefix + "IN (?, ...)" + suffix} for {@code ids}, {@link #IN_LIST_CHUNK} at a
   * time, handing every result row to {@code reader}.
   */
  static void selectIn(Connection c, String prefix, Collection<String> ids, String suffix, RowReader reader)
      throws SQLException {
    List<String> all = new ArrayList<>(new LinkedHashSet<>(ids));
    for (int from = 0; from < all.size(); from += IN_LIST_CHUNK) {
      List<String> chunk = all.subList(from, Math.min(all.size(), from + IN_LIST_CHUNK));
      query(c, prefix + " IN (" + "?, ".repeat(chunk.size() - 1) + "?)" + suffix, ps -> {
        for (int i = 0; i < chunk.size(); i++) {
          ps.setString(i + 1, chunk.get(i));
        }
      }, reader);
    }
  }

  /** Turns rows into deliveries with their event's type and payload, one byte array per event. */
  static List<StoredDelivery> withEvents(Connection c, String eventsTable, List<Row> rows) throws SQLException {
    if (rows.isEmpty()) {
      return List.of();
    }
    Set<String> ids = new LinkedHashSet<>();
    for (Row r : rows) {
      ids.add(r.eventId());
    }
    Map<String, EventRow> events = new HashMap<>();
    selectIn(c, "SELECT event_id, event_type, payload, metadata FROM " + eventsTable + " WHERE event_id", ids, "",
        rs -> events.put(rs.getString(1), new EventRow(rs.getString(2), rs.getBytes(3),
            Metadata.decode(rs.getString(4)))));
    return stored(rows, events);
  }

  /**
   * The deliveries {@code sql} selects with their events in one statement: {@link #COLUMNS}, then
   * {@code event_type, payload, metadata}; one byte array per event, ordered as {@link Row#BY_DUE}.
   */
  static List<StoredDelivery> selectJoined(Connection c, String sql, Binder binder) throws SQLException {
    List<Row> rows = new ArrayList<>();
    Map<String, EventRow> events = new HashMap<>();
    query(c, sql, binder, rs -> {
      Row r = Row.of(rs);
      rows.add(r);
      if (!events.containsKey(r.eventId())) {
        events.put(r.eventId(), new EventRow(rs.getString("event_type"), rs.getBytes("payload"),
            Metadata.decode(rs.getString("metadata"))));
      }
    });
    rows.sort(Row.BY_DUE);
    return stored(rows, events);
  }

  private static List<StoredDelivery> stored(List<Row> rows, Map<String, EventRow> events) throws SQLException {
    List<StoredDelivery> out = new ArrayList<>(rows.size());
    for (Row r : rows) {
      EventRow e = events.get(r.eventId());
      if (e == null) {
        throw new SQLException("delivery " + r.deliveryId() + " refers to event " + r.eventId() + ", which is missing");
      }
      out.add(new StoredDelivery(r.deliveryId(), r.eventId(), e.type(), e.payload(), r.subscriptionId(), r.state(),
          r.attempts(), r.createdAt(), r.firstAttemptAt(), r.nextAttemptAt(), r.lastStatus(), r.lastError(),
          r.updatedAt(), e.metadata(), r.orderingKey()));
    }
    return out;
  }

  private static void query(Connection c, String sql, Binder binder, RowReader reader) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      binder.bind(ps);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          reader.read(rs);
        }
      }
    }
  }
}
