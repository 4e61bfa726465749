package dev.hookpost.jdbc;

import dev.hookpost.spi.AttemptRecord;
import dev.hookpost.spi.DeliveryState;
import dev.hookpost.spi.StoredDelivery;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * The statements that write many enqueues, or many retries and ends, at once, in the fewest
 * round trips: on PostgreSQL one statement for a whole batch (rows passed as arrays and
 * {@code unnest}ed, so its text and its server-side plan stay the same whatever the batch's
 * size); on H2 and SQLite JDBC batches of the single-row statements. Results come back per item,
 * in order. Stateless.
 */
final class Writes {
  private final Dialect dialect;
  private final Schema schema;
  private final String enqueuePostgres;
  private final String recordPostgres;

  /**
   * One event with its deliveries to store. {@code subscriptionIds} has no repeats;
   * {@code metadata} is encoded, null when empty.
   */
  record Enqueue(String eventId, String eventType, byte[] payload, String metadata, String orderingKey,
      List<String> subscriptionIds, Instant dueAt) {
    Enqueue {
      subscriptionIds = List.copyOf(new LinkedHashSet<>(subscriptionIds));
    }

    String operation() {
      return "enqueue event " + eventId;
    }
  }

  /**
   * A retry ({@code next} {@link DeliveryState#PENDING}, due again at {@code nextAttemptAt}) or an
   * end of a leased delivery, by the lease's {@code owner}. {@code attempt} (null: none) becomes
   * the attempt count, the last status and a history row; {@code lastError} replaces the last
   * error when {@code setError}.
   */
  record Change(String deliveryId, String owner, DeliveryState next, AttemptRecord attempt, Instant firstAttemptAt,
      Instant nextAttemptAt, Instant updatedAt, boolean setError, String lastError) {
    String operation() {
      return next == DeliveryState.PENDING ? "record a retry of " + deliveryId : "record the end of " + deliveryId;
    }
  }

  Writes(Dialect dialect, Schema schema) {
    this.dialect = dialect;
    this.schema = schema;
    String text = "?::varchar[]";
    String times = "?::varchar[]::timestamptz[]";
    this.enqueuePostgres = "WITH e AS (INSERT INTO " + schema.events
        + " (event_id, event_type, payload, created_at, metadata) SELECT * FROM unnest(" + text + ", " + text
        + ", ?::bytea[], " + times + ", " + text + ") ON CONFLICT (event_id) DO NOTHING)"
        + " INSERT INTO " + schema.deliveries + " (delivery_id, event_id, subscription_id, state, attempts, created_at,"
        + " next_attempt_at, last_status, updated_at, ordering_key) SELECT v.d, v.e, v.s, 'PENDING', 0, v.t, v.t, 0,"
        + " v.t, v.k FROM unnest(" + text + ", " + text + ", " + text + ", " + times + ", " + text + ") AS v(d, e, s, t, k)"
        + " ON CONFLICT (delivery_id) DO NOTHING RETURNING event_id, subscription_id";
    // Bookkeeping commits without waiting for the disk (set_config is SET LOCAL, in the statement's own
    // transaction): a crash may lose its last moments, which sends a delivery again, never loses one.
    this.recordPostgres = "WITH v AS (SELECT * FROM unnest(" + text + ", " + text + ", " + text + ", " + times + ", "
        + times + ", " + times + ", ?::int4[], ?::int4[], ?::bool[], " + text + ", " + times + ", ?::int8[], " + text
        + ") AS v(id, owner, next_state, next_at, first_at, updated, number, status, set_error, last_error, started,"
        + " duration_ms, error) WHERE set_config('synchronous_commit', 'off', true) = 'off'),"
        + " u AS (UPDATE " + schema.deliveries + " d SET state = v.next_state,"
        + " next_attempt_at = COALESCE(v.next_at, d.next_attempt_at), lease_owner = NULL, lease_until = NULL,"
        + " first_attempt_at = COALESCE(d.first_attempt_at, v.first_at), updated_at = v.updated,"
        + " attempts = COALESCE(v.number, d.attempts), last_status = COALESCE(v.status, d.last_status),"
        + " last_error = CASE WHEN v.set_error THEN v.last_error ELSE d.last_error END"
        + " FROM v WHERE d.delivery_id = v.id AND d.lease_owner = v.owner AND " + movableTo("v.next_state")
        + " RETURNING d.delivery_id),"
        + " a AS (INSERT INTO " + schema.attempts + " (delivery_id, number, started_at, duration_ms, status, error)"
        + " SELECT v.id, v.number, v.started, v.duration_ms, v.status, v.error FROM v JOIN u ON u.delivery_id = v.id"
        + " WHERE v.started IS NOT NULL)"
        + " SELECT delivery_id FROM u";
  }

