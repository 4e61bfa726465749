package dev.hookpost.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hookpost.spi.DeliveryState;
import dev.hookpost.spi.StoredDelivery;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The contract against a real PostgreSQL server, started once for this class from the binaries
 * Maven fetched; each test gets tables of its own through a unique prefix. Also what only
 * PostgreSQL is for: several claimers and several migrating processes on one database.
 */
class PostgresDeliveryStoreTest extends JdbcStoreContract {
  private static final AtomicInteger TABLES = new AtomicInteger();
  @RegisterExtension
  static final EmbeddedPostgresServer postgres = new EmbeddedPostgresServer();
  private static String version;

  private final String prefix = "t" + TABLES.incrementAndGet() + "_";

  @BeforeAll
  static void readVersion() throws SQLException {
    try (Connection c = postgres.dataSource().getConnection(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT version()")) {
      rs.next();
      version = rs.getString(1);
    }
    System.out.println("PostgresDeliveryStoreTest runs against: " + version);
  }

  @Override
  DataSource dataSource() {
    return postgres.dataSource();
  }

  @Override
  String prefix() {
    return prefix;
  }

  @Test
  void theServerIsARealPostgres() {
    assertThat(version).startsWith("PostgreSQL 14.");
    assertThat(store).hasToString("JdbcDeliveryStore[PostgreSQL, " + prefix + "*]");
  }

  @Test
  void twoConcurrentClaimersNeverGetTheSameDelivery() throws Exception {
    try (Connection c = dataSource().getConnection()) {
      c.setAutoCommit(false);
      for (int i = 0; i < 100; i++) {
        jdbc().enqueue(c, "evt_" + i, TYPE, bytes("{}"), List.of("shipping", "billing", "audit"), T0.plusMillis(i));
      }
      c.commit();
    }
    CountDownLatch start = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      List<Future<List<String>>> claimers = new ArrayList<>();
      for (String owner : List.of("instance-a", "instance-b")) {
        claimers.add(pool.submit(claimUntilEmpty(owner, start)));
      }
      start.countDown();
      List<String> a = claimers.get(0).get(30, TimeUnit.SECONDS);
      List<String> b = claimers.get(1).get(30, TimeUnit.SECONDS);

      System.out.println("concurrent claims: instance-a got " + a.size() + ", instance-b got " + b.size());
      assertThat(a).doesNotHaveDuplicates().doesNotContainAnyElementsOf(b);
      assertThat(b).doesNotHaveDuplicates();
      assertThat(a.size() + b.size()).isEqualTo(300);
    } finally {
      pool.shutdownNow();
    }
  }

  private Callable<List<String>> claimUntilEmpty(String owner, CountDownLatch start) {
    return () -> {
      start.await();
      List<String> mine = new ArrayList<>();
      while (true) {
        List<StoredDelivery> batch = store.claim(T0.plusSeconds(1), 7, LEASE, owner);
        if (batch.isEmpty()) {
          return mine;
        }
        mine.addAll(ids(batch));
      }
    };
  }

  @Test
  void claimSkipsRowsLockedByAnotherTransaction() throws Exception {
    enqueue("evt_1", T0);
    enqueue("evt_2", T0.plusMillis(1));
    try (Connection other = dataSource().getConnection(); Statement s = other.createStatement()) {
      other.setAutoCommit(false);
      s.executeQuery("SELECT delivery_id FROM " + prefix + "deliveries WHERE delivery_id = 'evt_1/shipping'"
          + " FOR UPDATE").close();

      ExecutorService pool = Executors.newSingleThreadExecutor();
      try {
        Future<List<StoredDelivery>> claim = pool.submit(() -> store.claim(T0.plusSeconds(1), 10, LEASE, "a"));
        assertThat(ids(claim.get(5, TimeUnit.SECONDS))).as("claimed without waiting for the lock")
            .containsExactly("evt_2/shipping");
      } finally {
        pool.shutdownNow();
      }
      other.rollback();
    }
    assertThat(ids(store.claim(T0.plusSeconds(1), 10, LEASE, "a"))).containsExactly("evt_1/shipping");
  }

  @Test
  void processesCreatingTheStoreAtOnceMigrateOnce() throws Exception {
    String fresh = prefix + "x_";
    int n = 4;
    CountDownLatch start = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(n);
    try {
      List<Future<JdbcDeliveryStore>> creates = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        creates.add(pool.submit(() -> {
          start.await();
          return JdbcDeliveryStore.builder(dataSource()).tablePrefix(fresh).clock(clock).build();
        }));
      }
      start.countDown();
      Set<JdbcDeliveryStore> stores = new HashSet<>();
      for (Future<JdbcDeliveryStore> f : creates) {
        stores.add(f.get(30, TimeUnit.SECONDS));
      }
      assertThat(stores).hasSize(n);
    } finally {
      pool.shutdownNow();
    }
    assertThat(count(fresh + "schema_version")).isEqualTo(Schema.LATEST);
  }

  @Test
  void twoInstancesAndARestartKeepEachKeysSendOrderAgainstAFlakyReceiver() throws Exception {
    try (OrderedDeliveries deliveries = new OrderedDeliveries()) {
      deliveries.twoInstancesAndARestart(() -> CrashChild.dataSource(postgres.jdbcUrl(), "postgres", ""));

      deliveries.assertDeliveredInSendOrder();
    }
  }

  @Test
  void theSubscriptionRegistryStoresEverySettingAndReadsItBackEqual() {
    JdbcSubscriptionRegistryTest.roundTripsEverySetting(
        JdbcSubscriptionRegistry.builder(dataSource()).tablePrefix(prefix).cacheFor(java.time.Duration.ZERO).build());
  }

  @Test
  void twoSubscriptionRegistriesAddToOneRunOfFailures() {
    java.util.function.Supplier<JdbcSubscriptionRegistry> registry = () -> JdbcSubscriptionRegistry
        .builder(dataSource()).tablePrefix(prefix).cacheFor(java.time.Duration.ZERO).build();
    JdbcSubscriptionRegistryTest.addToOneRunOfFailures(registry.get(), registry.get());
  }

  @Test
  void aStatementWaitingForALockedRowGivesUpAtTheStatementTimeoutNamingWhatItWasFor() throws SQLException {
    JdbcDeliveryStore bounded = JdbcDeliveryStore.builder(dataSource()).tablePrefix(prefix).clock(clock)
        .statementTimeout(java.time.Duration.ofSeconds(1)).build();
    bounded.enqueue("evt_1", TYPE, bytes("{}"), List.of("shipping"), T0);
    bounded.claim(T0, 10, LEASE, "a");
    try (Connection locker = dataSource().getConnection()) {
      locker.setAutoCommit(false);
      locker.createStatement().execute("SELECT * FROM " + prefix + "deliveries FOR UPDATE");
      long start = System.nanoTime();

      assertThatThrownBy(() -> bounded.finish("evt_1/shipping", "a", DeliveryState.DELIVERED, null, T0, null))
          .isInstanceOf(dev.hookpost.WebhookException.class)
          .hasMessageContaining("could not record the end of evt_1/shipping")
          .hasCauseInstanceOf(java.sql.SQLTimeoutException.class);
      assertThat(System.nanoTime() - start).as("nanoseconds waited").isLessThan(5_000_000_000L);
      locker.rollback();
    }
    assertThat(bounded.finish("evt_1/shipping", "a", DeliveryState.DELIVERED, null, T0, null))
        .as("the next try, once the lock is gone").isTrue();
  }
}
