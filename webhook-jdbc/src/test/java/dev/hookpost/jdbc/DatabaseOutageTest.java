package dev.hookpost.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hookpost.Subscription;
import dev.hookpost.WebhookException;
import dev.hookpost.WebhookPublisher;
import dev.hookpost.spi.Transport;
import dev.hookpost.spi.TransportResponse;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 18, item 5: PostgreSQL stops for 10 s (a real stop and start on the same data directory
 * and port) while 10,000 events are being sent and delivered. A send while the database is away
 * fails fast with {@link WebhookException} (nothing was stored, the application may send again);
 * every send that returned is delivered; the publisher recovers by itself, without a restart:
 * its pooled connections, its claims and its listener for new deliveries come back.
 */
// 25 to 45 s on a busy 2-core machine; 82 s once with the load average at 48: the timeout is only a guard
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class DatabaseOutageTest {
  private static final int EVENTS = 10_000;
  private static final int PRELOADED = 7_000;
  private static final int SENDERS = 4;
  private static final Duration OUTAGE = Duration.ofSeconds(10);

  @TempDir
  Path dir;

  private final Set<String> delivered = ConcurrentHashMap.newKeySet();
  private final AtomicInteger requests = new AtomicInteger();
  /** Slow until the database is back, so that most events are still pending or on the wire when it stops. */
  private volatile long answerMillis = 200;

  @Test
  void sendsFailFastWhileTheDatabaseIsDownAndEveryAcceptedEventIsDeliveredAfterIt() throws Exception {
    long t0 = System.nanoTime();
    int port = freePort();
    Database db = new Database(dir.resolve("data"), port);
    db.start();
    long started = System.nanoTime();
    DataSource unpooled = CrashChild.dataSource("jdbc:postgresql://localhost:" + port + "/postgres", "postgres", "");
    ExecutorService senders = Executors.newFixedThreadPool(SENDERS);
    try (PooledDataSource pool = new PooledDataSource(unpooled, 16)) {
      JdbcDeliveryStore store = JdbcDeliveryStore.builder(pool).tablePrefix("outage_").build();
      WebhookPublisher publisher = WebhookPublisher.builder().store(store).transport(counting())
          .lease(Duration.ofSeconds(5)).maxConcurrencyPerEndpoint(32)
          .subscription(Subscription.builder().id("s").endpoint("https://example.com/hook")
              .secret("whsec_" + java.util.Base64.getEncoder().encodeToString(new byte[24])).build())
          .build();
      Set<String> accepted = ConcurrentHashMap.newKeySet();
      // In flight when the database stops: most events, enqueued by the application's own
      // transactions (100 per commit, as an outbox would), being delivered...
      for (int from = 0; from < PRELOADED; from += 100) {
        try (Connection tx = pool.getConnection()) {
          tx.setAutoCommit(false);
          for (int i = from; i < from + 100; i++) {
            publisher.send(CrashChild.event("evt_", i), tx);
          }
          tx.commit();
        }
        for (int i = from; i < from + 100; i++) {
          accepted.add("evt_" + i);
        }
      }
      long preloaded = System.nanoTime();
      // ...and the rest sent one by one, from several threads, before, during and after the outage.
      AtomicInteger refused = new AtomicInteger();
      AtomicLong slowestRefusalNanos = new AtomicLong();
      AtomicInteger next = new AtomicInteger(PRELOADED);
      List<Future<?>> sending = new ArrayList<>();
      for (int t = 0; t < SENDERS; t++) {
        sending.add(senders.submit(() -> {
          for (int i; (i = next.getAndIncrement()) < EVENTS; ) {
            while (true) {
              long start = System.nanoTime();
              try {
                publisher.send(CrashChild.event("evt_", i));
                accepted.add("evt_" + i);
                break;
              } catch (WebhookException e) {
                slowestRefusalNanos.accumulateAndGet(System.nanoTime() - start, Math::max);
                refused.incrementAndGet();
                Thread.sleep(100); // the application backs off, then sends the same event again
              }
            }
          }
          return null;
        }));
      }

      awaitAtLeast(accepted, PRELOADED + 200, Duration.ofSeconds(30));
      int acceptedBeforeStop = accepted.size();
      int deliveredBeforeStop = delivered.size();
      long stopping = System.nanoTime();
      db.stop();
      Thread.sleep(OUTAGE.toMillis()); // the outage itself, not a wait for a race
      long restarting = System.nanoTime();
      db.start();
      answerMillis = 1;
      long restarted = System.nanoTime();
      for (Future<?> f : sending) {
        f.get(60, TimeUnit.SECONDS);
      }
      long sent = System.nanoTime();
      awaitAtLeast(delivered, EVENTS, Duration.ofSeconds(60));
      long done = System.nanoTime();
      System.out.printf("outage test phases (s): start database %.1f, enqueue %d in transactions %.1f, send 200 more"
          + " %.1f, stop + outage %.1f, restart %.1f, send the rest %.1f, deliver the rest %.1f%n", (started - t0) / 1e9,
          PRELOADED, (preloaded - started) / 1e9, (stopping - preloaded) / 1e9, (restarting - stopping) / 1e9,
          (restarted - restarting) / 1e9, (sent - restarted) / 1e9, (done - sent) / 1e9);
      System.out.printf("database stopped for %s with %d events accepted, %d delivered: %d sends refused (slowest"
              + " refusal %d ms), all %d events delivered in %d requests%n", OUTAGE, acceptedBeforeStop,
          deliveredBeforeStop, refused.get(), slowestRefusalNanos.get() / 1_000_000, EVENTS, requests.get());

      assertThat(deliveredBeforeStop).as("events delivered before the stop: the rest were in flight")
          .isLessThan(acceptedBeforeStop);
      assertThat(refused.get()).as("sends refused while the database was down").isPositive();
      assertThat(Duration.ofNanos(slowestRefusalNanos.get())).as("the slowest refused send")
          .isLessThan(Duration.ofSeconds(10));
      assertThat(accepted).as("accepted sends").hasSize(EVENTS);
      assertThat(delivered).as("delivered events: every accepted one").containsAll(accepted);
      assertThat(requests.get() - EVENTS).as("requests sent twice: only attempts whose result could not be recorded,"
          + " at most the claims held at the stop (maxInFlight)").isLessThanOrEqualTo(1_024);
      assertThat(store.count(dev.hookpost.spi.DeliveryQuery.inState(dev.hookpost.spi.DeliveryState.PENDING)))
          .as("pending deliveries left").isZero();
      publisher.close();
    } finally {
      senders.shutdownNow();
      db.stop();
    }
  }

  /** Answers 204 {@link #answerMillis} later, on another thread, and counts what arrived. */
  private Transport counting() {
    return request -> {
      requests.incrementAndGet();
      String id = request.header("webhook-id");
      return CompletableFuture.supplyAsync(() -> {
        delivered.add(id);
        return TransportResponse.of(204);
      }, CompletableFuture.delayedExecutor(answerMillis, TimeUnit.MILLISECONDS));
    };
  }

  private static void awaitAtLeast(Set<String> set, int n, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (set.size() < n && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertThat(set.size()).as("reached within %s", timeout).isGreaterThanOrEqualTo(n);
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  /** An embedded PostgreSQL that can stop and start again on the same data directory and port. */
  private static final class Database {
    private final Path data;
    private final int port;
    private EmbeddedPostgres running;

    Database(Path data, int port) {
      this.data = data;
      this.port = port;
    }

    void start() throws IOException {
      running = EmbeddedPostgres.builder().setDataDirectory(data).setCleanDataDirectory(false).setPort(port)
          .setPGStartupWait(Duration.ofSeconds(30)).start();
    }

    void stop() throws IOException {
      if (running != null) {
        running.close();
        running = null;
      }
    }
  }
}
