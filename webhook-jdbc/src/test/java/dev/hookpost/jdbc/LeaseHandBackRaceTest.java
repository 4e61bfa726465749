package dev.hookpost.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hookpost.Event;
import dev.hookpost.RetryPolicy;
import dev.hookpost.Subscription;
import dev.hookpost.WebhookPublisher;
import dev.hookpost.spi.AttemptRecord;
import dev.hookpost.spi.DeliveryQuery;
import dev.hookpost.spi.DeliveryState;
import dev.hookpost.spi.DeliveryStore;
import dev.hookpost.spi.StoredDelivery;
import dev.hookpost.spi.TransportResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A publisher that lets go of a claim (a retry, a hand-back) and claims the same delivery again
 * before the store recorded the release must still hold the lease of its new claim: otherwise
 * another instance claims and sends the delivery while this one sends it too, the duplicate
 * {@code TwoInstancesTest} sometimes sees. The store here stalls that one release until the
 * publisher's dispatcher claimed the delivery again, which on a busy machine happens by itself.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LeaseHandBackRaceTest {
  private static final Duration LEASE = Duration.ofSeconds(2);
  /** Long enough that the publisher does not claim the retry itself before the test looks. */
  private static final Duration RETRY_DELAY = Duration.ofMillis(3_500);

  @TempDir
  Path dir;

  @Test
  void deliveryClaimedAgainWhileItsRetryIsRecordedCannotBeClaimedByAnotherInstanceWhileItIsSent() throws Exception {
    SteppingClock clock = new SteppingClock();
    JdbcDataSource dataSource = new JdbcDataSource();
    dataSource.setURL("jdbc:h2:file:" + dir.resolve("outbox").toAbsolutePath());
    ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2);
    BlockingQueue<CompletableFuture<TransportResponse>> requests = new LinkedBlockingQueue<>();
    try (Connection keepOpen = dataSource.getConnection()) {
      JdbcDeliveryStore jdbc = JdbcDeliveryStore.builder(dataSource).clock(clock).build();
      // The first retry it records waits until the lease ran out and the publisher claimed the delivery again.
      StallingStore store = new StallingStore(jdbc, () -> clock.step(LEASE.plusSeconds(1)));
      WebhookPublisher publisher = WebhookPublisher.builder()
          .store(store)
          .clock(clock)
          .scheduler(scheduler)
          .lease(LEASE)
          .pollInterval(Duration.ofMillis(20))
          .retryPolicy(RetryPolicy.fixedSchedule(RETRY_DELAY))
          .transport(request -> {
            CompletableFuture<TransportResponse> answer = new CompletableFuture<>();
            requests.add(answer);
            return answer;
          })
          .subscription(Subscription.builder().id("shipping").endpoint("https://shipping.example.com/hooks")
              .secret("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").build())
          .build();
      try {
        publisher.send(Event.of("order.created", Map.of("orderId", "A-1")));
        CompletableFuture<TransportResponse> first = requests.poll(10, TimeUnit.SECONDS);
        assertThat(first).as("first attempt sent").isNotNull();

        awaitDependents(first); // so that completing it runs the engine's callback here, not on its dispatcher
        first.complete(TransportResponse.of(503)); // records the retry, on this thread, through the stall
        assertThat(store.stalled.await(10, TimeUnit.SECONDS)).as("the retry was recorded").isTrue();
        assertThat(store.claimedAgain).as("the publisher claimed the delivery again while its retry was recorded")
            .isTrue();
        boolean sendingAgain = requests.poll(1, TimeUnit.SECONDS) != null;
        int held = EngineCaches.of(publisher)[1];

        // Due by then (the retry), and within the lease of the publisher's new claim, if it sends it again.
        Instant later = store.retryDueAt.plusMillis(500);
        List<StoredDelivery> claimedByB = jdbc.claim(later, 10, LEASE, "instance-b");
        assertThat(sendingAgain && !claimedByB.isEmpty())
            .as("another instance claimed %s while this publisher sends it again (claims held: %d)",
                claimedByB, held)
            .isFalse();
      } finally {
        requests.forEach(r -> r.complete(TransportResponse.of(204)));
        publisher.shutdown(Duration.ZERO);
        scheduler.shutdownNow();
        scheduler.awaitTermination(10, TimeUnit.SECONDS);
      }
    }
  }

  private static void awaitDependents(CompletableFuture<?> future) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (future.getNumberOfDependents() == 0 && System.nanoTime() < deadline) {
      Thread.sleep(1);
    }
    assertThat(future.getNumberOfDependents()).as("callbacks waiting for the attempt's answer").isPositive();
  }

  /** The system clock, stepped forward by the test. */
  private static final class SteppingClock extends Clock {
    private volatile Duration offset = Duration.ZERO;

    void step(Duration by) {
      offset = offset.plus(by);
    }

    @Override
    public Instant instant() {
      return Instant.now().plus(offset);
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      throw new UnsupportedOperationException();
    }
  }

  /**
   * A {@link JdbcDeliveryStore} whose first {@code retry} moves the clock past the lease and
   * waits (up to 5 s) until that delivery was claimed again before recording it.
   */
  private static final class StallingStore implements DeliveryStore {
    private final JdbcDeliveryStore store;
    private final Runnable expireLease;
    private final BlockingQueue<String> claimed = new LinkedBlockingQueue<>();
    final CountDownLatch stalled = new CountDownLatch(1);
    volatile Instant retryDueAt;
    volatile boolean claimedAgain;

    StallingStore(JdbcDeliveryStore store, Runnable expireLease) {
      this.store = store;
      this.expireLease = expireLease;
    }

    @Override
    public List<StoredDelivery> claim(Instant now, int limit, Duration lease, String owner) {
      List<StoredDelivery> out = store.claim(now, limit, lease, owner);
      out.forEach(d -> claimed.add(d.deliveryId()));
      return out;
    }

    @Override
    public boolean retry(String deliveryId, String owner, AttemptRecord attempt, Instant firstAttemptAt,
        Instant nextAttemptAt) {
      if (stalled.getCount() > 0) {
        retryDueAt = nextAttemptAt;
        claimed.clear();
        expireLease.run();
        try {
          long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
          for (String c; (c = claimed.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS)) != null; ) {
            if (c.equals(deliveryId)) {
              claimedAgain = true;
              break;
            }
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        try {
          return store.retry(deliveryId, owner, attempt, firstAttemptAt, nextAttemptAt);
        } finally {
          stalled.countDown();
        }
      }
      return store.retry(deliveryId, owner, attempt, firstAttemptAt, nextAttemptAt);
    }

    @Override
    public List<String> enqueue(String eventId, String eventType, byte[] payload, List<String> subscriptionIds,
        Instant dueAt) {
      return store.enqueue(eventId, eventType, payload, subscriptionIds, dueAt);
    }

    @Override
    public Optional<Instant> nextDue() {
      return store.nextDue();
    }

    @Override
    public boolean finish(String deliveryId, String owner, DeliveryState state, AttemptRecord attempt,
        Instant firstAttemptAt, String reason) {
      return store.finish(deliveryId, owner, state, attempt, firstAttemptAt, reason);
    }

    @Override
    public List<StoredDelivery> find(DeliveryQuery query) {
      return store.find(query);
    }

    @Override
    public List<StoredDelivery> lookup(Collection<String> deliveryIds) {
      return store.lookup(deliveryIds);
    }

    @Override
    public List<StoredDelivery> ended(Collection<String> deliveryIds) {
      return store.ended(deliveryIds);
    }

    @Override
    public int countFailing(String subscriptionId) {
      return store.countFailing(subscriptionId);
    }

    @Override
    public List<AttemptRecord> history(String deliveryId) {
      return store.history(deliveryId);
    }

    @Override
    public List<StoredDelivery> skipPending(String subscriptionId, String reason, Instant now) {
      return store.skipPending(subscriptionId, reason, now);
    }

    @Override
    public int requeue(DeliveryQuery query, Instant dueAt) {
      return store.requeue(query, dueAt);
    }

    @Override
    public int purge(Instant olderThan) {
      return store.purge(olderThan);
    }

    @Override
    public boolean durable() {
      return true;
    }
  }
}
