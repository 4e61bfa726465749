package dev.hookpost.jdbc;

import dev.hookpost.jdbc.Rows.Row;
import dev.hookpost.spi.AttemptRecord;
import dev.hookpost.spi.DeliveryQuery;
import dev.hookpost.spi.DeliveryState;
import dev.hookpost.spi.StoredDelivery;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * What {@link JdbcDeliveryStore} reads and changes outside the hot path of a delivery: the next
 * due time, look-ups by id, counts, the history, and the application's requeues, skips and
 * purges (the store documents each). One statement or transaction each; thread-safe, stateless
 * but for its collaborators.
 */
final class Queries {
  private final Schema schema;
  private final Clock clock;
  private final Transactions db;
  private final Claims claims;

  Queries(Schema schema, Clock clock, Transactions db, Claims claims) {
    this.schema = schema;
    this.clock = clock;
    this.db = db;
    this.claims = claims;
  }

  Optional<Instant> nextDue() {
    String sql = "SELECT MIN(next_attempt_at) AS next_due FROM " + schema.deliveries
        + " d0 WHERE state = 'PENDING' AND (lease_until IS NULL OR lease_until <= ?)" + claims.firstOfItsKey();
    return db.read("find the next due delivery", c -> {
      try (PreparedStatement ps = c.prepareStatement(sql)) {
        Params.setInstant(ps, 1, clock.instant());
        try (ResultSet rs = ps.executeQuery()) {
          return rs.next() ? Optional.ofNullable(Params.getInstant(rs, "next_due")) : Optional.empty();
        }
      }
    });
  }

  List<StoredDelivery> lookup(Collection<String> deliveryIds) {
    return lookup(deliveryIds, "");
  }

  List<StoredDelivery> ended(Collection<String> deliveryIds) {
    return lookup(deliveryIds, " AND state <> 'PENDING'");
  }

  int countFailing(String subscriptionId) {
    Objects.requireNonNull(subscriptionId, "subscriptionId");
    String sql = "SELECT COUNT(*) FROM " + schema.deliveries
        + " WHERE subscription_id = ? AND state = 'PENDING' AND attempts > 0";
    return db.read("count the failing deliveries of " + subscriptionId, c -> {
      try (PreparedStatement ps = c.prepareStatement(sql)) {
        ps.setString(1, subscriptionId);
        try (ResultSet rs = ps.executeQuery()) {
          return rs.next() ? rs.getInt(1) : 0;
        }
      }
    });
  }

  List<StoredDelivery> find(DeliveryQuery query) {
    Objects.requireNonNull(query, "query");
    List<Object> params = new ArrayList<>();
    String sql = "SELECT " + Rows.COLUMNS + " FROM " + schema.deliveries + " WHERE " + filter(query, query.states(), params)
        + " ORDER BY created_at, seq LIMIT ?";
    params.add(query.limit());
    return db.read("find deliveries", c -> Rows.withEvents(c, schema.events, Rows.select(c, sql, ps -> bind(ps, params))));
  }

