package dev.hookpost.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.SQLiteDataSource;

/** The contract against a SQLite database file (the embedded engine), a fresh file per test. */
class SqliteDeliveryStoreTest extends JdbcStoreContract {
  @TempDir
  Path dir;
  private SQLiteDataSource dataSource;

  static SQLiteDataSource sqlite(Path file) {
    SQLiteDataSource ds = new SQLiteDataSource();
    ds.setUrl("jdbc:sqlite:" + file.toAbsolutePath());
    return ds;
  }

  @BeforeEach
  @Override
  void openStore() throws Exception {
    dataSource = sqlite(dir.resolve("store.db"));
    super.openStore();
  }

  @Override
  DataSource dataSource() {
    return dataSource;
  }

  @Override
  String prefix() {
    return "hookpost_";
  }

  @Test
  void theStorePutsTheFileInWalModeAndCommitsWithSynchronousFull() throws SQLException {
    try (Connection c = dataSource.getConnection()) {
      assertThat(pragma(c, "journal_mode")).isEqualTo("wal");
    }
    assertThat(synchronousOfTheStoresConnections(false)).as("FULL is 2").isEqualTo("2");
  }

  @Test
  void theFasterSettingIsSynchronousNormal() throws SQLException {
    assertThat(synchronousOfTheStoresConnections(true)).as("NORMAL is 1").isEqualTo("1");
  }

  @Test
  void anInMemoryDatabaseIsRefusedBecauseItCannotSurviveAnything() {
    assertThatThrownBy(() -> JdbcDeliveryStore.create(sqliteUrl("jdbc:sqlite::memory:")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("WAL");
  }

  @Test
  void deliveriesSurviveReopeningTheFile() {
    jdbc().enqueue("evt_1", TYPE, bytes("{\"kept\":true}"), List.of("shipping"), T0);

    JdbcDeliveryStore after = JdbcDeliveryStore.builder(sqlite(dir.resolve("store.db"))).clock(clock).build();

    assertThat(only(after.claim(T0, 10, LEASE, "a")).payload()).isEqualTo(bytes("{\"kept\":true}"));
  }

  @Test
  void aDeliverySentAfterVacuumRenumberedTheRowidsStillWaitsForTheEarlierOneOfItsKey() throws SQLException {
    for (String e : List.of("evt_1", "evt_2", "evt_3")) { // rows before it, which purge then deletes
      store.enqueue(e, TYPE, bytes("{}"), List.of("shipping"), T0);
    }
    store.enqueue("evt_4", TYPE, bytes("{}"), java.util.Map.of(), "order-1", List.of("shipping"), T0);
    for (String id : ids(store.claim(T0, 3, LEASE, "a"))) {
      store.finish(id, "a", dev.hookpost.spi.DeliveryState.DELIVERED, attempt(1, T0, 204), T0, null);
    }
    store.purge(T0.plusSeconds(1));
    try (Connection c = dataSource.getConnection()) {
      // VACUUM "may change the ROWIDs of entries in any tables that do not have an explicit INTEGER
      // PRIMARY KEY" (SQLite's documentation), as a dump and reload does; this driver's SQLite keeps
      // them here, so the test then renumbers the one row left as VACUUM may: 4 becomes 1.
      c.createStatement().execute("VACUUM");
      c.createStatement().execute("UPDATE hookpost_deliveries SET rowid = 1 WHERE delivery_id = 'evt_4/shipping'");
    }

    store.enqueue("evt_5", TYPE, bytes("{}"), java.util.Map.of(), "order-1", List.of("shipping"), T0);

    assertThat(ids(store.claim(T0, 10, LEASE, "b"))).containsExactly("evt_4/shipping");
  }

  @Test
  void tablesAtVersionThreeGetTheIndexThatNumbersSeqAfterTheHighest() throws SQLException {
    try (Connection c = dataSource.getConnection()) {
      c.createStatement().execute("DROP INDEX hookpost_deliveries_seq");
      c.createStatement().execute("DELETE FROM hookpost_schema_version WHERE version > 3");
    }

    JdbcDeliveryStore.builder(dataSource).clock(clock).build();

    try (Connection c = dataSource.getConnection(); ResultSet plan = c.createStatement()
        .executeQuery("EXPLAIN QUERY PLAN SELECT COALESCE(MAX(seq), 0) + 1 FROM hookpost_deliveries")) {
      assertThat(plan.next()).isTrue();
      assertThat(plan.getString("detail")).contains("hookpost_deliveries_seq");
    }
  }

  @Test
  void theSubscriptionRegistryStoresEverySettingAndReadsItBackEqual() {
    JdbcSubscriptionRegistryTest.roundTripsEverySetting(
        JdbcSubscriptionRegistry.builder(dataSource).cacheFor(java.time.Duration.ZERO).build());
  }

  @Test
  void theSubscriptionRegistryMatchesByTenantThenEveryTenant() {
    JdbcSubscriptionRegistryTest.matchesByTenantThenEveryTenant(
        JdbcSubscriptionRegistry.builder(dataSource).cacheFor(java.time.Duration.ZERO).build());
  }

  @Test
  void twoSubscriptionRegistriesAddToOneRunOfFailures() {
    java.util.function.Supplier<JdbcSubscriptionRegistry> registry = () -> JdbcSubscriptionRegistry
        .builder(dataSource).cacheFor(java.time.Duration.ZERO).build();
    JdbcSubscriptionRegistryTest.addToOneRunOfFailures(registry.get(), registry.get());
  }

  @Test
  void nameSaysSqliteAndThePrefix() {
    assertThat(store).hasToString("JdbcDeliveryStore[SQLite, hookpost_*]");
  }

  private static SQLiteDataSource sqliteUrl(String url) {
    SQLiteDataSource ds = new SQLiteDataSource();
    ds.setUrl(url);
    return ds;
  }

  /** Builds a store over one shared connection, lets it enqueue, and reads that connection's synchronous level. */
  private String synchronousOfTheStoresConnections(boolean faster) throws SQLException {
    try (Connection shared = dataSource.getConnection()) {
      shared.createStatement().execute("PRAGMA synchronous = OFF"); // as a pool might hand it out
      Connection unclosable = (Connection) Proxy.newProxyInstance(getClass().getClassLoader(),
          new Class<?>[] {Connection.class}, (p, m, a) -> m.getName().equals("close") ? null : m.invoke(shared, a));
      DataSource single = (DataSource) Proxy.newProxyInstance(getClass().getClassLoader(),
          new Class<?>[] {DataSource.class}, (p, m, a) -> m.getName().equals("getConnection") ? unclosable
              : m.invoke(dataSource, a));
      JdbcDeliveryStore store = JdbcDeliveryStore.builder(single).powerCutMayLoseLastCommits(faster).build();
      store.enqueue("evt_1", TYPE, bytes("{}"), List.of("shipping"), T0);
      return pragma(shared, "synchronous");
    }
  }

  private static String pragma(Connection c, String name) throws SQLException {
    try (ResultSet rs = c.createStatement().executeQuery("PRAGMA " + name)) {
      return rs.next() ? rs.getString(1) : null;
    }
  }
}
