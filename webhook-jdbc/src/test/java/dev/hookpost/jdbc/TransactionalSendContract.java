package dev.hookpost.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hookpost.DeliveryOutcome;
import dev.hookpost.Event;
import dev.hookpost.SendHandle;
import dev.hookpost.WebhookPublisher;
import dev.hookpost.okhttp.OkHttpTransport;
import dev.hookpost.spi.DeliveryQuery;
import dev.hookpost.spi.DeliveryState;
import dev.hookpost.spi.StoredDelivery;
import dev.hookpost.testing.FakeWebhookReceiver;
import dev.hookpost.testing.ReceivedDelivery;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code send(event, connection)}, the transactional outbox, through a publisher over a
 * {@link JdbcDeliveryStore}, delivering over HTTP to the fake receiver: a rolled-back send
 * leaves nothing behind, the same event sent again and committed is delivered, and a committed
 * send's handle completes. Each subclass runs these against one database.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
abstract class TransactionalSendContract {
  private static final Duration WITHIN = Duration.ofSeconds(15);
  /** Short, so that the publisher forgets a rolled-back send soon; well over an attempt on loopback. */
  private static final Duration LEASE = Duration.ofSeconds(2);

  @RegisterExtension
  static final FakeWebhookReceiver receiver = FakeWebhookReceiver.create();

  /** The publisher's threads, ours so the test can wait for them to stop before the database closes. */
  private final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2);
  JdbcDeliveryStore store;
  WebhookPublisher publisher;

  /** The database under test, with no tables of {@link #prefix()} yet. */
  abstract DataSource dataSource();

  /** The table prefix of this test's tables. */
  abstract String prefix();

  @BeforeEach
  void startPublisher() {
    store = JdbcDeliveryStore.builder(dataSource()).tablePrefix(prefix()).build();
    publisher = WebhookPublisher.builder()
        .store(store)
        .scheduler(scheduler)
        .pollInterval(Duration.ofMillis(50))
        .lease(LEASE)
        .transport(OkHttpTransport.builder().callTimeout(LEASE.dividedBy(2)).addressGuard(receiver.addressGuard()).build())
        .subscription(receiver.subscription())
        .build();
  }

  @AfterEach
  void stopPublisher() throws InterruptedException {
    publisher.close();
    scheduler.shutdownNow();
    assertThat(scheduler.awaitTermination(10, TimeUnit.SECONDS)).as("publisher threads stopped").isTrue();
  }

  @Test
  void rolledBackSendLeavesNoEventAndNoDeliveryInTheStore() throws SQLException {
    try (Connection c = dataSource().getConnection()) {
      c.setAutoCommit(false);
      publisher.send(order("A-1"), c);
      c.rollback();
    }

    assertThat(count("events")).as("events stored").isZero();
    assertThat(count("deliveries")).as("deliveries stored").isZero();
    assertThat(count("attempts")).as("attempts stored").isZero();
  }

  @Test
  void sameEventSentAgainAndCommittedAfterARollbackIsDeliveredAndItsHandleCompletes() throws Exception {
    Event event = order("A-1");
    try (Connection c = dataSource().getConnection()) {
      c.setAutoCommit(false);
      publisher.send(event, c);
      c.rollback();
    }

    SendHandle again;
    try (Connection c = dataSource().getConnection()) {
      c.setAutoCommit(false);
      again = publisher.send(event, c);
      c.commit();
    }

    assertDelivered(again);
    assertThat(receiver.awaitDeliveries(1, WITHIN)).extracting(ReceivedDelivery::webhookId)
        .containsExactly(event.id());
    assertThat(count("deliveries")).as("deliveries stored").isEqualTo(1);
  }

  @Test
  void committedSendsHandleCompletesWithDelivered() throws Exception {
    SendHandle handle;
    try (Connection c = dataSource().getConnection()) {
      c.setAutoCommit(false);
      handle = publisher.send(order("A-1"), c);
      c.commit();
    }

    assertDelivered(handle);
    assertThat(receiver.awaitDeliveries(1, WITHIN)).extracting(ReceivedDelivery::webhookId)
        .containsExactly(handle.eventId());
  }

  /**
   * However the publisher keeps what it waits for (it once held transactional sends weakly, and
   * lost them to the garbage collector), a handle the application keeps must complete.
   * {@code System.gc()} runs a full collection, which clears every reference that is only weak.
   */
  @Test
  void committedSendsHandleCompletesEvenWhenTheGarbageCollectorRunsBeforeTheCommit() throws Exception {
    SendHandle handle;
    try (Connection c = dataSource().getConnection()) {
      c.setAutoCommit(false);
      handle = publisher.send(order("A-1"), c);
      System.gc();
      c.commit();
    }

    assertDelivered(handle);
  }

  @Test
  void rolledBackSendLeavesNothingInThePublisherOnceALeaseHasPassed() throws Exception {
    try (Connection c = dataSource().getConnection()) {
      c.setAutoCommit(false);
      publisher.send(order("A-1"), c);
      c.rollback();
    }

    long deadline = System.nanoTime() + WITHIN.toNanos();
    while (EngineCaches.of(publisher)[0] != 0 && System.nanoTime() < deadline) {
      Thread.sleep(50); // the first poll a lease after the send finds nothing stored and forgets the handle
    }
    assertThat(EngineCaches.of(publisher)).as("waiting handles and held claims").containsExactly(0, 0);
  }

  /**
   * Asserts that {@code handle} completes with one {@code Delivered}. Fails at once when it never
   * can: its delivery ended in the store and the publisher waits for nothing any more (twice in a
   * row, 100 ms apart, as a handle completes just after its waiter is taken); else after
   * {@link #WITHIN}.
   */
  private void assertDelivered(SendHandle handle) throws Exception {
    long deadline = System.nanoTime() + WITHIN.toNanos();
    boolean lostBefore = false;
    List<DeliveryOutcome> outcomes = null;
    while (outcomes == null) {
      try {
        outcomes = handle.outcomes().get(100, TimeUnit.MILLISECONDS);
      } catch (TimeoutException e) {
        List<StoredDelivery> stored = store.find(DeliveryQuery.inState(DeliveryState.PENDING, DeliveryState.values()));
        int[] caches = EngineCaches.of(publisher);
        boolean lost = !stored.isEmpty() && stored.stream().allMatch(d -> d.state().isFinal()) && caches[0] == 0;
        if ((lost && lostBefore) || System.nanoTime() - deadline > 0) {
          throw new AssertionError(handle + (lost ? " never completes" : " did not complete within " + WITHIN)
              + "; the deliveries in the store: " + stored + "; {waiting handles, held claims}: "
              + Arrays.toString(caches), e);
        }
        lostBefore = lost;
      }
    }
    assertThat(outcomes).singleElement().isInstanceOfSatisfying(DeliveryOutcome.Delivered.class,
        d -> assertThat(d.eventId()).isEqualTo(handle.eventId()));
  }

  private static Event order(String id) {
    return Event.of("order.created", Map.of("orderId", id));
  }

  long count(String table) throws SQLException {
    try (Connection c = dataSource().getConnection(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM " + prefix() + table)) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
