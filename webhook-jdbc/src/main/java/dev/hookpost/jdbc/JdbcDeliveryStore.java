package dev.hookpost.jdbc;

import dev.hookpost.spi.AttemptRecord;
import dev.hookpost.spi.DeliveryQuery;
import dev.hookpost.spi.DeliveryState;
import dev.hookpost.spi.StoredDelivery;
import dev.hookpost.spi.TransactionalDeliveryStore;
import dev.hookpost.WebhookException;
import dev.hookpost.jdbc.Rows.Row;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import javax.sql.DataSource;

/**
 * A durable {@link dev.hookpost.spi.DeliveryStore} in a database reached through a
 * {@link DataSource}: deliveries survive a crash, several publisher instances can share them on
 * PostgreSQL, and {@link #enqueue(Connection, String, String, byte[], List, Instant)} joins the
 * application's own transaction (a transactional outbox).
 *
 * <pre>{@code
 * JdbcDeliveryStore store = JdbcDeliveryStore.create(dataSource);
 * WebhookPublisher publisher = WebhookPublisher.builder().store(store)...build();
 * // in the application's transaction:
 * publisher.send(Event.of("order.created", order), connection);
 * }</pre>
 *
 * <p>Supported databases, detected from the connection's metadata:
 * <ul>
 *   <li>PostgreSQL 10 or later: any number of instances. A claim is one
 *       {@code UPDATE ... FOR UPDATE SKIP LOCKED} statement, so concurrent claimers never wait for
 *       each other and never get the same delivery while its lease lasts. The store warns at
 *       start when the session runs with {@code synchronous_commit=off} or {@code fsync=off}:
 *       a power cut could then lose accepted events.
 *   <li>SQLite 3.35 or later (xerial {@code sqlite-jdbc}), a database file: the embedded engine for
 *       a single instance. The store puts the file in WAL mode and sets {@code synchronous=FULL}
 *       on every connection it uses (and on the caller's, in a transactional enqueue), so a commit
 *       that returned survives kill -9 and a power cut; {@link Builder#powerCutMayLoseLastCommits}
 *       opts into the faster {@code NORMAL}. Claims are one {@code UPDATE}; writers wait for each
 *       other up to the statement timeout.
 *   <li>H2 2.x, file-backed: a single instance. H2's file store loses the last commits under
 *       kill -9, even with {@code ;WRITE_DELAY=0} (measured, with and without this library): use
 *       it where that is acceptable, e.g. tests; SQLite where it is not.
 * </ul>
 *
 * <p>Every statement is bounded by {@link Builder#statementTimeout} (default 10 s), row-lock
 * waits included; one that hits it is logged at WARN with its purpose and fails the call, which
 * the publisher tries again on its next poll.
 *
 * <p>Defaults: tables named {@code hookpost_events}, {@code hookpost_deliveries},
 * {@code hookpost_attempts} and {@code hookpost_schema_version} in the connection's default
 * schema, created or migrated when the store is created; the system UTC clock.
 *
 * <p>Times are stored as {@code TIMESTAMP WITH TIME ZONE}, to the millisecond. Leases compare
 * instants from the claimers' clocks, so instances sharing a database need synchronized clocks
 * (a skew shortens or lengthens leases by as much). Delivered and skipped deliveries stay in the
 * tables, queryable, until {@link #purge(Instant)}; an event id that is stored, in any state,
 * is not enqueued again until then.
 *
 * <p>Thread-safe: every call borrows its own connection from the {@code DataSource} (use a
 * pooled one in production) and holds it only for that call.
 */
public final class JdbcDeliveryStore implements TransactionalDeliveryStore {

  private final DataSource dataSource;
  private final Dialect dialect;
  private final Schema schema;
  private final Clock clock;
  private final Transactions db;
  private final boolean powerCutMayLoseLastCommits;
  private final Claims claims;

  private JdbcDeliveryStore(DataSource dataSource, Dialect dialect, Schema schema, Clock clock, Transactions db,
      boolean powerCutMayLoseLastCommits) {
    this.powerCutMayLoseLastCommits = powerCutMayLoseLastCommits;
    this.dataSource = dataSource;
    this.dialect = dialect;
    this.schema = schema;
    this.clock = clock;
    this.db = db;
    this.claims = new Claims(dialect, schema, db);
  }

