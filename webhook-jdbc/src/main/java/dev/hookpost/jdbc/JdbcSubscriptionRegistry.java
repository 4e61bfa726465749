package dev.hookpost.jdbc;

import dev.hookpost.Subscription;
import dev.hookpost.SubscriptionRegistry;
import dev.hookpost.WebhookException;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import javax.sql.DataSource;

/**
 * A {@link SubscriptionRegistry} in a database (PostgreSQL 10+, SQLite 3.35+ or H2 2.x),
 * typically the one that holds the deliveries, shared by every publisher instance:
 * subscriptions with their tenant, signing keys (with their rotation state), event types,
 * content filter, headers and enabled flag, and each endpoint's run of
 * failed deliveries ({@link #recordFailure}), so that instances judge its health together. An
 * endpoint one instance disables (410 Gone, sustained failure) is disabled for all.
 *
 * <pre>{@code
 * JdbcSubscriptionRegistry registry = JdbcSubscriptionRegistry.builder(dataSource)
 *     .cacheFor(Duration.ofSeconds(5)).build();
 * WebhookPublisher publisher = WebhookPublisher.builder().registry(registry).store(store)...build();
 * registry.add(Subscription.builder().tenant("acme").endpoint(url).secret(secret).build());
 * }</pre>
 *
 * <p>Lookups ({@link #matching}, {@link #find}) are cached per tenant and per id for at most
 * the staleness set with {@link Builder#cacheFor} (default 1 s): a change made through another
 * instance is seen within that time; one made through this instance at once. Listing
 * ({@link #all}, {@link #ofTenant}) always reads the table. A removed id is kept for 30 days (or
 * until added again) in table {@code <prefix>subscription_removals}, read uncached by
 * {@link #removed}: every instance ends the deliveries of a subscription removed through another,
 * even those it stores from its cache after the removal.
 *
 * <p>Defaults: table {@code hookpost_subscriptions} (created if missing), 1 s staleness. Secrets
 * are stored as given, in clear: protect the table like any credential store. A subscription's
 * own retry policy and a custom {@link dev.hookpost.Signer} cannot be stored ({@link #add}
 * refuses them). Every statement is bounded by 10 s (on SQLite, waiting for the write lock
 * included). Thread-safe; every call borrows its own connection.
 */
public final class JdbcSubscriptionRegistry implements SubscriptionRegistry {
  private static final String NO_TENANT = "\0none";
  private static final String EVERY_TENANT = "\0every";
  private static final Duration STATEMENT_TIMEOUT = Duration.ofSeconds(10);

  private record Cached<T>(T value, long loadedAt) {}

  private final SubscriptionTable table;
  private final Transactions db;
  private final long stalenessNanos;
  private final ConcurrentHashMap<String, Cached<List<Subscription>>> groups = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, Cached<Optional<Subscription>>> byId = new ConcurrentHashMap<>();
  /** Ids whose run of failures may be going, as last read or recorded here: a delivery resets only those. */
  private final java.util.Set<String> failing = ConcurrentHashMap.newKeySet();

  private JdbcSubscriptionRegistry(DataSource dataSource, Dialect dialect, SubscriptionTable table, Duration staleness) {
    this.table = table;
    this.db = new Transactions(dataSource, dialect, STATEMENT_TIMEOUT, false, this);
    this.stalenessNanos = staleness.toNanos();
  }

  /** A registry over {@code dataSource} with the defaults; see {@link Builder#build()} for what it throws. */
  public static JdbcSubscriptionRegistry create(DataSource dataSource) {
    return builder(dataSource).build();
  }

  /** Starts configuring a registry over {@code dataSource}. */
  public static Builder builder(DataSource dataSource) {
    return new Builder(Objects.requireNonNull(dataSource, "dataSource"));
  }

  /** Configures a {@link JdbcSubscriptionRegistry}. Not thread-safe. */
  public static final class Builder {
    private final DataSource dataSource;
    private String tablePrefix = "hookpost_";
    private Duration staleness = Duration.ofSeconds(1);