  int count(DeliveryQuery query) {
    Objects.requireNonNull(query, "query");
    List<Object> params = new ArrayList<>();
    String sql = "SELECT COUNT(*) FROM " + schema.deliveries + " WHERE " + filter(query, query.states(), params);
    return db.read("count deliveries", c -> {
      try (PreparedStatement ps = c.prepareStatement(sql)) {
        bind(ps, params);
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          return rs.getInt(1);
        }
      }
    });
  }

  List<AttemptRecord> history(String deliveryId) {
    Objects.requireNonNull(deliveryId, "deliveryId");
    String sql = "SELECT number, started_at, duration_ms, status, error FROM " + schema.attempts
        + " WHERE delivery_id = ? ORDER BY started_at, attempt_id";
    return db.read("read the history of " + deliveryId, c -> {
      List<AttemptRecord> out = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement(sql)) {
        ps.setString(1, deliveryId);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            out.add(new AttemptRecord(rs.getInt("number"), Params.getInstant(rs, "started_at"),
                Duration.ofMillis(rs.getLong("duration_ms")), rs.getInt("status"), rs.getString("error")));
          }
        }
      }
      return out;
    });
  }

  int requeue(DeliveryQuery query, Instant dueAt) {
    Objects.requireNonNull(query, "query");
    Objects.requireNonNull(dueAt, "dueAt");
    Set<DeliveryState> states = EnumSet.noneOf(DeliveryState.class);
    states.addAll(query.states());
    states.removeIf(st -> !st.isRequeueable());
    if (states.isEmpty()) {
      return 0;
    }
    List<Object> params = new ArrayList<>();
    params.add(dueAt);
    params.add(dueAt);
    String sql = "UPDATE " + schema.deliveries + " SET state = 'PENDING', attempts = 0, first_attempt_at = NULL,"
        + " next_attempt_at = ?, updated_at = ?, lease_owner = NULL, lease_until = NULL WHERE "
        + inStates(states, params) + " AND delivery_id IN (SELECT delivery_id FROM " + schema.deliveries
        + " WHERE " + filter(query, states, params) + " ORDER BY created_at, seq LIMIT ?)";
    params.add(query.limit());
    return db.transaction("requeue deliveries", c -> {
      try (PreparedStatement ps = c.prepareStatement(sql)) {
        bind(ps, params);
        return ps.executeUpdate();
      }
    });
  }

  List<StoredDelivery> skipPending(String subscriptionId, String reason, Instant now) {
    Objects.requireNonNull(subscriptionId, "subscriptionId");
    Objects.requireNonNull(now, "now");
    String free = " AND state = 'PENDING' AND (lease_until IS NULL OR lease_until <= ?)";
    String update = "UPDATE " + schema.deliveries + " SET state = 'SKIPPED', last_error = ?, updated_at = ?"
        + " WHERE delivery_id = ? AND " + Writes.movableTo(DeliveryState.SKIPPED) + free;
    return db.transaction("skip the pending deliveries of " + subscriptionId, c -> {
      List<Row> candidates = Rows.select(c, "SELECT " + Rows.COLUMNS + " FROM " + schema.deliveries
          + " WHERE subscription_id = ?" + free, ps -> {
            ps.setString(1, subscriptionId);
            Params.setInstant(ps, 2, now);
          });
      List<Row> skipped = new ArrayList<>(candidates.size());
      try (PreparedStatement ps = c.prepareStatement(update)) {
        for (Row r : candidates) {
          Params.setText(ps, 1, Params.clip(reason));
          Params.setInstant(ps, 2, now);
          ps.setString(3, r.deliveryId());
          Params.setInstant(ps, 4, now);
          if (ps.executeUpdate() != 0) {
            skipped.add(r);
          }
        }
      }
      return Rows.withEvents(c, schema.events, skipped);
    });
  }

  int purge(Instant olderThan) {
    Objects.requireNonNull(olderThan, "olderThan");
    return db.transaction("purge deliveries older than " + olderThan, c -> {
      try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + schema.attempts + " WHERE started_at < ?")) {
        Params.setInstant(ps, 1, olderThan);
        ps.executeUpdate();
      }
      int deleted;
      try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + schema.deliveries
          + " WHERE state <> 'PENDING' AND updated_at < ?")) {
        Params.setInstant(ps, 1, olderThan);
        deleted = ps.executeUpdate();
      }
      try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + schema.events + " WHERE created_at < ?"
          + " AND NOT EXISTS (SELECT 1 FROM " + schema.deliveries + " d WHERE d.event_id = "
          + schema.events + ".event_id)")) {
        Params.setInstant(ps, 1, olderThan);
        ps.executeUpdate();
      }
      return deleted;
    });
  }

  private List<StoredDelivery> lookup(Collection<String> deliveryIds, String condition) {
    Objects.requireNonNull(deliveryIds, "deliveryIds");
    if (deliveryIds.isEmpty()) {
      return List.of();
    }
    return db.read("look up deliveries", c -> {
      List<Row> rows = new ArrayList<>();
      Rows.selectIn(c, "SELECT " + Rows.COLUMNS + " FROM " + schema.deliveries + " WHERE delivery_id", deliveryIds,
          condition, rs -> rows.add(Row.of(rs)));
      return Rows.withEvents(c, schema.events, rows);
    });
  }
  private static String filter(DeliveryQuery q, Set<DeliveryState> states, List<Object> params) {
    StringBuilder sb = new StringBuilder(inStates(states, params));
    if (q.subscriptionId() != null) {
      sb.append(" AND subscription_id = ?");
      params.add(q.subscriptionId());
    }
    if (q.createdFrom() != null) {
      sb.append(" AND created_at >= ?");
      params.add(q.createdFrom());
    }
    if (q.createdBefore() != null) {
      sb.append(" AND created_at < ?");
      params.add(q.createdBefore());
    }
    return sb.toString();
  }
  private static String inStates(Set<DeliveryState> states, List<Object> params) {
    StringBuilder sb = new StringBuilder("state IN (");
    String sep = "";
    for (DeliveryState s : states) {
      sb.append(sep).append('?');
      params.add(s.name());
      sep = ", ";
    }
    return sb.append(')').toString();
  }
  private static void bind(PreparedStatement ps, List<Object> params) throws SQLException {
    for (int i = 0; i < params.size(); i++) {
      Object p = params.get(i);
      if (p instanceof Instant t) {
        Params.setInstant(ps, i + 1, t);
      } else if (p instanceof Integer n) {
        ps.setInt(i + 1, n);
      } else {
        ps.setString(i + 1, (String) p);
      }
    }
  }}
