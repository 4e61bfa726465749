package dev.hookpost.jdbc;

import dev.hookpost.spi.AttemptRecord;
import dev.hookpost.spi.DeliveryQuery;
import dev.hookpost.spi.DeliveryState;
import dev.hookpost.spi.StoredDelivery;
import dev.hookpost.spi.TransactionalDeliveryStore;
import dev.hookpost.WebhookException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
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
 * (a skew shortens or lengthens leases by as much). Ended deliveries stay in the tables,
 * queryable, until the publisher deletes them past its retention ({@link #purgeEnded}, by default
 * 7 days after delivery, 30 for dead letters) or the application calls {@link #purge(Instant)};
 * an event id that is stored, in any state, is not enqueued again until then.
 *
 * <p>Concurrent own-transaction enqueues share commits, and so do concurrent retries and ends:
 * a call that finds a commit on its way queues, and the next commit (one statement on
 * PostgreSQL) takes everything queued; each call still returns only once its own change is
 * committed, and a change that cannot be stored fails alone. Enqueues commit durably;
 * retries, ends and claims commit on PostgreSQL without waiting for the disk, so a crash may
 * send their deliveries again, never lose one.
 *
 * <p>Thread-safe: every call (or shared commit) borrows its own connection from the
 * {@code DataSource} (use a pooled one in production) and holds it only while it writes.
 */
public final class JdbcDeliveryStore implements TransactionalDeliveryStore {

  private final Dialect dialect;
  private final Schema schema;
  private final Clock clock;
  private final Transactions db;
  private final boolean powerCutMayLoseLastCommits;
  private final Claims claims;
  private final Writes writes;
  private final Queries queries;
  private final SharedCommits shared;
  /** Instant pickup on PostgreSQL with pgjdbc; null elsewhere (the publisher polls). */
  private final PostgresWakeups wakeups;
  private final Purges purges;
  /** Null when turned off ({@link Builder#compactAfterPurge}). */
  private final Compaction compaction;

  private JdbcDeliveryStore(DataSource dataSource, Dialect dialect, Schema schema, Clock clock, Transactions db,
      boolean powerCutMayLoseLastCommits, boolean listen, boolean compact) {
    this.powerCutMayLoseLastCommits = powerCutMayLoseLastCommits;
    this.dialect = dialect;
    this.schema = schema;
    this.clock = clock;
    this.db = db;
    this.claims = new Claims(dialect, schema, db);
    this.writes = new Writes(dialect, schema);
    this.queries = new Queries(schema, clock, db, claims);
    this.shared = new SharedCommits(writes, db, dialect);
    this.wakeups = listen ? new PostgresWakeups(dataSource, db, schema, this) : null;
    this.purges = new Purges(db, dialect, schema);
    this.compaction = compact ? new Compaction(db, dialect, schema, describe(dialect, schema)) : null;
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
    private boolean instantPickup = true;
    private boolean compactAfterPurge = true;

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
     * PostgreSQL only: whether each committed enqueue is announced ({@code pg_notify} in a small
     * transaction of its own just after the commit, see the README) and one connection per store
     * listens, so that publishers claim a committed transactional send,
     * or another instance's send, at once instead of at their next poll. Turn it off behind a
     * pooler in transaction mode (PgBouncer), where {@code LISTEN} does not work. Needs the
     * pgjdbc driver; with another driver it is off. Default true.
     */
    public Builder instantPickup(boolean on) {
      this.instantPickup = on;
      return this;
    }

    /**
     * PostgreSQL only: whether the store gives the space of purged deliveries back to the disk
     * after a large purge round of the publisher's retention schedule (see
     * {@link JdbcDeliveryStore#afterPurge}): a plain {@code VACUUM} of its tables after a round of
     * 10,000 deliveries or more, and a {@code REINDEX TABLE CONCURRENTLY} when the round deleted
     * more than it left. Neither blocks reads or writes. Turn it off when the database's
     * maintenance is done by other means, or the store's user does not own its tables. Default true.
     */
    public Builder compactAfterPurge(boolean on) {
      this.compactAfterPurge = on;
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
        Dialect dialect = Dialect.of(raw.getMetaData());
        String name = describe(dialect, schema);
        Transactions db = new Transactions(dataSource, dialect, statementTimeout, powerCutMayLoseLastCommits, name);
        if (dialect == Dialect.SQLITE) {
          Durability.useWal(raw, name);
        }
        Connection c = db.bounded(raw);
        db.setUp(c);
        Durability.warnIfRelaxed(c, dialect, name);
        schema.migrate(c, dialect, clock.instant());
        boolean listen = instantPickup && dialect == Dialect.POSTGRESQL && PostgresWakeups.supported(raw);
        return new JdbcDeliveryStore(dataSource, dialect, schema, clock, db, powerCutMayLoseLastCommits, listen,
            compactAfterPurge);
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
    return announce(shared.enqueue(new Writes.Enqueue(eventId, eventType, payload, kept, orderingKey,
        subscriptionIds, dueAt)), null, eventId);
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
      return subscriptionIds.isEmpty() ? List.of() : announce(writes.enqueue(bounded, List.of(new Writes.Enqueue(
          eventId, eventType, payload, kept, orderingKey, subscriptionIds, dueAt))).get(0), connection, eventId);
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

  /** The shared commits of this store's own-transaction writes (for tests). */
  SharedCommits shared() {
    return shared;
  }

  /**
   * Tells the publishers listening (PostgreSQL) of new deliveries: now that the store's own
   * transaction committed ({@code callers} null), or once the caller's transaction on
   * {@code callers} that enqueued {@code eventId} has.
   */
  private List<String> announce(List<String> added, Connection callers, String eventId) {
    if (wakeups != null && !added.isEmpty()) {
      wakeups.announce(callers, eventId);
    }
    return added;
  }

  /**
   * {@inheritDoc} On PostgreSQL (with the pgjdbc driver) every enqueue notifies once committed
   * (see {@link Builder#instantPickup}), and one connection of the {@code DataSource} per store listens while at least
   * one publisher is subscribed: a committed transactional send, or a send by another instance,
   * is claimed within milliseconds. On SQLite and H2 (one process) there is no such news: the
   * publisher wakes itself after its own sends and finds a transaction's deliveries at its poll.
   */
  @Override
  public AutoCloseable onNewDeliveries(Runnable wake) {
    return wakeups != null ? wakeups.subscribe(wake) : TransactionalDeliveryStore.super.onNewDeliveries(wake);
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
    return queries.nextDue();
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
    Instant updated = attempt != null ? endOf(attempt) : clock.instant();
    return shared.record(new Writes.Change(deliveryId, owner, DeliveryState.PENDING, attempt, firstAttemptAt,
        nextAttemptAt, updated, attempt != null, attempt != null ? Params.clip(attempt.error()) : null));
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
    Instant updated = attempt != null ? endOf(attempt) : clock.instant();
    return shared.record(new Writes.Change(deliveryId, owner, state, attempt, firstAttemptAt, null, updated,
        attempt != null || reason != null, Params.clip(lastError)));
  }

  // ---- what other publishers see ----

  /**
   * {@inheritDoc} Reads them in chunks of {@value Rows#IN_LIST_CHUNK}.
   *
   * @throws WebhookException if the database fails
   */
  @Override
  public List<StoredDelivery> lookup(Collection<String> deliveryIds) {
    return queries.lookup(deliveryIds);
  }

  /**
   * {@inheritDoc} Reads only the ended rows (and their events), so a publisher polling for the
   * ends of many pending deliveries reads no payload it does not need.
   *
   * @throws WebhookException if the database fails
   */
  @Override
  public List<StoredDelivery> ended(Collection<String> deliveryIds) {
    return queries.ended(deliveryIds);
  }



  /**
   * {@inheritDoc} One {@code COUNT} over the subscription's index.
   *
   * @throws WebhookException if the database fails
   */
  @Override
  public int countFailing(String subscriptionId) {
    return queries.countFailing(subscriptionId);
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
    return queries.find(query);
  }

  /**
   * {@inheritDoc} One {@code COUNT(*)} in the database, whatever the query's limit.
   *
   * @throws WebhookException if the database fails
   */
  @Override
  public int count(DeliveryQuery query) {
    return queries.count(query);
  }

  /**
   * {@inheritDoc} Empty for an unknown id. Attempts are kept until {@link #purge} removes them.
   *
   * @throws WebhookException if the database fails
   */
  @Override
  public List<AttemptRecord> history(String deliveryId) {
    return queries.history(deliveryId);
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
        !writes.enqueue(c, List.of(new Writes.Enqueue(eventId, eventType, payload, kept, orderingKey,
            List.of(subscriptionId), at))).get(0).isEmpty() && EndedOnArrival.end(c, schema, id, state, reason, at));
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
    return queries.requeue(query, dueAt);
  }

  /**
   * {@inheritDoc} Selects the candidates, then ends each whose row is still pending and unleased,
   * in one transaction.
   *
   * @throws WebhookException if the database fails (nothing changed)
   */
  @Override
  public List<StoredDelivery> skipPending(String subscriptionId, String reason, Instant now) {
    return queries.skipPending(subscriptionId, reason, now);
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
    return queries.purge(olderThan);
  }

  /**
   * {@inheritDoc} One transaction per call, deleting at most {@code limit} deliveries; on
   * PostgreSQL rows locked by someone else are skipped, so it never waits for a claim or another
   * instance's purge.
   *
   * @throws IllegalArgumentException if {@code limit} is below 1
   * @throws WebhookException if the database fails (nothing was deleted)
   */
  @Override
  public int purgeEnded(Instant deliveredBefore, Instant deadLettersBefore, int limit) {
    return purges.ended(deliveredBefore, deadLettersBefore, limit);
  }

  /**
   * {@inheritDoc} On PostgreSQL (unless {@link Builder#compactAfterPurge} is off), after a round of
   * 10,000 deliveries or more, vacuums the store's tables, and rebuilds their indexes
   * ({@code REINDEX TABLE CONCURRENTLY}) when the round deleted more than the table still holds,
   * so that after a burst has drained the tables and indexes come back near their size before it.
   * It runs on a daemon thread of the store's own and returns at once; failures are logged at WARN.
   * H2 and SQLite: nothing.
   */
  @Override
  public void afterPurge(int purged) {
    if (compaction != null) {
      compaction.afterPurge(purged);
    }
  }

  /** The space-giving-back after purges, for tests; null when turned off. */
  Compaction compaction() {
    return compaction;
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







}