  /**
   * Creates a store over {@code dataSource} with the default table prefix {@code hookpost_},
   * creating or migrating its tables first.
   *
   * @throws IllegalArgumentException if the database is not PostgreSQL 10+, SQLite 3.35+ (a file) or H2 2.x
   * @throws WebhookException if the database cannot be reached or the tables cannot be created
   */
  public static JdbcDeliveryStore create(DataSource dataSource) {
    return builder(dataSource).build();
  }

  /** Starts configuring a store over {@code dataSource}; see {@link Builder} for the settings. */
  public static Builder builder(DataSource dataSource) {
    return new Builder(Objects.requireNonNull(dataSource, "dataSource"));
  }

  /**
   * Configures a {@link JdbcDeliveryStore}. Defaults: table prefix {@code hookpost_}, the system
   * UTC clock, a statement timeout of 10 s. Not thread-safe.
   */
  public static final class Builder {
    private final DataSource dataSource;
    private String tablePrefix = "hookpost_";
    private Clock clock = Clock.systemUTC();
    private Duration statementTimeout = Duration.ofSeconds(10);
    private boolean powerCutMayLoseLastCommits;

    private Builder(DataSource dataSource) {
      this.dataSource = dataSource;
    }

    /**
     * Names the tables {@code prefix + "events"} and so on, e.g. to keep two publishers' tables
     * apart in one schema. Unquoted, so case-insensitive. Default {@code hookpost_}.
     *
     * @throws IllegalArgumentException unless 1 to 30 letters, digits or '_', not starting with a digit
     */
    public Builder tablePrefix(String prefix) {
      this.tablePrefix = Params.tablePrefix(prefix);
      return this;
    }

    /**
     * The clock for times the store takes itself: whether a lease is still live in
     * {@link JdbcDeliveryStore#nextDue()}, and when a change without an attempt happened. Pass the
     * publisher's clock when it is not the system's. Default {@link Clock#systemUTC()}.
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * The bound on every statement the store runs, waiting for row locks included: one that
     * takes longer is cancelled, logged at WARN with its purpose, and tried again on the
     * publisher's next poll, so a stuck database never hangs the publisher silently. Whole
     * seconds. Default 10 s.
     *
     * @throws IllegalArgumentException unless 1 s to 1 h
     */
    public Builder statementTimeout(Duration timeout) {
      if (timeout == null || timeout.compareTo(Duration.ofSeconds(1)) < 0 || timeout.compareTo(Duration.ofHours(1)) > 0) {
        throw new IllegalArgumentException("statementTimeout must be from 1 s to 1 h, e.g. Duration.ofSeconds(10),"
            + " was " + timeout);
      }
      this.statementTimeout = timeout;
      return this;
    }

    /**
     * SQLite only: commit with {@code synchronous=NORMAL} instead of the default {@code FULL}.
     * Commits are faster (the WAL is not synced at each one) and a killed process still loses
     * nothing, but <b>a power cut or an OS crash may lose the last commits</b>: events whose
     * {@code send} (or whose transaction's commit) had returned. Default false.
     */
    public Builder powerCutMayLoseLastCommits(boolean faster) {
      this.powerCutMayLoseLastCommits = faster;
      return this;
    }

    /**
     * Detects the database, creates or migrates the tables, and returns the store. Safe when
     * several processes do it at once on PostgreSQL.
     *
     * @throws IllegalArgumentException if the database is not PostgreSQL 10+, SQLite 3.35+ (a file) or H2 2.x
     * @throws WebhookException if the database cannot be reached, the tables cannot be created,
     *     or they are at a newer schema version than this library knows
     */
    public JdbcDeliveryStore build() {
      Schema schema = new Schema(tablePrefix);
      try (Connection raw = dataSource.getConnection()) {
        DatabaseMetaData meta = raw.getMetaData();
        String product = meta.getDatabaseProductName();
        Dialect dialect = Dialect.of(product);
        if (dialect == null) {
          throw new IllegalArgumentException("JdbcDeliveryStore supports PostgreSQL 10 or later, SQLite 3.35 or later"
              + " and H2 2.x; the"
              + " DataSource connects to " + product + " " + meta.getDatabaseProductVersion());
        }
        if (meta.getDatabaseMajorVersion() < dialect.minMajorVersion) {
          throw new IllegalArgumentException("JdbcDeliveryStore needs " + dialect + " " + dialect.minMajorVersion
              + " or later; the DataSource connects to " + product + " " + meta.getDatabaseProductVersion());
        }
        String name = describe(dialect, schema);
        Transactions db = new Transactions(dataSource, dialect, statementTimeout, powerCutMayLoseLastCommits, name);
        if (dialect == Dialect.SQLITE) {
          Durability.useWal(raw, name);
        }
        Connection c = db.bounded(raw);
        db.setUp(c);
        Durability.warnIfRelaxed(c, dialect, name);
        schema.migrate(c, dialect, clock.instant());
        return new JdbcDeliveryStore(dataSource, dialect, schema, clock, db, powerCutMayLoseLastCommits);
      } catch (SQLException e) {
        throw new WebhookException("JdbcDeliveryStore could not create or migrate its tables " + tablePrefix
            + "*: " + e.getMessage(), e);
      }
    }
  }

