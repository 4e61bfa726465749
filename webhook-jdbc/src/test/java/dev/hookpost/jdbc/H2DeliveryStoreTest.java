package dev.hookpost.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The contract against a file-backed H2 database, a fresh file per test. */
class H2DeliveryStoreTest extends JdbcStoreContract {
  @TempDir
  Path dir;
  private JdbcDataSource dataSource;
  /** Held open for the test, so H2 keeps the database open between the store's connections. */
  private Connection keepOpen;

  @BeforeEach
  @Override
  void openStore() throws Exception {
    dataSource = new JdbcDataSource();
    dataSource.setURL("jdbc:h2:file:" + dir.resolve("store").toAbsolutePath());
    keepOpen = dataSource.getConnection();
    super.openStore();
  }

  @AfterEach
  void closeDatabase() throws SQLException {
    if (keepOpen != null) {
      keepOpen.close();
    }
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
  void deliveriesSurviveClosingAndReopeningTheDatabaseFile() throws SQLException {
    store.enqueue("evt_1", TYPE, bytes("{\"kept\":true}"), List.of("shipping"), T0);
    keepOpen.close();
    try (Connection c = dataSource.getConnection()) {
      c.createStatement().execute("SHUTDOWN");
    }

    JdbcDataSource reopened = new JdbcDataSource();
    reopened.setURL("jdbc:h2:file:" + dir.resolve("store").toAbsolutePath());
    keepOpen = reopened.getConnection();
    JdbcDeliveryStore after = JdbcDeliveryStore.builder(reopened).clock(clock).build();

    assertThat(only(after.claim(T0, 10, LEASE, "a")).payload()).isEqualTo(bytes("{\"kept\":true}"));
  }

  @Test
  void nameSaysH2AndThePrefix() {
    assertThat(store).hasToString("JdbcDeliveryStore[H2, hookpost_*]");
  }
}
