package dev.hookpost.benchmarks;

import dev.hookpost.jdbc.JdbcDeliveryStore;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;

/**
 * What instant pickup costs a transactional enqueue: N threads, each on a connection of its own,
 * enqueue one event (one subscription, 1 KiB) in their transaction and commit, in a loop, three
 * ways: {@code off} (a store with {@code instantPickup(false)}), {@code in-tx} (the same store,
 * plus a {@code pg_notify} in the transaction: the obvious design, not the library's), and
 * {@code store} (the default store: it notifies after the commit, see {@code PostgresAnnouncer}).
 * Windows of 2 s taken in turn, the order rotated every round. PostgreSQL embedded, with
 * {@code fsync} and {@code synchronous_commit} on. Nobody listens: this is the writers' cost.
 *
 * <pre>
 * java -cp benchmarks/target/classes:$(cat benchmarks/target/classpath.txt) dev.hookpost.benchmarks.NotifyCost 1,8 5
 * </pre>
 */
public final class NotifyCost {
  private static final long WINDOW_NANOS = 2_000_000_000L;
  private static final byte[] PAYLOAD = "x".repeat(1024).getBytes(StandardCharsets.UTF_8);
  private static final AtomicLong IDS = new AtomicLong();

  private NotifyCost() {}

  public static void main(String[] args) throws Exception {
    int[] threads = Arrays.stream((args.length > 0 ? args[0] : "1,8").split(",")).mapToInt(Integer::parseInt).toArray();
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    try (EmbeddedPostgres pg = EmbeddedPostgres.builder().setServerConfig("synchronous_commit", "on")
        .setServerConfig("fsync", "on").start()) {
      DataSource ds = pg.getPostgresDatabase();
      JdbcDeliveryStore quiet = JdbcDeliveryStore.builder(ds).tablePrefix("quiet_").instantPickup(false).build();
      JdbcDeliveryStore announcing = JdbcDeliveryStore.builder(ds).tablePrefix("announced_").build();
      String[] sides = {"off", "in-tx", "store"};
      for (int n : threads) {
        for (String side : sides) {
          window(side, quiet, announcing, ds, n); // warm-up, not counted
        }
        List<List<Double>> rates = List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
        for (int r = 0; r < rounds; r++) {
          for (int k = 0; k < sides.length; k++) {
            int side = (k + r) % sides.length;
            rates.get(side).add(window(sides[side], quiet, announcing, ds, n));
          }
        }
        double base = median(rates.get(0));
        StringBuilder line = new StringBuilder("RESULT threads=" + n + " events/s");
        for (int k = 0; k < sides.length; k++) {
          line.append(String.format("; %s %s median %.0f (%.2fx off)", sides[k], rounded(rates.get(k)),
              median(rates.get(k)), median(rates.get(k)) / base));
        }
        System.out.println(line);
      }
    }
    System.exit(0);
  }

  /** Events/s of {@code n} threads enqueuing one event per transaction for one window. */
  private static double window(String side, JdbcDeliveryStore quiet, JdbcDeliveryStore announcing, DataSource ds,
      int n) throws Exception {
    JdbcDeliveryStore store = side.equals("store") ? announcing : quiet;
    boolean notifyInTransaction = side.equals("in-tx");
    AtomicBoolean stop = new AtomicBoolean();
    AtomicLong done = new AtomicLong();
    CountDownLatch ready = new CountDownLatch(n);
    CountDownLatch finished = new CountDownLatch(n);
    for (int t = 0; t < n; t++) {
      Thread th = new Thread(() -> {
        try (Connection c = ds.getConnection()) {
          c.setAutoCommit(false);
          ready.countDown();
          while (!stop.get()) {
            store.enqueue(c, "evt_" + IDS.incrementAndGet(), "order.created", PAYLOAD, List.of("s"), Instant.now());
            if (notifyInTransaction) {
              try (Statement st = c.createStatement()) {
                st.execute("SELECT pg_notify('quiet_deliveries', '')");
              }
            }
            c.commit();
            done.incrementAndGet();
          }
        } catch (Exception e) {
          e.printStackTrace();
        } finally {
          finished.countDown();
        }
      });
      th.start();
    }
    ready.await();
    long from = done.get();
    long start = System.nanoTime();
    Thread.sleep(WINDOW_NANOS / 1_000_000);
    long count = done.get() - from;
    double seconds = (System.nanoTime() - start) / 1e9;
    stop.set(true);
    finished.await();
    return count / seconds;
  }

  private static double median(List<Double> xs) {
    List<Double> s = new ArrayList<>(xs);
    s.sort(null);
    return s.get(s.size() / 2);
  }

  private static String rounded(List<Double> xs) {
    return xs.stream().map(x -> String.valueOf(Math.round(x))).toList().toString();
  }
}
