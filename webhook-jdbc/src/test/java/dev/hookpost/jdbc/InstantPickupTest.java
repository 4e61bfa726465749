package dev.hookpost.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hookpost.Event;
import dev.hookpost.Subscription;
import dev.hookpost.WebhookPublisher;
import dev.hookpost.spi.Transport;
import dev.hookpost.spi.TransportRequest;
import dev.hookpost.spi.TransportResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 18, item 3: on PostgreSQL an idle publisher whose poll is 30 s away attempts a committed
 * transactional send, or another instance's enqueue, within moments: {@code LISTEN/NOTIFY}
 * wakes it ({@link PostgresWakeups}). Without the wake-up each of these would wait for the poll.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class InstantPickupTest {
  private static final AtomicInteger TABLES = new AtomicInteger();
  private static final Duration POLL = Duration.ofSeconds(30);
  /** Far below the poll, far above a wake-up on a busy 2-core machine: cannot flake, fails without the wake-up. */
  private static final Duration QUICKLY = Duration.ofSeconds(2);
  @RegisterExtension
  static final EmbeddedPostgresServer postgres = new EmbeddedPostgresServer();

  private final String prefix = "pickup" + TABLES.incrementAndGet() + "_";
  private final BlockingQueue<String> attempted = new LinkedBlockingQueue<>();
  private PooledDataSource dataSource;
  private JdbcDeliveryStore store;
  private WebhookPublisher publisher;

  @BeforeEach
  void idlePublisher() {
    dataSource = new PooledDataSource(postgres.dataSource(), 4);
    store = JdbcDeliveryStore.builder(dataSource).tablePrefix(prefix).build();
    Transport recording = request -> {
      attempted.add(request.header("webhook-id"));
      return CompletableFuture.completedFuture(TransportResponse.of(204));
    };
    publisher = WebhookPublisher.builder().store(store).pollInterval(POLL).transport(recording)
        .subscription(Subscription.builder().id("s").endpoint("https://example.com/hook")
            .secret("whsec_" + java.util.Base64.getEncoder().encodeToString(new byte[24])).build())
        .build();
  }

  @AfterEach
  void close() {
    publisher.close();
    dataSource.close();
  }

  @Test
  void aCommittedTransactionalSendIsAttemptedLongBeforeThePoll() throws Exception {
    awaitListening();
    List<Long> pickups = new ArrayList<>();
    for (int i = 0; i < 100; i++) { // one at a time, the publisher idle between them
      String id = "evt_tx_" + i;
      long committed;
      try (Connection tx = dataSource.getConnection()) {
        tx.setAutoCommit(false);
        publisher.send(Event.of("order.created", Map.of("n", i)).withId(id), tx);
        tx.commit();
        committed = System.nanoTime();
      }
      assertThat(attempted.poll(QUICKLY.toMillis(), TimeUnit.MILLISECONDS)).as("event attempted within %s", QUICKLY)
          .isEqualTo(id);
      pickups.add(System.nanoTime() - committed);
    }
    Collections.sort(pickups);
    System.out.printf("instant pickup of a committed transactional send, 100 sends one at a time:"
        + " p50 %.1f ms, p99 %.1f ms, max %.1f ms%n", pickups.get(49) / 1e6, pickups.get(98) / 1e6,
        pickups.get(99) / 1e6);
  }

  @Test
  void anotherInstancesEnqueueIsAttemptedHereLongBeforeThePoll() throws Exception {
    awaitListening();
    JdbcDeliveryStore other = JdbcDeliveryStore.builder(postgres.dataSource()).tablePrefix(prefix).build();

    other.enqueue("evt_other", "order.created", "{}".getBytes(StandardCharsets.UTF_8), List.of("s"), Instant.now());

    assertThat(attempted.poll(QUICKLY.toMillis(), TimeUnit.MILLISECONDS))
        .as("the other instance's delivery, attempted here within %s", QUICKLY).isEqualTo("evt_other");
  }

  @Test
  void aSecondPublisherOnTheSameStoreHearsOfTheStoresOwnCommits() throws Exception {
    java.util.concurrent.Semaphore woken = new java.util.concurrent.Semaphore(0);
    try (AutoCloseable second = store.onNewDeliveries(woken::release)) {
      awaitListening();
      woken.drainPermits();

      store.enqueue("evt_shared", "order.created", "{}".getBytes(StandardCharsets.UTF_8), List.of("s"), Instant.now());

      assertThat(woken.tryAcquire(QUICKLY.toMillis(), TimeUnit.MILLISECONDS))
          .as("the store's second subscriber woken by news of the store's own commit").isTrue();
    }
  }

  @Test
  void theListenerReconnectsAfterItsConnectionIsKilled() throws Exception {
    int before = awaitListening();
    try (Connection admin = postgres.dataSource().getConnection(); Statement st = admin.createStatement()) {
      st.execute("SELECT pg_terminate_backend(" + before + ")");
    }
    long deadline = System.nanoTime() + QUICKLY.toNanos() * 3;
    int after;
    do {
      Thread.sleep(20);
      after = listenerPid();
    } while ((after == 0 || after == before) && System.nanoTime() < deadline);
    assertThat(after).as("a new listening connection").isNotZero().isNotEqualTo(before);

    try (Connection tx = dataSource.getConnection()) {
      tx.setAutoCommit(false);
      publisher.send(Event.of("order.created", Map.of()).withId("evt_after_kill"), tx);
      tx.commit();
    }

    assertThat(attempted.poll(QUICKLY.toMillis(), TimeUnit.MILLISECONDS))
        .as("a send after the listener reconnected, attempted within %s", QUICKLY).isEqualTo("evt_after_kill");
  }

  @Test
  void theBackoffDoublesFrom100MillisecondsUpTo5Seconds() {
    List<Long> waits = new ArrayList<>();
    Duration d = null;
    for (int i = 0; i < 8; i++) {
      d = PostgresWakeups.nextBackoff(d);
      waits.add(d.toMillis());
    }
    assertThat(waits).containsExactly(100L, 200L, 400L, 800L, 1600L, 3200L, 5000L, 5000L);
  }

  /** Waits until the store's listener is connected; returns its server process id. */
  private static int awaitListening() throws Exception {
    long deadline = System.nanoTime() + QUICKLY.toNanos() * 3;
    int pid;
    while ((pid = listenerPid()) == 0 && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertThat(pid).as("the server process of the listening connection").isNotZero();
    return pid;
  }

  private static int listenerPid() throws SQLException {
    try (Connection c = postgres.dataSource().getConnection(); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT pid FROM pg_stat_activity WHERE application_name = '"
            + PostgresWakeups.APPLICATION_NAME + "' AND query LIKE 'LISTEN%'")) {
      return rs.next() ? rs.getInt(1) : 0;
    }
  }
}
