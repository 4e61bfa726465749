package dev.hookpost.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 18, item 4: after a burst has drained and been purged, the store's tables and indexes on
 * PostgreSQL come back near their size before it ({@link Compaction}); a steady round only vacuums.
 */
class PostgresCompactionTest {
  private static final AtomicInteger TABLES = new AtomicInteger();

  @RegisterExtension
  static final EmbeddedPostgresServer postgres = new EmbeddedPostgresServer();

  private final String prefix = "compact" + TABLES.incrementAndGet() + "_";
  private JdbcDeliveryStore store;

  @BeforeEach
  void openStore() {
    store = JdbcDeliveryStore.builder(postgres.dataSource()).tablePrefix(prefix).instantPickup(false).build();
  }

  @Test
  void afterABurstIsPurgedTheTablesAndIndexesComeBackNearTheirStartingSize() throws Exception {
    insert(100, "PENDING", "now() - interval '11 days'", 0); // older deliveries still retried, at the tables' head
    long start = bytes();
    insert(20_000, "DELIVERED", "now() - interval '10 days'", 100);
    long full = bytes();

    int purged = purgeEverythingEnded();
    boolean rebuilt = store.compaction().run(purged);

    long after = bytes();
    System.out.printf("compaction: %,d bytes before, %,d after 20,000 delivered, %,d after the purge and compaction%n",
        start, full, after);
    assertThat(purged).isEqualTo(20_000);
    assertThat(rebuilt).as("indexes rebuilt: the round deleted more than it left").isTrue();
    assertThat(after).as("bytes after, against %,d before and %,d full", start, full)
        .isLessThan(start + 1024 * 1024).isLessThan(full / 20);
    assertThat(count("SELECT count(*) FROM " + prefix + "deliveries WHERE state = 'PENDING'")).isEqualTo(100);
    assertThat(count("SELECT count(*) FROM pg_index WHERE NOT indisvalid")).as("invalid indexes left").isZero();
  }

  @Test
  void aRoundThatLeavesMoreThanItDeletedOnlyVacuums() throws Exception {
    insert(Compaction.MIN_PURGED, "DELIVERED", "now() - interval '10 days'", 0);
    insert(Compaction.MIN_PURGED + 1, "PENDING", "now()", Compaction.MIN_PURGED);
    long indexes = indexBytes();

    boolean rebuilt = store.compaction().run(purgeEverythingEnded());

    assertThat(rebuilt).isFalse();
    assertThat(indexBytes()).as("indexes not rebuilt").isEqualTo(indexes);
  }

  @Test
  void aSmallRoundLeavesTheTablesToAutovacuum() throws Exception {
    insert(100, "DELIVERED", "now() - interval '10 days'", 0);

    assertThat(store.compaction().run(purgeEverythingEnded())).isFalse();
  }

  /** {@code n} deliveries in {@code state}, last changed at {@code at} (SQL), with their events and one attempt each. */
  private void insert(int n, String state, String at, int from) throws SQLException {
    try (Connection c = postgres.dataSource().getConnection(); Statement st = c.createStatement()) {
      String series = " FROM generate_series(" + from + ", " + (from + n - 1) + ") g";
      st.execute("INSERT INTO " + prefix + "events (event_id, event_type, payload, created_at) SELECT 'evt_' || g,"
          + " 'order.created', convert_to(repeat('x', 1000), 'UTF8'), " + at + series);
      st.execute("INSERT INTO " + prefix + "deliveries (delivery_id, event_id, subscription_id, state, attempts,"
          + " created_at, next_attempt_at, last_status, updated_at) SELECT 'evt_' || g || '/s', 'evt_' || g, 's', '"
          + state + "', 1, " + at + ", " + at + ", 204, " + at + series);
      st.execute("INSERT INTO " + prefix + "attempts (delivery_id, number, started_at, duration_ms, status)"
          + " SELECT 'evt_' || g || '/s', 1, " + at + ", 5, 204" + series);
    }
  }

  /** Purges as the retention schedule does, in batches of 500, everything ended before now. */
  private int purgeEverythingEnded() {
    Instant now = Instant.now();
    int total = 0;
    for (int k; (k = store.purgeEnded(now, now, 500)) > 0; ) {
      total += k;
    }
    return total;
  }

  private long bytes() throws SQLException {
    return count("SELECT sum(pg_total_relation_size(c.oid)) FROM pg_class c WHERE c.relkind = 'r' AND c.relname IN ('"
        + prefix + "events', '" + prefix + "deliveries', '" + prefix + "attempts')");
  }

  private long indexBytes() throws SQLException {
    return count("SELECT sum(pg_indexes_size(c.oid)) FROM pg_class c WHERE c.relkind = 'r' AND c.relname IN ('"
        + prefix + "events', '" + prefix + "deliveries', '" + prefix + "attempts')");
  }

  private static long count(String sql) throws SQLException {
    try (Connection c = postgres.dataSource().getConnection(); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
