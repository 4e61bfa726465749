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