    private Builder(DataSource dataSource) {
      this.dataSource = dataSource;
    }

    /**
     * Names the table {@code prefix + "subscriptions"}. Default {@code hookpost_}.
     *
     * @throws IllegalArgumentException unless 1 to 30 letters, digits or '_', not starting with a digit
     */
    public Builder tablePrefix(String prefix) {
      this.tablePrefix = Params.tablePrefix(prefix);
      return this;
    }

    /**
     * How long a lookup may be served from memory: the most a change made through another
     * instance can go unseen. {@link Duration#ZERO} reads the table on every lookup (every send).
     * Default 1 s.
     *
     * @throws IllegalArgumentException if negative
     */
    public Builder cacheFor(Duration staleness) {
      if (staleness == null || staleness.isNegative()) {
        throw new IllegalArgumentException("cacheFor must be zero or positive, was " + staleness);
      }
      this.staleness = staleness;
      return this;
    }

    /**
     * Detects the database, creates the table if missing, and returns the registry.
     *
     * @throws IllegalArgumentException if the database is not PostgreSQL 10+, SQLite 3.35+ or H2 2.x
     * @throws WebhookException if the database cannot be reached or the table cannot be created
     */
    public JdbcSubscriptionRegistry build() {
      try (Connection c = dataSource.getConnection()) {
        DatabaseMetaData meta = c.getMetaData();
        Dialect dialect = Dialect.of(meta.getDatabaseProductName());
        if (dialect == null || meta.getDatabaseMajorVersion() < dialect.minMajorVersion) {
          throw new IllegalArgumentException("JdbcSubscriptionRegistry supports PostgreSQL 10 or later, SQLite 3.35"
              + " or later and H2 2.x; the DataSource connects to " + meta.getDatabaseProductName() + " "
              + meta.getDatabaseProductVersion());
        }
        SubscriptionTable table = new SubscriptionTable(tablePrefix, dialect);
        JdbcSubscriptionRegistry registry = new JdbcSubscriptionRegistry(dataSource, dialect, table, staleness);
        registry.db.transaction("create its table " + table.table, tx -> {
          table.create(tx);
          return null;
        });
        return registry;
      } catch (SQLException e) {
        throw new WebhookException("JdbcSubscriptionRegistry could not reach its database to create its table "
            + tablePrefix + "subscriptions: " + e.getMessage(), e);
      }
    }
  }

  @Override
  public List<Subscription> matching(String tenant, String eventType) {
    List<Subscription> out = new ArrayList<>();
    // an event without a tenant is the application's own: only subscriptions without one hear it
    for (String group : tenant == null ? new String[] {NO_TENANT} : new String[] {tenant, EVERY_TENANT}) {
      for (Subscription s : group(group)) {
        if (s.accepts(eventType)) {
          out.add(s);
        }
      }
    }
    return out;
  }

  private List<Subscription> group(String group) {
    Cached<List<Subscription>> c = groups.get(group);
    if (c != null && System.nanoTime() - c.loadedAt() < stalenessNanos) {
      return c.value();
    }
    long at = System.nanoTime();
    List<Subscription> subs = switch (group) {
      case NO_TENANT -> select("tenant IS NULL AND all_tenants = FALSE", null);
      case EVERY_TENANT -> select("all_tenants = TRUE", null);
      default -> select("tenant = ?", group);
    };
    if (stalenessNanos > 0) {
      groups.put(group, new Cached<>(subs, at));
    }
    return subs;
  }

  @Override
  public List<Subscription> ofTenant(String tenant) {
    return select("tenant = ?", Objects.requireNonNull(tenant, "tenant"));
  }

  @Override
  public List<Subscription> all() {
    return select("1 = 1", null);
  }

  @Override
  public Optional<Subscription> find(String id) {
    Cached<Optional<Subscription>> c = byId.get(id);
    if (c != null && System.nanoTime() - c.loadedAt() < stalenessNanos) {
      return c.value();
    }
    long at = System.nanoTime();
    Optional<Subscription> found = select("id = ?", id).stream().findFirst();
    if (stalenessNanos > 0) {
      byId.put(id, new Cached<>(found, at));
    }
    return found;
  }