  // ---- enqueue ----

  /**
   * {@inheritDoc} Runs in its own transaction on a connection of its own.
   *
   * @throws WebhookException if the database fails (nothing was stored)
   */
  @Override
  public List<String> enqueue(String eventId, String eventType, byte[] payload, List<String> subscriptionIds,
      Instant dueAt) {
    return enqueue(eventId, eventType, payload, Map.of(), null, subscriptionIds, dueAt);
  }

  /**
   * {@inheritDoc} Runs in its own transaction on a connection of its own; the metadata goes in
   * the events table, the ordering key in the deliveries' {@code ordering_key}.
   *
   * @throws WebhookException if the database fails (nothing was stored)
   */
  @Override
  public List<String> enqueue(String eventId, String eventType, byte[] payload, Map<String, String> metadata,
      String orderingKey, List<String> subscriptionIds, Instant dueAt) {
    checkEnqueue(eventId, eventType, payload, subscriptionIds, dueAt);
    String kept = Metadata.encode(Objects.requireNonNull(metadata, "metadata"));
    if (subscriptionIds.isEmpty()) {
      return List.of();
    }
    return db.transaction("enqueue event " + eventId,
        c -> insert(c, eventId, eventType, payload, kept, orderingKey, subscriptionIds, dueAt));
  }

  /**
   * {@inheritDoc} The connection must reach the same database and tables as this store's
   * {@code DataSource} and have auto-commit off.
   *
   * @throws IllegalArgumentException if {@code connection} is in auto-commit mode (there would be
   *     no transaction to join)
   */
  @Override
  public List<String> enqueue(Connection connection, String eventId, String eventType, byte[] payload,
      List<String> subscriptionIds, Instant dueAt) {
    return enqueue(connection, eventId, eventType, payload, Map.of(), null, subscriptionIds, dueAt);
  }

  /**
   * {@inheritDoc} As {@link #enqueue(Connection, String, String, byte[], List, Instant)}; the
   * metadata goes in the events table, the ordering key in the deliveries' {@code ordering_key}.
   *
   * @throws IllegalArgumentException if {@code connection} is in auto-commit mode
   */
  @Override
  public List<String> enqueue(Connection connection, String eventId, String eventType, byte[] payload,
      Map<String, String> metadata, String orderingKey, List<String> subscriptionIds, Instant dueAt) {
    Objects.requireNonNull(connection, "connection");
    checkEnqueue(eventId, eventType, payload, subscriptionIds, dueAt);
    String kept = Metadata.encode(Objects.requireNonNull(metadata, "metadata"));
    try {
      if (connection.getAutoCommit()) {
        throw new IllegalArgumentException("the connection is in auto-commit mode, so event " + eventId
            + " would not join a transaction; call connection.setAutoCommit(false) before the business change");
      }
      Connection bounded = db.callers(connection);
      if (dialect == Dialect.SQLITE) {
        Durability.checkCaller(bounded, powerCutMayLoseLastCommits, this);
      }
      return subscriptionIds.isEmpty() ? List.of()
          : insert(bounded, eventId, eventType, payload, kept, orderingKey, subscriptionIds, dueAt);
    } catch (SQLException e) {
      throw db.failure("enqueue event " + eventId + " in the caller's transaction", e);
    }
  }

  private static void checkEnqueue(String eventId, String eventType, byte[] payload, List<String> subscriptionIds,
      Instant dueAt) {
    Objects.requireNonNull(eventId, "eventId");
    Objects.requireNonNull(eventType, "eventType");
    Objects.requireNonNull(payload, "payload");
    Objects.requireNonNull(subscriptionIds, "subscriptionIds");
    Objects.requireNonNull(dueAt, "dueAt");
    for (String s : subscriptionIds) {
      Objects.requireNonNull(s, "subscriptionIds must not contain null");
    }
  }