  // ---- enqueues ----

  /**
   * Stores each item's event once and what is missing of its deliveries, in {@code c}'s
   * transaction; returns, per item, the subscription ids whose delivery was new. Items name
   * distinct events. The one place an enqueue writes.
   */
  List<List<String>> enqueue(Connection c, List<Enqueue> items) throws SQLException {
    return dialect == Dialect.POSTGRESQL ? enqueuePostgres(c, items) : enqueueBatched(c, items);
  }

  private List<List<String>> enqueuePostgres(Connection c, List<Enqueue> items) throws SQLException {
    int n = items.size();
    String[] eventIds = new String[n];
    String[] types = new String[n];
    byte[][] payloads = new byte[n][];
    String[] created = new String[n];
    String[] metadata = new String[n];
    List<String[]> deliveries = new ArrayList<>();
    Map<String, Integer> itemOf = new HashMap<>();
    for (int i = 0; i < n; i++) {
      Enqueue e = items.get(i);
      eventIds[i] = e.eventId();
      types[i] = e.eventType();
      payloads[i] = e.payload();
      created[i] = time(e.dueAt());
      metadata[i] = e.metadata();
      itemOf.put(e.eventId(), i);
      for (String sub : e.subscriptionIds()) {
        deliveries.add(new String[] {StoredDelivery.idOf(e.eventId(), sub), e.eventId(), sub, created[i],
            e.orderingKey()});
      }
    }
    List<List<String>> added = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      added.add(new ArrayList<>());
    }
    try (PreparedStatement ps = c.prepareStatement(enqueuePostgres)) {
      int p = 1;
      ps.setArray(p++, c.createArrayOf("varchar", eventIds));
      ps.setArray(p++, c.createArrayOf("varchar", types));
      ps.setArray(p++, c.createArrayOf("bytea", payloads));
      ps.setArray(p++, c.createArrayOf("varchar", created));
      ps.setArray(p++, c.createArrayOf("varchar", metadata));
      for (int col = 0; col < 5; col++) {
        String[] values = new String[deliveries.size()];
        for (int r = 0; r < values.length; r++) {
          values[r] = deliveries.get(r)[col];
        }
        ps.setArray(p++, c.createArrayOf("varchar", values));
      }
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          added.get(itemOf.get(rs.getString(1))).add(rs.getString(2));
        }
      }
    }
    for (int i = 0; i < n; i++) { // RETURNING keeps no order: the caller's order
      List<String> subs = items.get(i).subscriptionIds();
      List<String> mine = added.get(i);
      mine.sort(java.util.Comparator.comparingInt(subs::indexOf));
    }
    return added;
  }

  private List<List<String>> enqueueBatched(Connection c, List<Enqueue> items) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(dialect.insertEventIfAbsent(schema.events))) {
      for (Enqueue e : items) {
        ps.setString(1, e.eventId());
        ps.setString(2, e.eventType());
        ps.setBytes(3, e.payload());
        Params.setInstant(ps, 4, e.dueAt());
        Params.setText(ps, 5, e.metadata());
        ps.addBatch();
      }
      ps.executeBatch();
    }
    int[] counts;
    try (PreparedStatement ps = c.prepareStatement(dialect.insertDeliveryIfAbsent(schema.deliveries))) {
      for (Enqueue e : items) {
        for (String sub : e.subscriptionIds()) {
          ps.setString(1, StoredDelivery.idOf(e.eventId(), sub));
          ps.setString(2, e.eventId());
          ps.setString(3, sub);
          Params.setInstant(ps, 4, e.dueAt());
          Params.setInstant(ps, 5, e.dueAt());
          Params.setInstant(ps, 6, e.dueAt());
          Params.setText(ps, 7, e.orderingKey());
          ps.addBatch();
        }
      }
      counts = ps.executeBatch();
    }
    List<List<String>> added = new ArrayList<>(items.size());
    int row = 0;
    for (Enqueue e : items) {
      List<String> mine = new ArrayList<>();
      for (String sub : e.subscriptionIds()) {
        if (counts[row++] != 0) { // 1, or SUCCESS_NO_INFO from drivers that do not count
          mine.add(sub);
        }
      }
      added.add(mine);
    }
    return added;
  }

  // ---- retries and ends ----

  /**
   * Applies each change whose row is still leased to its owner and may move to its state
   * ({@link #movableTo}), and adds the attempts of those that changed to the history; returns,
   * per change, whether it applied. Changes name distinct deliveries.
   */
  List<Boolean> record(Connection c, List<Change> changes) throws SQLException {
    return dialect == Dialect.POSTGRESQL ? recordPostgres(c, changes) : recordBatched(c, changes);
  }

  private List<Boolean> recordPostgres(Connection c, List<Change> changes) throws SQLException {
    int n = changes.size();
    String[] ids = new String[n];
    String[] owners = new String[n];
    String[] next = new String[n];
    String[] nextAt = new String[n];
    String[] firstAt = new String[n];
    String[] updated = new String[n];
    Integer[] numbers = new Integer[n];
    Integer[] statuses = new Integer[n];
    Boolean[] setError = new Boolean[n];
    String[] lastError = new String[n];
    String[] started = new String[n];
    Long[] durations = new Long[n];
    String[] errors = new String[n];
    for (int i = 0; i < n; i++) {
      Change ch = changes.get(i);
      AttemptRecord a = ch.attempt();
      ids[i] = ch.deliveryId();
      owners[i] = ch.owner();
      next[i] = ch.next().name();
      nextAt[i] = time(ch.nextAttemptAt());
      firstAt[i] = time(ch.firstAttemptAt());
      updated[i] = time(ch.updatedAt());
      setError[i] = ch.setError();
      lastError[i] = ch.lastError();
      if (a != null) {
        numbers[i] = a.number();
        statuses[i] = a.status();
        started[i] = time(a.startedAt());
        durations[i] = a.duration().toMillis();
        errors[i] = Params.clip(a.error());
      }
    }
    Map<String, Boolean> changed = new HashMap<>();
    try (PreparedStatement ps = c.prepareStatement(recordPostgres)) {
      Object[][] columns = {ids, owners, next, nextAt, firstAt, updated, numbers, statuses, setError, lastError,
          started, durations, errors};
      String[] types = {"varchar", "varchar", "varchar", "varchar", "varchar", "varchar", "int4", "int4", "bool",
          "varchar", "varchar", "int8", "varchar"};
      for (int col = 0; col < columns.length; col++) {
        Array array = c.createArrayOf(types[col], columns[col]);
        ps.setArray(col + 1, array);
      }
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          changed.put(rs.getString(1), true);
        }
      }
    }
    List<Boolean> out = new ArrayList<>(n);
    for (String id : ids) {
      out.add(changed.containsKey(id));
    }
    return out;
  }

  private List<Boolean> recordBatched(Connection c, List<Change> changes) throws SQLException {
    List<Boolean> out = new ArrayList<>(changes.size());
    for (Change ch : changes) { // one statement each: their SQL differs with what they set
      try (PreparedStatement ps = c.prepareStatement(update(ch))) {
        int i = 1;
        if (ch.next() != DeliveryState.PENDING) {
          ps.setString(i++, ch.next().name());
        } else {
          Params.setInstant(ps, i++, ch.nextAttemptAt());
        }
        Params.setInstant(ps, i++, ch.firstAttemptAt());
        Params.setInstant(ps, i++, ch.updatedAt());
        if (ch.attempt() != null) {
          ps.setInt(i++, ch.attempt().number());
          ps.setInt(i++, ch.attempt().status());
        }
        if (ch.setError()) {
          Params.setText(ps, i++, ch.lastError());
        }
        ps.setString(i++, ch.deliveryId());
        ps.setString(i, ch.owner());
        out.add(ps.executeUpdate() != 0);
      }
    }
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + schema.attempts
        + " (delivery_id, number, started_at, duration_ms, status, error) VALUES (?, ?, ?, ?, ?, ?)")) {
      boolean any = false;
      for (int k = 0; k < changes.size(); k++) {
        AttemptRecord a = changes.get(k).attempt();
        if (a != null && out.get(k)) {
          ps.setString(1, changes.get(k).deliveryId());
          ps.setInt(2, a.number());
          Params.setInstant(ps, 3, a.startedAt());
          ps.setLong(4, a.duration().toMillis());
          ps.setInt(5, a.status());
          Params.setText(ps, 6, Params.clip(a.error()));
          ps.addBatch();
          any = true;
        }
      }
      if (any) {
        ps.executeBatch();
      }
    }
    return out;
  }

  /** The single-row {@code UPDATE} of a change, guarded like the batch's. */
  private String update(Change ch) {
    boolean retry = ch.next() == DeliveryState.PENDING;
    return "UPDATE " + schema.deliveries + " SET " + (retry ? "next_attempt_at = ?" : "state = ?")
        + ", lease_owner = NULL, lease_until = NULL, first_attempt_at = COALESCE(first_attempt_at, ?), updated_at = ?"
        + (ch.attempt() != null ? ", attempts = ?, last_status = ?" : "")
        + (ch.setError() ? ", last_error = ?" : "")
        + " WHERE delivery_id = ? AND lease_owner = ? AND " + movableTo(ch.next());
  }

  /**
   * The SQL condition that a row may move to {@code next}, from {@link DeliveryState#sources}:
   * the one rule of which changes are allowed, put in the {@code WHERE} clause so that a change
   * from another state matches no row. A move to {@link DeliveryState#PENDING} here is a retry,
   * which also needs the row pending (a requeue is not written here).
   */
  static String movableTo(DeliveryState next) {
    StringBuilder sb = new StringBuilder("state IN (");
    String sep = "";
    for (DeliveryState s : DeliveryState.sources(next)) {
      sb.append(sep).append('\'').append(s.name()).append('\'');
      sep = ", ";
    }
    sb.append(')');
    return next == DeliveryState.PENDING ? sb.append(" AND state = 'PENDING'").toString() : sb.toString();
  }

  /** {@link #movableTo(DeliveryState)} for the state the SQL expression {@code next} names, one row at a time. */
  static String movableTo(String next) {
    StringBuilder sb = new StringBuilder("CASE ").append(next);
    for (DeliveryState s : DeliveryState.values()) {
      sb.append(" WHEN '").append(s.name()).append("' THEN (").append(movableTo(s)).append(')');
    }
    return sb.append(" ELSE FALSE END").toString();
  }

  /** An instant as the fixed-width UTC text PostgreSQL reads as a {@code timestamptz}, to the millisecond. */
  private static String time(Instant t) {
    return t == null ? null : SqliteTimes.format(t);
  }
}
