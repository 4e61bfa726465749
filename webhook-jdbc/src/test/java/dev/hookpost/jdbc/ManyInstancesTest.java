package dev.hookpost.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hookpost.DeliveryOutcome;
import dev.hookpost.SendHandle;
import dev.hookpost.Subscription;
import dev.hookpost.WebhookHeaders;
import dev.hookpost.WebhookPublisher;
import dev.hookpost.spi.Transport;
import dev.hookpost.spi.TransportResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Many publisher instances on one database: 20,000 events (by default) sent through two or three instances,
 * each with its own {@link JdbcDeliveryStore} (and connection pool) over the same URL and table
 * prefix, as separate processes would have. Any instance may deliver what another sent; every
 * event must be delivered, every send's handle must complete with {@code Delivered} whichever
 * instance ended its delivery (the engine sweeps deliveries ended elsewhere from the store on
 * each poll), and afterwards no instance may keep anything in memory for them. The test thread
 * is the application: it sends the events in transactions of {@value #PER_TRANSACTION} through
 * {@code send(event, connection)}, one commit each, through each instance in turn.
 *
 * <p>The receiver is {@link InstantReceiver}, a transport that answers 204 at once, not the
 * {@code FakeWebhookReceiver}: 20,000 real HTTP requests per test would spend this 2-core
 * machine's time on HTTP and signature checks (which other tests cover) rather than on what is
 * tested here, the instances sharing the store, and make the module's tests several times
 * slower. The database is the bottleneck: on a busy 2-core machine a test takes 5 to 60 s
 * (PostgreSQL the longest, about 25 to 55 s, mostly one transaction per delivery's end).
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class ManyInstancesTest {
  /**
   * Events per run: 20,000 by default (well past every limit and cache size the test is about);
   * {@code -Dhookpost.manyInstances.events=50000} for a longer run.
   */
  private static final int EVENTS = Integer.getInteger("hookpost.manyInstances.events", 20_000);
  /** Events per application transaction: one commit each. */
  private static final int PER_TRANSACTION = 500;
  private static final Duration POLL = Duration.ofMillis(50);
  /** Longer than the test: no lease expires, so no instance takes over another's claim. */
  private static final Duration LEASE = Duration.ofMinutes(5);
  private static final Duration ALL_DONE_WITHIN = Duration.ofSeconds(180);
  private static final String SUBSCRIPTION = "receiver";
  private static final AtomicInteger TABLES = new AtomicInteger();

  @RegisterExtension
  static final EmbeddedPostgresServer postgres = new EmbeddedPostgresServer();

  @TempDir
  Path dir;

  @Test
  void twoPublishersOnOneH2DatabaseDeliverEveryEventAndCompleteEveryHandle() throws Exception {
    deliverEveryEventThrough(2, h2());
  }

  @Test
  void threePublishersOnOneH2DatabaseDeliverEveryEventAndCompleteEveryHandle() throws Exception {
    deliverEveryEventThrough(3, h2());
  }

  @Test
  void twoPublishersOnOnePostgresDatabaseDeliverEveryEventAndCompleteEveryHandle() throws Exception {
    deliverEveryEventThrough(2, postgres());
  }

  @Test
  void threePublishersOnOnePostgresDatabaseDeliverEveryEventAndCompleteEveryHandle() throws Exception {
    deliverEveryEventThrough(3, postgres());
  }

  /** A file-backed H2 database of this test's own; each call is one more DataSource on it. */
  private Supplier<DataSource> h2() {
    String url = "jdbc:h2:file:" + dir.resolve("outbox").toAbsolutePath();
    return () -> CrashChild.dataSource(url, "", "");
  }

  private static Supplier<DataSource> postgres() {
    return () -> CrashChild.dataSource(postgres.jdbcUrl(), "postgres", "");
  }

  private void deliverEveryEventThrough(int n, Supplier<DataSource> database) throws Exception {
    String prefix = "many" + TABLES.incrementAndGet() + "_";
    InstantReceiver receiver = new InstantReceiver();
    List<Instance> instances = new ArrayList<>();
    try {
      for (int i = 0; i < n; i++) {
        instances.add(new Instance(String.valueOf((char) ('a' + i)), database.get(), prefix, receiver));
      }
      long start = System.nanoTime();
      // The stream, one transaction of PER_TRANSACTION events at a time, through each instance in turn.
      for (int from = 0; from < EVENTS; from += PER_TRANSACTION) {
        instances.get(from / PER_TRANSACTION % n).send(prefix, from, from + PER_TRANSACTION);
      }
      long sent = System.nanoTime();
      List<SendHandle> handles = new ArrayList<>(EVENTS);
      instances.forEach(i -> handles.addAll(i.handles));
      awaitAll(handles, instances, prefix);
      long done = System.nanoTime();
      awaitEmptyCaches(instances);

      Map<String, Long> states = countByState(instances.get(0).dataSource, prefix);
      System.out.printf("%d instances on %s: %d events sent in %d ms, all handles completed after %d ms;"
              + " %d requests (%d duplicates), %d delivered by an instance other than the sender;"
              + " attempts per instance %s%n", n, instances.get(0).store, EVENTS, millis(sent - start),
          millis(done - start), receiver.requests.get(), receiver.requests.get() - receiver.senders.size(),
          crossDelivered(instances, receiver), instances.stream().map(i -> i.name + "=" + i.attempts.get())
              .collect(Collectors.joining(", ")));

      for (SendHandle h : handles) {
        assertThat(h.outcomes().getNow(null)).as("outcomes of %s", h).singleElement()
            .isInstanceOf(DeliveryOutcome.Delivered.class);
      }
      assertThat(receiver.senders.keySet()).as("event ids that reached the receiver")
          .hasSize(EVENTS).allMatch(id -> id.startsWith(prefix));
      assertThat(states).as("stored deliveries by state").isEqualTo(Map.of("DELIVERED", (long) EVENTS));
      assertThat(count(instances.get(0).dataSource, prefix + "events")).as("stored events").isEqualTo(EVENTS);
      assertThat(crossDelivered(instances, receiver)).as("events delivered by an instance other than the sender")
          .isPositive();
      for (Instance i : instances) {
        assertThat(i.cacheSizes()).as("instance %s's waiting handles and held claims", i.name)
            .containsExactly(0, 0);
      }
    } finally {
      for (Instance i : instances) {
        i.close();
      }
    }
  }

  /** One publisher instance: its own pool, store, transport and threads. */
  private static final class Instance implements AutoCloseable {
    final String name;
    final PooledDataSource dataSource;
    final JdbcDeliveryStore store;
    final WebhookPublisher publisher;
    final AtomicInteger attempts = new AtomicInteger();
    /** The events sent through this instance, and their handles (kept, as an application waiting would). */
    final List<String> sentIds = new ArrayList<>();
    final List<SendHandle> handles = new ArrayList<>();
    private final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2);

    Instance(String name, DataSource database, String prefix, InstantReceiver receiver) {
      this.name = name;
      this.dataSource = new PooledDataSource(database, 4);
      this.store = JdbcDeliveryStore.builder(dataSource).tablePrefix(prefix).build();
      this.publisher = WebhookPublisher.builder()
          .store(store)
          .scheduler(scheduler)
          .lease(LEASE)
          .pollInterval(POLL)
          .transport(receiver.transport(name, attempts))
          .subscription(Subscription.builder().id(SUBSCRIPTION).endpoint("https://receiver.example.com/hooks")
              .secret("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").build())
          .build();
    }

    /**
     * Sends events {@code from} to {@code to - 1} in one transaction, as an application's outbox
     * would, and keeps their handles, as an application waiting for them would.
     */
    void send(String prefix, int from, int to) {
      try (Connection tx = dataSource.getConnection()) {
        tx.setAutoCommit(false);
        for (int i = from; i < to; i++) {
          handles.add(publisher.send(CrashChild.event(prefix, i), tx));
          sentIds.add(prefix + i);
        }
        tx.commit();
      } catch (SQLException e) {
        throw new IllegalStateException("sending events " + from + ".." + (to - 1) + " through " + name + " failed", e);
      }
    }

    /** The engine's {waiting handles, held claims}. */
    int[] cacheSizes() {
      return EngineCaches.of(publisher);
    }

    @Override
    public void close() throws InterruptedException {
      publisher.close();
      scheduler.shutdownNow();
      scheduler.awaitTermination(10, TimeUnit.SECONDS);
      dataSource.close();
    }
  }

  /**
   * The endpoint: a transport that answers every request 204 at once, recording which instances
   * sent each {@code webhook-id}.
   */
  static final class InstantReceiver {
    /** Each event id that arrived, with the instances that sent it, in order ("a", or "a,b" for a duplicate). */
    final ConcurrentHashMap<String, String> senders = new ConcurrentHashMap<>();
    final AtomicInteger requests = new AtomicInteger();

    Transport transport(String instance, AtomicInteger attempts) {
      return request -> {
        attempts.incrementAndGet();
        requests.incrementAndGet();
        senders.merge(request.headers().get(WebhookHeaders.ID), instance, (a, b) -> a + "," + b);
        return CompletableFuture.completedFuture(TransportResponse.of(204));
      };
    }
  }

  /**
   * Waits until every handle completed. Fails at once when some never can: no handle completed
   * for a second, every stored delivery ended and no instance waits for any (twice in a row, as a
   * handle completes just after its waiter is taken); else after {@link #ALL_DONE_WITHIN}.
   */
  private static void awaitAll(List<SendHandle> handles, List<Instance> instances, String prefix) throws Exception {
    AtomicInteger completed = new AtomicInteger();
    List<CompletableFuture<List<DeliveryOutcome>>> outcomes = new ArrayList<>(handles.size());
    for (SendHandle h : handles) {
      outcomes.add(h.outcomes().whenComplete((o, e) -> completed.incrementAndGet()));
    }
    CompletableFuture<Void> all = CompletableFuture.allOf(outcomes.toArray(CompletableFuture[]::new));
    long deadline = System.nanoTime() + ALL_DONE_WITHIN.toNanos();
    int before = -1;
    boolean stuckBefore = false;
    while (true) {
      try {
        all.get(1, TimeUnit.SECONDS);
        return;
      } catch (TimeoutException e) {
        // not yet
      }
      int now = completed.get();
      boolean progress = now != before;
      before = now;
      if (progress && System.nanoTime() - deadline < 0) {
        stuckBefore = false;
        continue;
      }
      Map<String, Long> states = countByState(instances.get(0).dataSource, prefix);
      String caches = instances.stream().map(i -> i.name + "=" + Arrays.toString(i.cacheSizes()))
          .collect(Collectors.joining(", "));
      boolean stuck = !states.containsKey("PENDING") && instances.stream().allMatch(i -> i.cacheSizes()[0] == 0);
      String open = (handles.size() - now) + " of " + handles.size() + " handles";
      if (stuck && stuckBefore) {
        throw new AssertionError(open + " never complete: every stored delivery ended " + states
            + " and no instance waits for one any more ({waiting handles, held claims}: " + caches + ")");
      }
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError(open + " still incomplete after " + ALL_DONE_WITHIN + "; stored deliveries by"
            + " state: " + states + "; {waiting handles, held claims}: " + caches);
      }
      stuckBefore = stuck;
    }
  }

  /** Waits a little for the last claims to be let go: a handle completes just before its claim is. */
  private static void awaitEmptyCaches(List<Instance> instances) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    for (Instance i : instances) {
      while (!Arrays.equals(i.cacheSizes(), new int[] {0, 0}) && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
    }
  }

  /** How many events reached the receiver first from an instance other than the one that sent them. */
  private static long crossDelivered(List<Instance> instances, InstantReceiver receiver) {
    long n = 0;
    for (Instance i : instances) {
      for (String id : i.sentIds) {
        String by = receiver.senders.get(id);
        if (by != null && !by.startsWith(i.name)) {
          n++;
        }
      }
    }
    return n;
  }

  private static Map<String, Long> countByState(DataSource dataSource, String prefix) throws SQLException {
    Map<String, Long> out = new TreeMap<>();
    try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT state, COUNT(*) FROM " + prefix + "deliveries GROUP BY state")) {
      while (rs.next()) {
        out.put(rs.getString(1), rs.getLong(2));
      }
    }
    return out;
  }

  private static long count(DataSource dataSource, String table) throws SQLException {
    try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM " + table)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static long millis(long nanos) {
    return TimeUnit.NANOSECONDS.toMillis(nanos);
  }
}
