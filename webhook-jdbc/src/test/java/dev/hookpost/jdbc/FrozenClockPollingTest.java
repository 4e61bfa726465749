package dev.hookpost.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hookpost.DeliveryOutcome;
import dev.hookpost.Event;
import dev.hookpost.SendHandle;
import dev.hookpost.Subscription;
import dev.hookpost.WebhookPublisher;
import dev.hookpost.spi.TransportResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A publisher over a durable store polls it every {@code pollInterval} of real time, whatever
 * its clock says: a transactional send wakes nobody, so a publisher that stopped polling would
 * never deliver it. Here the publisher's clock stands still (a test's fake clock), while its
 * scheduler runs in real time.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class FrozenClockPollingTest {
  @TempDir
  Path dir;

  @Test
  void publisherWhoseClockStandsStillKeepsPollingAndDeliversACommittedSend() throws Exception {
    MutableClock clock = new MutableClock(Instant.now().truncatedTo(ChronoUnit.MILLIS));
    JdbcDataSource dataSource = new JdbcDataSource();
    dataSource.setURL("jdbc:h2:file:" + dir.resolve("outbox").toAbsolutePath());
    ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2);
    try (Connection keepOpen = dataSource.getConnection()) {
      WebhookPublisher publisher = WebhookPublisher.builder()
          .store(JdbcDeliveryStore.builder(dataSource).clock(clock).build())
          .clock(clock)
          .scheduler(scheduler)
          .pollInterval(Duration.ofMillis(20))
          .transport(request -> CompletableFuture.completedFuture(TransportResponse.of(204)))
          .subscription(Subscription.builder().id("shipping").endpoint("https://shipping.example.com/hooks")
              .secret("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").build())
          .build();
      try {
        Thread.sleep(200); // ten polls of real time: the publisher has settled into polling
        SendHandle handle;
        try (Connection c = dataSource.getConnection()) {
          c.setAutoCommit(false);
          handle = publisher.send(Event.of("order.created", Map.of("orderId", "A-1")), c);
          c.commit();
        }

        List<DeliveryOutcome> outcomes = handle.outcomes().completeOnTimeout(null, 5, TimeUnit.SECONDS).get();
        assertThat(outcomes).as("outcomes within 5 s (100 polls)").isNotNull()
            .singleElement().isInstanceOf(DeliveryOutcome.Delivered.class);
      } finally {
        publisher.shutdown(Duration.ZERO);
        scheduler.shutdownNow();
        scheduler.awaitTermination(10, TimeUnit.SECONDS);
      }
    }
  }
}