  /** Inserts what is missing; returns the subscription ids whose delivery was new. */
  private List<String> insert(Connection c, String eventId, String eventType, byte[] payload, String metadata,
      String orderingKey, List<String> subscriptionIds, Instant dueAt) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(dialect.insertEventIfAbsent(schema.events))) {
      ps.setString(1, eventId);
      ps.setString(2, eventType);
      ps.setBytes(3, payload);
      Params.setInstant(ps, 4, dueAt);
      Params.setText(ps, 5, metadata);
      ps.executeUpdate();
    }
    List<String> subs = new java.util.ArrayList<>(new LinkedHashSet<>(subscriptionIds));
    try (PreparedStatement ps = c.prepareStatement(dialect.insertDeliveryIfAbsent(schema.deliveries))) {
      for (String sub : subs) {
        ps.setString(1, StoredDelivery.idOf(eventId, sub));
        ps.setString(2, eventId);
        ps.setString(3, sub);
        Params.setInstant(ps, 4, dueAt);
        Params.setInstant(ps, 5, dueAt);
        Params.setInstant(ps, 6, dueAt);
        Params.setText(ps, 7, orderingKey);
        ps.addBatch();
      }
      int[] counts = ps.executeBatch();
      List<String> added = new java.util.ArrayList<>(subs.size());
      for (int i = 0; i < subs.size(); i++) {
        if (counts[i] != 0) { // 1, or SUCCESS_NO_INFO from drivers that do not count
          added.add(subs.get(i));
        }
      }
      return added;
    }
  }

  // ---- claims ----

  /**
   * {@inheritDoc} A delivery this owner already holds is returned again with its lease renewed
   * only once that lease has expired.
   *
   * @throws IllegalArgumentException if {@code limit} is below 1 or {@code lease} is not positive
   * @throws WebhookException if the database fails (nothing was claimed)
   */
  @Override
  public List<StoredDelivery> claim(Instant now, int limit, Duration lease, String owner) {
    Objects.requireNonNull(now, "now");
    Objects.requireNonNull(owner, "owner");
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be at least 1, was " + limit);
    }
    if (lease == null || lease.isNegative() || lease.isZero()) {
      throw new IllegalArgumentException("lease must be positive, was " + lease);
    }
    return claims.claim(now, limit, now.plus(lease), owner);
  }

  /**
   * {@inheritDoc} A lease counts as live while it ends after this store's clock (the system clock
   * unless {@link Builder#clock} set another); deliveries under a live lease are left out.
   *
   * @throws WebhookException if the database fails
   */
  @Override
  public Optional<Instant> nextDue() {
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

  // ---- recording attempts ----

  /**
   * {@inheritDoc} With {@code attempt} null it only releases the lease and reschedules; the
   * attempt count stays.
   *
   * @throws WebhookException if the database fails (nothing changed)
   */
  @Override
  public boolean retry(String deliveryId, String owner, AttemptRecord attempt, Instant firstAttemptAt,
      Instant nextAttemptAt) {
    Objects.requireNonNull(deliveryId, "deliveryId");
    Objects.requireNonNull(owner, "owner");
    Objects.requireNonNull(nextAttemptAt, "nextAttemptAt");
    String sql = "UPDATE " + schema.deliveries + " SET next_attempt_at = ?, lease_owner = NULL, lease_until = NULL,"
        + " first_attempt_at = COALESCE(first_attempt_at, ?), updated_at = ?"
        + (attempt != null ? ", attempts = ?, last_status = ?, last_error = ?" : "")
        + " WHERE delivery_id = ? AND lease_owner = ? AND " + movableTo(DeliveryState.PENDING) + " AND state = 'PENDING'";
    Instant updated = attempt != null ? endOf(attempt) : clock.instant();
    return db.transaction("record a retry of " + deliveryId, true, c -> {
      try (PreparedStatement ps = c.prepareStatement(sql)) {
        int i = 1;
        Params.setInstant(ps, i++, nextAttemptAt);
        Params.setInstant(ps, i++, firstAttemptAt);
        Params.setInstant(ps, i++, updated);
        if (attempt != null) {
          ps.setInt(i++, attempt.number());
          ps.setInt(i++, attempt.status());
          Params.setText(ps, i++, Params.clip(attempt.error()));
        }
        ps.setString(i++, deliveryId);
        ps.setString(i, owner);
        if (ps.executeUpdate() == 0) {
          return false;
        }
      }
      if (attempt != null) {
        insertAttempt(c, deliveryId, attempt);
      }
      return true;
    });
  }

  /**
   * {@inheritDoc} The delivery stays in the tables, queryable with {@link #find}, until
   * {@link #purge}. {@code reason}, when given, becomes its last error.
   *
   * @throws IllegalArgumentException if {@code state} is {@link DeliveryState#PENDING}
   * @throws WebhookException if the database fails (nothing changed)
   */
  @Override
  public boolean finish(String deliveryId, String owner, DeliveryState state, AttemptRecord attempt,
      Instant firstAttemptAt, String reason) {
    Objects.requireNonNull(deliveryId, "deliveryId");
    Objects.requireNonNull(owner, "owner");
    Objects.requireNonNull(state, "state");
    if (state == DeliveryState.PENDING) {
      throw new IllegalArgumentException("finish needs a final state, not PENDING; use retry to reschedule");
    }
    String lastError = reason != null ? reason : attempt != null ? attempt.error() : null;
    boolean setError = attempt != null || reason != null;
    String sql = "UPDATE " + schema.deliveries + " SET state = ?, lease_owner = NULL, lease_until = NULL,"
        + " first_attempt_at = COALESCE(first_attempt_at, ?), updated_at = ?"
        + (attempt != null ? ", attempts = ?, last_status = ?" : "")
        + (setError ? ", last_error = ?" : "")
        + " WHERE delivery_id = ? AND lease_owner = ? AND " + movableTo(state);
    Instant updated = attempt != null ? endOf(attempt) : clock.instant();
    return db.transaction("record the end of " + deliveryId, true, c -> {
      try (PreparedStatement ps = c.prepareStatement(sql)) {
        int i = 1;
        ps.setString(i++, state.name());
        Params.setInstant(ps, i++, firstAttemptAt);
        Params.setInstant(ps, i++, updated);
        if (attempt != null) {
          ps.setInt(i++, attempt.number());
          ps.setInt(i++, attempt.status());
        }
        if (setError) {
          Params.setText(ps, i++, Params.clip(lastError));
        }
        ps.setString(i++, deliveryId);
        ps.setString(i, owner);
        if (ps.executeUpdate() == 0) {
          return false;
        }
      }
      if (attempt != null) {
        insertAttempt(c, deliveryId, attempt);
      }
      return true;
    });
  }

  /**
   * The SQL condition that a row may move to {@code next}, from {@link DeliveryState#sources}:
   * the one rule of which changes are allowed, put in the {@code WHERE} clause so that a change
   * from another state matches no row.
   */
  private static String movableTo(DeliveryState next) {
    StringBuilder sb = new StringBuilder("state IN (");
    String sep = "";
    for (DeliveryState s : DeliveryState.sources(next)) {
      sb.append(sep).append('\'').append(s.name()).append('\'');
      sep = ", ";
    }
    return sb.append(')').toString();
  }

  // ---- what other publishers see ----

  /**
   * {@inheritDoc} Reads them in chunks of {@value Rows#IN_LIST_CHUNK}.
   *
   * @throws WebhookException if the database fails
   */
  @Override
  public List<StoredDelivery> lookup(Collection<String> deliveryIds) {
    return lookup(deliveryIds, "");
  }

  /**
   * {@inheritDoc} Reads only the ended rows (and their events), so a publisher polling for the
   * ends of many pending deliveries reads no payload it does not need.
   *
   * @throws WebhookException if the database fails
   */
  @Override
  public List<StoredDelivery> ended(Collection<String> deliveryIds) {
    return lookup(deliveryIds, " AND state <> 'PENDING'");
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

  /**
   * {@inheritDoc} One {@code COUNT} over the subscription's index.
   *
   * @throws WebhookException if the database fails
   */
  @Override
  public int countFailing(String subscriptionId) {
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

  private void insertAttempt(Connection c, String deliveryId, AttemptRecord a) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + schema.attempts
        + " (delivery_id, number, started_at, duration_ms, status, error) VALUES (?, ?, ?, ?, ?, ?)")) {
      ps.setString(1, deliveryId);
      ps.setInt(2, a.number());
      Params.setInstant(ps, 3, a.startedAt());
      ps.setLong(4, a.duration().toMillis());
      ps.setInt(5, a.status());
      Params.setText(ps, 6, Params.clip(a.error()));
      ps.executeUpdate();
    }
  }

  private static Instant endOf(AttemptRecord a) {
    return a.startedAt().plus(a.duration());
  }

  // ---- inspecting and replaying ----

  /**
   * {@inheritDoc} Oldest enqueued first.
   *
   * @throws WebhookException if the database fails
   */
  @Override
  public List<StoredDelivery> find(DeliveryQuery query) {
    Objects.requireNonNull(query, "query");
    List<Object> params = new ArrayList<>();
    String sql = "SELECT " + Rows.COLUMNS + " FROM " + schema.deliveries + " WHERE " + filter(query, query.states(), params)
        + " ORDER BY created_at, seq LIMIT ?";
    params.add(query.limit());
    return db.read("find deliveries", c -> Rows.withEvents(c, schema.events, Rows.select(c, sql, ps -> bind(ps, params))));
  }

  /**
   * {@inheritDoc} One {@code COUNT(*)} in the database, whatever the query's limit.
   *
   * @throws WebhookException if the database fails
   */
  @Override
  public int count(DeliveryQuery query) {
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

  /**
   * {@inheritDoc} Empty for an unknown id. Attempts are kept until {@link #purge} removes them.
   *
   * @throws WebhookException if the database fails
   */
  @Override
  public List<AttemptRecord> history(String deliveryId) {
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

  /**
   * {@inheritDoc} Runs in its own transaction on a connection of its own: the envelope and the
   * row are inserted as by {@code enqueue}, and the row is ended in the same transaction.
   *
   * @throws WebhookException if the database fails (nothing was stored)
   */
  @Override
  public boolean enqueueEnded(String eventId, String eventType, byte[] payload, Map<String, String> metadata,
      String orderingKey, String subscriptionId, DeliveryState state, String reason, Instant at) {
    dev.hookpost.spi.DeliveryStore.checkEnded(state);
    checkEnqueue(eventId, eventType, payload, List.of(Objects.requireNonNull(subscriptionId, "subscriptionId")), at);
    String kept = Metadata.encode(Objects.requireNonNull(metadata, "metadata"));
    String id = StoredDelivery.idOf(eventId, subscriptionId);
    return db.transaction("store the dead letter " + id, c ->
        !insert(c, eventId, eventType, payload, kept, orderingKey, List.of(subscriptionId), at).isEmpty()
            && EndedOnArrival.end(c, schema, id, state, reason, at));
  }

  /**
   * {@inheritDoc} Only the requeueable states ({@link DeliveryState#isRequeueable()}) among the
   * query's states are requeued, oldest first up to the query's limit; their last
   * status and error are kept until the next attempt.
   *
   * @throws WebhookException if the database fails (nothing was requeued)
   */
  @Override
  public int requeue(DeliveryQuery query, Instant dueAt) {
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

  /**
   * {@inheritDoc} Selects the candidates, then ends each whose row is still pending and unleased,
   * in one transaction.
   *
   * @throws WebhookException if the database fails (nothing changed)
   */
  @Override
  public List<StoredDelivery> skipPending(String subscriptionId, String reason, Instant now) {
    Objects.requireNonNull(subscriptionId, "subscriptionId");
    Objects.requireNonNull(now, "now");
    String free = " AND state = 'PENDING' AND (lease_until IS NULL OR lease_until <= ?)";
    String update = "UPDATE " + schema.deliveries + " SET state = 'SKIPPED', last_error = ?, updated_at = ?"
        + " WHERE delivery_id = ? AND " + movableTo(DeliveryState.SKIPPED) + free;
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

  /**
   * {@inheritDoc} Deletes the attempts that started before {@code olderThan}, the deliveries not
   * pending that last changed before it (with their history), and the events left without
   * deliveries, in one transaction.
   *
   * @throws WebhookException if the database fails (nothing was deleted)
   */
  @Override
  public int purge(Instant olderThan) {
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

  /** Always true: deliveries live in the database. */
  @Override
  public boolean durable() {
    return true;
  }

  /** Names the database kind and the table prefix, e.g. {@code JdbcDeliveryStore[PostgreSQL, hookpost_*]}. */
  @Override
  public String toString() {
    return describe(dialect, schema);
  }

  private static String describe(Dialect dialect, Schema schema) {
    return "JdbcDeliveryStore[" + dialect + ", " + schema.prefix + "*]";
  }

  // ---- helpers ----

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
  }
}
