package dev.hookpost.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import dev.hookpost.spi.DeliveryQuery;
import dev.hookpost.spi.DeliveryState;
import dev.hookpost.spi.DeliveryStore;
import dev.hookpost.spi.StoredDelivery;
import dev.hookpost.WebhookException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * What a {@link JdbcDeliveryStore} adds to the {@link DeliveryStoreContract}: the transactional
 * outbox, the schema it manages, and what it keeps that the in-memory store drops.
 */
abstract class JdbcStoreContract extends DeliveryStoreContract {

  /** The database the store under test uses. */
  abstract DataSource dataSource();

  /** The table prefix the store under test uses. */
  abstract String prefix();

  JdbcDeliveryStore jdbc() {
    return (JdbcDeliveryStore) store;
  }

  @Override
  final DeliveryStore newStore(MutableClock clock) throws Exception {
    return JdbcDeliveryStore.builder(dataSource()).tablePrefix(prefix()).clock(clock).build();
  }

  // ---- the transactional outbox ----

  @Test
  void transactionalEnqueueIsInvisibleToClaimsUntilCommit() throws SQLException {
    try (Connection c = dataSource().getConnection()) {
      c.setAutoCommit(false);
      jdbc().enqueue(c, "evt_1", TYPE, bytes("{}"), List.of("shipping"), T0);

      assertThat(store.claim(T0, 10, LEASE, "a")).as("before commit").isEmpty();
      assertThat(store.nextDue()).as("before commit").isEmpty();

      c.commit();
    }
    assertThat(ids(store.claim(T0, 10, LEASE, "a"))).as("after commit").containsExactly("evt_1/shipping");
  }

  @Test
  void transactionalEnqueueIsGoneAfterRollback() throws SQLException {
    try (Connection c = dataSource().getConnection()) {
      c.setAutoCommit(false);
      jdbc().enqueue(c, "evt_1", TYPE, bytes("{}"), List.of("shipping", "billing"), T0);
      c.rollback();
    }

    assertThat(store.claim(T0, 10, LEASE, "a")).isEmpty();
    assertThat(store.find(DeliveryQuery.inState(DeliveryState.PENDING))).isEmpty();
    assertThat(count(prefix() + "events")).isZero();
  }

  @Test
  void transactionalEnqueueCommitsOrRollsBackWithTheBusinessChange() throws SQLException {
    try (Connection c = dataSource().getConnection(); Statement s = c.createStatement()) {
      s.execute("CREATE TABLE " + prefix() + "orders (id VARCHAR(20) PRIMARY KEY)");
      c.setAutoCommit(false);
      s.execute("INSERT INTO " + prefix() + "orders VALUES ('A-1')");
      jdbc().enqueue(c, "evt_1", TYPE, bytes("{}"), List.of("shipping"), T0);
      c.commit();
      s.execute("INSERT INTO " + prefix() + "orders VALUES ('A-2')");
      jdbc().enqueue(c, "evt_2", TYPE, bytes("{}"), List.of("shipping"), T0);
      c.rollback();
    }

    assertThat(count(prefix() + "orders")).isEqualTo(1);
    assertThat(ids(store.claim(T0, 10, LEASE, "a"))).containsExactly("evt_1/shipping");
  }

  @Test
  void transactionalEnqueueNeitherCommitsNorClosesTheConnection() throws SQLException {
    try (Connection c = dataSource().getConnection()) {
      c.setAutoCommit(false);
      jdbc().enqueue(c, "evt_1", TYPE, bytes("{}"), List.of("shipping"), T0);

      assertThat(c.isClosed()).isFalse();
      assertThat(c.getAutoCommit()).isFalse();
      c.rollback();
    }
    assertThat(count(prefix() + "deliveries")).isZero();
  }

  @Test
  void transactionalEnqueueRefusesAnAutoCommitConnection() throws SQLException {
    try (Connection c = dataSource().getConnection()) {
      c.setAutoCommit(true);

      assertThatThrownBy(() -> jdbc().enqueue(c, "evt_1", TYPE, bytes("{}"), List.of("shipping"), T0))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("setAutoCommit(false)");
    }
    assertThat(count(prefix() + "events")).isZero();
  }

  // ---- the schema ----

  @Test
  void createTwiceOnTheSameDatabaseKeepsTheData() throws SQLException {
    enqueue("evt_1", T0);

    JdbcDeliveryStore again = JdbcDeliveryStore.builder(dataSource()).tablePrefix(prefix()).clock(clock).build();

    assertThat(ids(again.claim(T0, 10, LEASE, "a"))).containsExactly("evt_1/shipping");
    assertThat(count(prefix() + "schema_version")).isEqualTo(Schema.LATEST);
  }