  /**
   * {@inheritDoc}
   *
   * @throws IllegalArgumentException if a subscription with its id exists, or it has a retry
   *     policy of its own (which cannot be stored)
   * @throws WebhookException if the database fails
   */
  @Override
  public void add(Subscription subscription) {
    checkStorable(subscription);
    if (!select("id = ?", subscription.id()).isEmpty()) {
      throw new IllegalArgumentException("a subscription with id '" + subscription.id() + "' exists already;"
          + " remove it first or give the new one another id with .id(\"...\") (an id left out is derived from"
          + " the tenant and the endpoint)");
    }
    db.transaction("add subscription " + subscription.id(), c -> {
      table.forgetRemoved(c, subscription.id());
      table.insert(c, subscription);
      return null;
    });
    forget(subscription);
  }

  /**
   * {@inheritDoc} In one transaction, so every instance reads the old row or the new one; the
   * endpoint's run of failures starts again.
   *
   * @throws IllegalArgumentException as {@link #add}, or if there is no subscription with its id
   * @throws WebhookException if the database fails
   */
  @Override
  public void replace(Subscription subscription) {
    checkStorable(subscription);
    Optional<Subscription> old = select("id = ?", subscription.id()).stream().findFirst();
    boolean replaced = db.transaction("replace subscription " + subscription.id(), c -> {
      try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + table.table + " WHERE id = ?")) {
        ps.setString(1, subscription.id());
        if (ps.executeUpdate() == 0) {
          return false;
        }
      }
      table.insert(c, subscription);
      return true;
    });
    if (!replaced) {
      throw new IllegalArgumentException("there is no subscription '" + subscription.id() + "' to replace; add it");
    }
    old.ifPresent(this::forget);
    forget(subscription);
  }

  private static void checkStorable(Subscription subscription) {
    Objects.requireNonNull(subscription, "subscription");
    if (subscription.retryPolicy().isPresent()) {
      throw new IllegalArgumentException("subscription " + subscription.id() + " has a retry policy of its own,"
          + " which JdbcSubscriptionRegistry cannot store; set the policy on the publisher instead");
    }
    if (subscription.signingKeys().isEmpty()) {
      throw new IllegalArgumentException("subscription " + subscription.id() + " signs with a Signer of its own,"
          + " which JdbcSubscriptionRegistry cannot store; give it secrets, or keep it in an in-memory registry");
    }
  }

  /**
   * {@inheritDoc} The id is remembered as removed in table {@code <prefix>subscription_removals}
   * (for 30 days, or until added again), so that every instance ends its deliveries
   * ({@link #removed}).
   *
   * @throws WebhookException if the database fails
   */
  @Override
  public boolean remove(String id) {
    Optional<Subscription> s = select("id = ?", id).stream().findFirst();
    boolean removed = db.transaction("remove subscription " + id, c -> {
      table.rememberRemoved(c, List.of(id), Instant.now());
      try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + table.table + " WHERE id = ?")) {
        ps.setString(1, id);
        return ps.executeUpdate() > 0;
      }
    });
    s.ifPresent(this::forget);
    return removed;
  }

  /** {@inheritDoc} Each id is remembered as removed, as by {@link #remove}. */
  @Override
  public int removeTenant(String tenant) {
    Objects.requireNonNull(tenant, "tenant");
    List<Subscription> gone = ofTenant(tenant);
    int n = db.transaction("remove the subscriptions of tenant " + tenant, c -> {
      table.rememberRemoved(c, gone.stream().map(Subscription::id).toList(), Instant.now());
      try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + table.table + " WHERE tenant = ?")) {
        ps.setString(1, tenant);
        return ps.executeUpdate();
      }
    });
    gone.forEach(this::forget);
    return n;
  }

  /**
   * {@inheritDoc} Read from table {@code <prefix>subscription_removals} every time, not cached:
   * the publisher asks only for ids it did not find and after a failed attempt, and a removal
   * must not wait for a cache.
   *
   * @throws WebhookException if the database fails
   */
  @Override
  public boolean removed(String id) {
    return db.read("read whether subscription " + id + " was removed", tx -> {
      try (PreparedStatement ps = tx.prepareStatement("SELECT 1 FROM " + table.removals + " WHERE id = ?")) {
        ps.setString(1, id);
        try (ResultSet rs = ps.executeQuery()) {
          return rs.next();
        }
      }
    });
  }

  /**
   * {@inheritDoc} Kept in the table, so every instance adds to the same run.
   *
   * @return the run, or null when there is no such subscription
   */
  @Override
  public FailureRun recordFailure(String id, java.time.Instant firstAttemptAt) {
    failing.add(id);
    return db.transaction("record a failed delivery of " + id, c -> {
      try (PreparedStatement ps = c.prepareStatement("UPDATE " + table.table + " SET failures = failures + 1,"
          + " failing_since = CASE WHEN failing_since IS NULL OR failing_since > ? THEN ? ELSE failing_since END"
          + " WHERE id = ?")) {
        Params.setInstant(ps, 1, firstAttemptAt);
        Params.setInstant(ps, 2, firstAttemptAt);
        ps.setString(3, id);
        ps.executeUpdate();
      }
      try (PreparedStatement ps = c.prepareStatement("SELECT failures, failing_since FROM " + table.table
          + " WHERE id = ?")) {
        ps.setString(1, id);
        try (ResultSet rs = ps.executeQuery()) {
          return rs.next() ? new FailureRun(rs.getInt(1), Params.getInstant(rs, "failing_since")) : null;
        }
      }
    });
  }

  /**
   * {@inheritDoc} Writes only when a run may be going, as last read (within the staleness) or
   * recorded through this instance.
   */
  @Override
  public void recordDelivered(String id) {
    if (failing.remove(id)) {
      update("end the failures of " + id, "UPDATE " + table.table + " SET failures = 0, failing_since = NULL"
          + " WHERE id = ? AND failures > 0", id);
    }
  }

  /** {@inheritDoc} Written to the table, so every instance sees it within the staleness; ends the run of failures. */
  @Override
  public boolean setEnabled(String id, boolean enabled) {
    Optional<Subscription> s = select("id = ?", id).stream().findFirst();
    boolean changed = update("enable or disable subscription " + id, "UPDATE " + table.table + " SET enabled = "
        + enabled + ", failures = 0, failing_since = NULL WHERE id = ? AND enabled = " + !enabled, id) > 0;
    s.ifPresent(this::forget);
    return changed;
  }

  /** Drops what this instance cached about {@code s}, after a change made through it. */
  private void forget(Subscription s) {
    byId.remove(s.id());
    groups.remove(s.allTenants() ? EVERY_TENANT : s.tenant().orElse(NO_TENANT));
  }

  private List<Subscription> select(String where, String param) {
    String sql = "SELECT " + SubscriptionTable.COLUMNS + " FROM " + table.table + " WHERE " + where + " ORDER BY seq";
    return db.read("read subscriptions", c -> {
      try (PreparedStatement ps = c.prepareStatement(sql)) {
        if (param != null) {
          ps.setString(1, param);
        }
        List<Subscription> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            Subscription s = SubscriptionTable.read(rs);
            if (rs.getInt("failures") > 0) {
              failing.add(s.id());
            }
            out.add(s);
          }
        }
        return out;
      }
    });
  }

  private int update(String operation, String sql, String param) {
    return db.transaction(operation, c -> {
      try (PreparedStatement ps = c.prepareStatement(sql)) {
        ps.setString(1, param);
        return ps.executeUpdate();
      }
    });
  }

  @Override
  public String toString() {
    return "JdbcSubscriptionRegistry[" + table.table + "]";
  }
}
