package dev.hookpost.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hookpost.DeliveryOutcome;
import dev.hookpost.spi.DeliveryQuery;
import dev.hookpost.spi.DeliveryState;
import dev.hookpost.Event;
import dev.hookpost.RetryPolicy;
import dev.hookpost.spi.StoredDelivery;
import dev.hookpost.Subscription;
import dev.hookpost.spi.Transport;
import dev.hookpost.spi.TransportRequest;
import dev.hookpost.spi.TransportResponse;
import dev.hookpost.WebhookPublisher;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The publisher's engine over a {@link JdbcDeliveryStore} on H2, with a scripted transport. */
class PublisherOverJdbcStoreTest {
  @TempDir
  Path dir;
  private JdbcDataSource dataSource;
  private Connection keepOpen;
  private JdbcDeliveryStore store;
  /** Statuses the transport answers with, in order; 200 once they run out. */
  private final Queue<Integer> answers = new ConcurrentLinkedQueue<>();
  private final Queue<TransportRequest> sent = new ConcurrentLinkedQueue<>();
  /** The publisher's threads, ours so the test can wait for them to stop before the database closes. */
  private final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2);
  private WebhookPublisher publisher;

  @BeforeEach
  void start() throws Exception {
    dataSource = new JdbcDataSource();
    dataSource.setURL("jdbc:h2:file:" + dir.resolve("outbox").toAbsolutePath());
    keepOpen = dataSource.getConnection();
    store = JdbcDeliveryStore.create(dataSource);
    Transport transport = request -> {
      sent.add(request);
      Integer status = answers.poll();
      return CompletableFuture.completedFuture(TransportResponse.of(status == null ? 200 : status));
    };
    publisher = WebhookPublisher.builder()
        .transport(transport)
        .store(store)
        .scheduler(scheduler)
        .pollInterval(Duration.ofMillis(20))
        .retryPolicy(RetryPolicy.fixedSchedule(Duration.ofMillis(50), Duration.ofMillis(50)))
        .subscription(Subscription.builder().id("shipping").endpoint("https://shipping.example.com/hooks")
            .secret("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").eventTypes("order.*").build())
        .build();
  }

  @AfterEach
  void stop() throws Exception {
    publisher.close();
    scheduler.shutdownNow();
    assertThat(scheduler.awaitTermination(10, TimeUnit.SECONDS)).as("publisher threads stopped").isTrue();
    keepOpen.close();
  }

  @Test
  void sentEventIsDeliveredAndItsOutcomeKeptInTheStore() throws Exception {
    List<DeliveryOutcome> outcomes = publisher.send(Event.of("order.created", Map.of("orderId", "A-1")))
        .outcomes().get(10, TimeUnit.SECONDS);

    assertThat(outcomes).singleElement().isInstanceOf(DeliveryOutcome.Delivered.class);
    StoredDelivery d = DeliveryStoreContract.only(store.find(DeliveryQuery.inState(DeliveryState.DELIVERED)));
    assertThat(d.attempts()).isEqualTo(1);
    assertThat(d.lastStatus()).isEqualTo(200);
  }

  @Test
  void failedAttemptsAreRetriedFromTheStoreWithTheSameWebhookId() throws Exception {
    answers.add(503);
    answers.add(503);

    List<DeliveryOutcome> outcomes = publisher.send(Event.of("order.created", Map.of("orderId", "A-1")))
        .outcomes().get(10, TimeUnit.SECONDS);

    assertThat(outcomes).singleElement().isInstanceOfSatisfying(DeliveryOutcome.Delivered.class,
        o -> assertThat(o.attempts()).isEqualTo(3));
    assertThat(sent).extracting(r -> r.headers().get("webhook-id")).hasSize(3).containsOnly(
        sent.peek().headers().get("webhook-id"));
    assertThat(store.history(store.find(DeliveryQuery.inState(DeliveryState.DELIVERED)).get(0).deliveryId()))
        .extracting(a -> a.status()).containsExactly(503, 503, 200);
  }

  @Test
  void eventSentInACommittedTransactionIsDeliveredAndARolledBackOneNever() throws Exception {
    Event kept = Event.of("order.created", Map.of("orderId", "A-1"));
    Event dropped = Event.of("order.created", Map.of("orderId", "A-2"));
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      publisher.send(dropped, c);
      c.rollback();
      publisher.send(kept, c);
      c.commit();
    }

    StoredDelivery delivered = awaitDelivered();

    assertThat(delivered.eventId()).isEqualTo(kept.id());
    Thread.sleep(200); // a few more polls: the rolled-back event must not appear
    assertThat(sent).hasSize(1);
    assertThat(store.find(DeliveryQuery.inState(DeliveryState.PENDING, DeliveryState.DELIVERED))).hasSize(1);
  }

  private StoredDelivery awaitDelivered() throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < deadline) {
      List<StoredDelivery> done = store.find(DeliveryQuery.inState(DeliveryState.DELIVERED));
      if (!done.isEmpty()) {
        return done.get(0);
      }
      Thread.sleep(20);
    }
    throw new AssertionError("nothing was delivered within 10 s; pending: "
        + store.find(DeliveryQuery.inState(DeliveryState.PENDING)));
  }
}
