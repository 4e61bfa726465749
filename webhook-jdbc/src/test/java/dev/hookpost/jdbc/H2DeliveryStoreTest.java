package dev.hookpost.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hookpost.spi.StoredDelivery;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
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
  void twoStoresOnOneDatabaseNeverClaimTheSameDelivery() throws Exception {
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      for (int i = 0; i < 100; i++) {
        jdbc().enqueue(c, "evt_" + i, TYPE, bytes("{}"), List.of("shipping", "billing", "audit"), T0.plusMillis(i));
      }
      c.commit();
    }
    JdbcDeliveryStore other = JdbcDeliveryStore.builder(dataSource).clock(clock).build();
    CountDownLatch start = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      Future<List<String>> a = pool.submit(claimUntilEmpty(jdbc(), "a", start));
      Future<List<String>> b = pool.submit(claimUntilEmpty(other, "b", start));
      start.countDown();
      List<String> got = new ArrayList<>(a.get(30, TimeUnit.SECONDS));
      got.addAll(b.get(30, TimeUnit.SECONDS));

      assertThat(got).doesNotHaveDuplicates().hasSize(300);
    } finally {
      pool.shutdownNow();
    }
  }

  private static Callable<List<String>> claimUntilEmpty(JdbcDeliveryStore store, String owner, CountDownLatch start) {
    return () -> {
      start.await();
      List<String> mine = new ArrayList<>();
      for (List<StoredDelivery> batch; !(batch = store.claim(T0.plusSeconds(1), 7, LEASE, owner)).isEmpty(); ) {
        mine.addAll(ids(batch));
      }
      return mine;
    };
  }

  @Test
  void nameSaysH2AndThePrefix() {
    assertThat(store).hasToString("JdbcDeliveryStore[H2, hookpost_*]");
  }
}
