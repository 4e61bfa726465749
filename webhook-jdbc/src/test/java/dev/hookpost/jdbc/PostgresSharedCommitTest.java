package dev.hookpost.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hookpost.WebhookException;
import dev.hookpost.spi.AttemptRecord;
import dev.hookpost.spi.DeliveryQuery;
import dev.hookpost.spi.DeliveryState;
import dev.hookpost.spi.StoredDelivery;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Shared commits against a real PostgreSQL: concurrent enqueues, retries and ends are written
 * together, and each caller still gets its own answer or its own failure. The store's
 * connections can be held at a gate, so that the calls under test are all queued before the
 * first shared commit is written: what shares a commit is decided, not timed.
 */
class PostgresSharedCommitTest {
  private static final AtomicInteger TABLES = new AtomicInteger();
  private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");
  private static final Duration LEASE = Duration.ofMinutes(1);
  private static final byte[] PAYLOAD = "{}".getBytes(StandardCharsets.UTF_8);

  @RegisterExtension
  static final EmbeddedPostgresServer postgres = new EmbeddedPostgresServer();

  private final String prefix = "g" + TABLES.incrementAndGet() + "_";
  private final AtomicInteger borrowed = new AtomicInteger();
  private volatile CountDownLatch gate = new CountDownLatch(0);
  private final ExecutorService pool = Executors.newCachedThreadPool();
  private final MutableClock clock = new MutableClock(T0);
  private JdbcDeliveryStore store;