  @Test
  void schemaVersionTableRecordsEveryVersionApplied() throws SQLException {
    try (Connection c = dataSource().getConnection(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT version, description FROM " + prefix() + "schema_version ORDER BY version")) {
      for (int v = 1; v <= Schema.LATEST; v++) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getInt(1)).isEqualTo(v);
        assertThat(rs.getString(2)).isNotBlank();
      }
      assertThat(rs.next()).isFalse();
    }
  }

  @Test
  void tablesAtVersionOneAreUpgradedAndKeepTheirEvents() throws SQLException {
    enqueue("evt_old", T0);
    execute("DROP INDEX " + prefix() + "deliveries_key");
    execute("ALTER TABLE " + prefix() + "deliveries DROP COLUMN ordering_key");
    execute("ALTER TABLE " + prefix() + "events DROP COLUMN metadata");
    execute("DELETE FROM " + prefix() + "schema_version WHERE version > 1");

    JdbcDeliveryStore upgraded = JdbcDeliveryStore.builder(dataSource()).tablePrefix(prefix()).clock(clock).build();
    upgraded.enqueue("evt_new", TYPE, bytes("{}"), Map.of("traceparent", "00-x"), "order-1", List.of("shipping"), T0);

    assertThat(upgraded.claim(T0, 10, LEASE, "a"))
        .extracting(StoredDelivery::deliveryId, StoredDelivery::metadata, StoredDelivery::orderingKey)
        .containsExactlyInAnyOrder(tuple("evt_old/shipping", Map.of(), null), tuple("evt_new/shipping",
            Map.of("traceparent", "00-x"), "order-1"));
  }

  @Test
  void tablesAtVersionTwoGetOrderingKeysAndKeepTheirDeliveries() throws SQLException {
    store.enqueue("evt_1", TYPE, bytes("{}"), Map.of("traceparent", "00-x"), null, List.of("shipping"), T0);
    execute("DROP INDEX " + prefix() + "deliveries_key");
    execute("ALTER TABLE " + prefix() + "deliveries DROP COLUMN ordering_key");
    execute("DELETE FROM " + prefix() + "schema_version WHERE version > 2");

    JdbcDeliveryStore upgraded = JdbcDeliveryStore.builder(dataSource()).tablePrefix(prefix()).clock(clock).build();
    upgraded.enqueue("evt_2", TYPE, bytes("{}"), Map.of(), "order-1", List.of("shipping"), T0);
    upgraded.enqueue("evt_3", TYPE, bytes("{}"), Map.of(), "order-1", List.of("shipping"), T0);

    assertThat(upgraded.claim(T0, 10, LEASE, "a")).as("evt_3 waits behind evt_2, of the same key")
        .extracting(StoredDelivery::deliveryId, StoredDelivery::metadata)
        .containsExactlyInAnyOrder(tuple("evt_1/shipping", Map.of("traceparent", "00-x")),
            tuple("evt_2/shipping", Map.of()));
    assertThat(count(prefix() + "schema_version")).isEqualTo(Schema.LATEST);
  }

  @Test
  void createRefusesTablesAtANewerSchemaVersion() throws SQLException {
    execute("INSERT INTO " + prefix() + "schema_version (version, description, applied_at)"
        + " VALUES (99, 'from the future', CURRENT_TIMESTAMP)");

    assertThatThrownBy(() -> JdbcDeliveryStore.builder(dataSource()).tablePrefix(prefix()).build())
        .isInstanceOf(WebhookException.class).hasMessageContaining("schema version 99")
        .hasMessageContaining("upgrade webhook-jdbc");
  }

  @Test
  void nextDueCountsADeliveryAgainOnceItsLeaseExpiredByTheStoresClock() {
    enqueue("evt_1", T0);
    store.claim(T0, 10, LEASE, "a");
    clock.set(T0.plus(LEASE).minusMillis(1));
    assertThat(store.nextDue()).as("lease live").isEmpty();

    clock.set(T0.plus(LEASE));

    assertThat(store.nextDue()).as("lease expired").contains(T0);
  }

  // ---- what the database keeps ----

  @Test
  void deliveredDeliveriesStayQueryableUntilPurged() {
    enqueue("evt_1", T0);
    store.claim(T0, 10, LEASE, "a");
    store.finish("evt_1/shipping", "a", DeliveryState.DELIVERED, attempt(1, T0, 204), T0, null);

    StoredDelivery d = only(store.find(DeliveryQuery.inState(DeliveryState.DELIVERED)));
    assertThat(d.lastStatus()).isEqualTo(204);
    assertThat(d.lastError()).isNull();
    assertThat(store.history("evt_1/shipping")).hasSize(1);

    assertThat(store.purge(T0.plus(Duration.ofDays(1)))).isEqualTo(1);
    assertThat(store.find(DeliveryQuery.inState(DeliveryState.DELIVERED))).isEmpty();
  }

  @Test
  void purgeDeletesEventsLeftWithoutDeliveries() throws SQLException {
    ended("evt_old", "shipping", T0, DeliveryState.FAILED);
    enqueue("evt_pending", T0);

    store.purge(T0.plus(Duration.ofDays(1)));

    assertThat(count(prefix() + "events")).isEqualTo(1);
    assertThat(count(prefix() + "attempts")).isZero();
  }

  @Test
  void longErrorsAreClippedToFitTheColumn() {
    enqueue("evt_1", T0);
    store.claim(T0, 10, LEASE, "a");
    String huge = "x".repeat(10_000) + "\0";

    store.finish("evt_1/shipping", "a", DeliveryState.FAILED,
        new dev.hookpost.spi.AttemptRecord(1, T0, Duration.ZERO, 0, huge), T0, huge);

    StoredDelivery d = only(store.find(DeliveryQuery.deadLetters()));
    assertThat(d.lastError()).hasSize(Schema.MAX_ERROR_LENGTH).startsWith("xxx").endsWith("…");
    assertThat(store.history("evt_1/shipping").get(0).error()).hasSize(Schema.MAX_ERROR_LENGTH);
  }

  @Test
  void databaseFailureIsAWebhookExceptionNamingTheOperation() throws SQLException {
    execute("DROP TABLE " + prefix() + "attempts");
    execute("DROP TABLE " + prefix() + "deliveries");

    assertThatThrownBy(() -> store.claim(T0, 10, LEASE, "a")).isInstanceOf(WebhookException.class)
        .hasMessageContaining("could not claim deliveries").hasCauseInstanceOf(SQLException.class);
  }

  @Test
  void isDurable() {
    assertThat(store.durable()).isTrue();
  }

  // ---- retention (purgeEnded) ----

  private static final java.time.Instant WEEK_AFTER = T0.plus(Duration.ofDays(7));

  @Test
  void purgeEndedDeletesDeliveredPastRetentionWithHistoryAndEventAndKeepsFreshOnes() throws SQLException {
    ended("evt_old", "shipping", T0, DeliveryState.DELIVERED);
    ended("evt_fresh", "shipping", WEEK_AFTER, DeliveryState.DELIVERED);

    int deleted = jdbc().purgeEnded(WEEK_AFTER, null, 500);

    assertThat(deleted).isEqualTo(1);
    assertThat(ids(store.lookup(List.of("evt_old/shipping", "evt_fresh/shipping"))))
        .containsExactly("evt_fresh/shipping");
    assertThat(store.history("evt_old/shipping")).isEmpty();
    assertThat(count(prefix() + "events")).as("events left: the fresh one's").isEqualTo(1);
    assertThat(count(prefix() + "attempts")).as("attempts left: the fresh one's").isEqualTo(1);
  }

  @Test
  void purgeEndedKeepsDeadLettersAndSkippedUntilTheirLongerRetention() {
    ended("evt_delivered", "shipping", T0, DeliveryState.DELIVERED);
    ended("evt_failed", "shipping", T0, DeliveryState.FAILED);
    ended("evt_rejected", "shipping", T0, DeliveryState.REJECTED);
    ended("evt_skipped", "shipping", T0, DeliveryState.SKIPPED);
    List<String> all = List.of("evt_delivered/shipping", "evt_failed/shipping", "evt_rejected/shipping",
        "evt_skipped/shipping");

    assertThat(jdbc().purgeEnded(WEEK_AFTER, T0, 500)).as("with dead letters' cut-off before their end").isEqualTo(1);
    assertThat(ids(store.lookup(all))).containsExactlyInAnyOrder("evt_failed/shipping", "evt_rejected/shipping",
        "evt_skipped/shipping");

    assertThat(jdbc().purgeEnded(WEEK_AFTER, WEEK_AFTER, 500)).as("once past their own retention").isEqualTo(3);
    assertThat(store.lookup(all)).isEmpty();
  }

  @Test
  void purgeEndedNeverDeletesPendingDeliveriesNorTheirEvent() {
    ended("evt_1", "billing", T0, DeliveryState.DELIVERED); // the same event's other delivery stays pending:
    enqueue("evt_1", T0);
    store.claim(T0, 10, LEASE, "a");
    store.retry("evt_1/shipping", "a", attempt(1, T0, 503), T0, T0.plus(Duration.ofDays(30)));

    int deleted = jdbc().purgeEnded(T0.plus(Duration.ofDays(365)), T0.plus(Duration.ofDays(365)), 500);

    assertThat(deleted).isEqualTo(1);
    StoredDelivery pending = only(store.lookup(List.of("evt_1/shipping")));
    assertThat(pending.state()).isEqualTo(DeliveryState.PENDING);
    assertThat(pending.payload()).as("the event's payload, kept for its pending delivery").isEqualTo(bytes("{}"));
    assertThat(store.history("evt_1/shipping")).hasSize(1);
  }

  @Test
  void eachPurgeEndedCallDeletesAtMostItsLimit() {
    for (int i = 0; i < 7; i++) {
      ended("evt_" + i, "shipping", T0, DeliveryState.DELIVERED);
    }

    List<Integer> batches = new java.util.ArrayList<>();
    int n;
    do {
      n = jdbc().purgeEnded(WEEK_AFTER, WEEK_AFTER, 3);
      batches.add(n);
    } while (n > 0);

    assertThat(batches).containsExactly(3, 3, 1, 0);
    assertThat(store.find(DeliveryQuery.inState(DeliveryState.DELIVERED))).isEmpty();
  }

  // ---- helpers ----

  long count(String table) throws SQLException {
    try (Connection c = dataSource().getConnection(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM " + table)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  void execute(String sql) throws SQLException {
    try (Connection c = dataSource().getConnection(); Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }
}