  @BeforeEach
  void openStore() {
    DataSource raw = postgres.dataSource();
    DataSource gated = (DataSource) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {DataSource.class},
        (proxy, method, args) -> {
          if (method.getName().equals("getConnection")) {
            borrowed.incrementAndGet();
            assertThat(gate.await(10, TimeUnit.SECONDS)).as("the gate opened").isTrue();
          }
          return method.invoke(raw, args);
        });
    store = JdbcDeliveryStore.builder(gated).tablePrefix(prefix).clock(clock).build();
  }

  @AfterEach
  void stop() {
    gate.countDown();
    pool.shutdownNow();
  }

  /**
   * Holds the store's connections while {@code first} calls start (they take the writers) and
   * {@code rest} queue behind them, then opens the gate; returns every call's future, first
   * ones first, and resets the count of connections borrowed to those after the first calls.
   */
  private <T> List<Future<T>> queuedBehind(List<Callable<T>> first, List<Callable<T>> rest, IntSupplier queued) {
    gate = new CountDownLatch(1);
    borrowed.set(0);
    List<Future<T>> out = new ArrayList<>();
    for (Callable<T> c : first) {
      out.add(pool.submit(c));
    }
    awaitTrue(() -> borrowed.get() == first.size());
    for (Callable<T> c : rest) {
      out.add(pool.submit(c));
    }
    awaitTrue(() -> queued.getAsInt() == rest.size());
    borrowed.set(0);
    gate.countDown();
    return out;
  }

  private static void awaitTrue(java.util.function.BooleanSupplier condition) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as("waited 10 s").isLessThan(deadline);
      Thread.yield();
    }
  }

  private Callable<List<String>> enqueue(String eventId, String type, String... subscriptions) {
    return () -> store.enqueue(eventId, type, PAYLOAD, List.of(subscriptions), T0);
  }

  private List<Callable<List<String>>> blockers() {
    List<Callable<List<String>>> out = new ArrayList<>();
    for (int i = 0; i < SharedCommits.WRITERS; i++) {
      out.add(enqueue("evt_blocker_" + i, "t", "shipping"));
    }
    return out;
  }

  @Test
  void concurrentEnqueuesShareOneCommitAndEachCallerGetsExactlyItsOwnNewSubscriptions() throws Exception {
    store.enqueue("evt_3", "t", PAYLOAD, List.of("shipping"), T0); // evt_3 has its shipping delivery already
    List<Callable<List<String>>> rest = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      rest.add(enqueue("evt_" + i, "t", "shipping", "billing-" + i));
    }

    List<Future<List<String>>> results = queuedBehind(blockers(), rest, store.shared()::queuedEnqueues);

    for (int i = 0; i < 10; i++) {
      List<String> expected = i == 3 ? List.of("billing-3") : List.of("shipping", "billing-" + i);
      assertThat(results.get(SharedCommits.WRITERS + i).get(10, TimeUnit.SECONDS)).as("evt_" + i)
          .containsExactlyElementsOf(expected);
    }
    assertThat(borrowed.get()).as("connections borrowed, one per commit, for 10 enqueues").isEqualTo(1);
    for (Future<List<String>> blocker : results.subList(0, SharedCommits.WRITERS)) {
      assertThat(blocker.get(10, TimeUnit.SECONDS)).containsExactly("shipping");
    }
    assertThat(count("deliveries")).isEqualTo(SharedCommits.WRITERS + 20);
  }

  @Test
  void anEnqueueThatCannotBeStoredFailsAloneAndLeavesNothingOfItBehind() throws Exception {
    List<Callable<List<String>>> rest = List.of(enqueue("evt_a", "t", "shipping"),
        enqueue("evt_bad", "x".repeat(300), "shipping"), enqueue("evt_c", "t", "shipping"));

    List<Future<List<String>>> results = queuedBehind(blockers(), rest, store.shared()::queuedEnqueues);

    int w = SharedCommits.WRITERS;
    for (Future<List<String>> each : results.subList(0, w + 1)) {
      assertThat(each.get(10, TimeUnit.SECONDS)).containsExactly("shipping");
    }
    assertThat(results.get(w + 2).get(10, TimeUnit.SECONDS)).containsExactly("shipping");
    assertThatThrownBy(() -> results.get(w + 1).get(10, TimeUnit.SECONDS)).cause()
        .isInstanceOf(WebhookException.class).hasMessageContaining("could not enqueue event evt_bad");
    assertThat(borrowed.get()).as("the shared commit, then each alone").isEqualTo(4);
    assertThat(count("events WHERE event_id = 'evt_bad'")).isZero();
    assertThat(count("deliveries WHERE event_id = 'evt_bad'")).isZero();
    assertThat(count("deliveries WHERE event_id IN ('evt_a', 'evt_c')")).isEqualTo(2);
  }

  @Test
  void aBatchThatFailsLeavesNoneOfItsMembersStored() throws SQLException {
    Writes writes = new Writes(Dialect.POSTGRESQL, new Schema(prefix));
    Writes.Enqueue good = new Writes.Enqueue("evt_good", "t", PAYLOAD, null, null, List.of("shipping"), T0);
    Writes.Enqueue bad = new Writes.Enqueue("evt_bad", "x".repeat(300), PAYLOAD, null, null, List.of("shipping"), T0);

    try (Connection c = postgres.dataSource().getConnection()) {
      assertThatThrownBy(() -> writes.enqueue(c, List.of(good, bad))).isInstanceOf(SQLException.class);
    }

    assertThat(count("events")).isZero();
    assertThat(count("deliveries")).isZero();
  }

  @Test
  void inOneSharedCommitEachChangeKeepsItsOwnGuards() throws Exception {
    List<Callable<Boolean>> blockers = new ArrayList<>();
    for (int i = 0; i < SharedCommits.WRITERS; i++) {
      String id = "evt_blocker_" + i;
      store.enqueue(id, "t", PAYLOAD, List.of("shipping"), T0.plus(LEASE).plusMillis(1)); // for c alone
      blockers.add(() -> store.retry(id + "/shipping", "c", null, T0, T0.plus(LEASE)));
    }
    for (String id : List.of("evt_stale", "evt_good", "evt_ended")) {
      store.enqueue(id, "t", PAYLOAD, List.of("shipping"), T0);
    }
    store.claim(T0, 10, LEASE, "a");
    clock.set(T0.plus(LEASE));
    assertThat(store.claim(T0.plus(LEASE), 10, LEASE, "b")).extracting(StoredDelivery::deliveryId)
        .contains("evt_stale/shipping"); // a's lease ran out and b took the three over
    assertThat(store.finish("evt_ended/shipping", "b", DeliveryState.DELIVERED, null, T0, null)).isTrue();
    assertThat(store.retry("evt_good/shipping", "b", null, T0, T0.plus(LEASE))).isTrue();
    store.claim(T0.plus(LEASE).plusMillis(1), 10, LEASE, "c"); // evt_good and the blockers
    try (Connection conn = postgres.dataSource().getConnection(); Statement s = conn.createStatement()) {
      s.execute("UPDATE " + prefix + "deliveries SET lease_owner = 'c' WHERE delivery_id = 'evt_ended/shipping'");
    } // the owner matches, the state does not: only DeliveryState.sources guards it
    AttemptRecord attempt = new AttemptRecord(1, T0.plus(LEASE), Duration.ofMillis(5), 204, null);

    List<Future<Boolean>> results = queuedBehind(blockers,
        List.of(() -> store.finish("evt_stale/shipping", "a", DeliveryState.DELIVERED, attempt, T0, null),
            () -> store.finish("evt_good/shipping", "c", DeliveryState.DELIVERED, attempt, T0, null),
            () -> store.finish("evt_ended/shipping", "c", DeliveryState.FAILED, attempt, T0, "late")),
        store.shared()::queuedChanges);

    int w = SharedCommits.WRITERS;
    for (Future<Boolean> blocker : results.subList(0, w)) {
      assertThat(blocker.get(10, TimeUnit.SECONDS)).isTrue();
    }
    assertThat(results.get(w).get(10, TimeUnit.SECONDS)).as("a stale owner").isFalse();
    assertThat(results.get(w + 1).get(10, TimeUnit.SECONDS)).as("the lease holder").isTrue();
    assertThat(results.get(w + 2).get(10, TimeUnit.SECONDS)).as("a delivery that ended already").isFalse();
    assertThat(borrowed.get()).as("one shared commit for the three").isEqualTo(1);
    assertThat(store.find(DeliveryQuery.inState(DeliveryState.DELIVERED)))
        .extracting(StoredDelivery::deliveryId).containsExactlyInAnyOrder("evt_good/shipping", "evt_ended/shipping");
    assertThat(store.find(DeliveryQuery.inState(DeliveryState.PENDING).forSubscription("shipping")))
        .extracting(StoredDelivery::deliveryId).contains("evt_stale/shipping");
    assertThat(store.history("evt_good/shipping")).containsExactly(attempt);
    assertThat(store.history("evt_stale/shipping")).isEmpty();
    assertThat(store.history("evt_ended/shipping")).isEmpty();
  }

  private long count(String tableAndCondition) throws SQLException {
    try (Connection c = postgres.dataSource().getConnection(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM " + prefix + tableAndCondition)) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
