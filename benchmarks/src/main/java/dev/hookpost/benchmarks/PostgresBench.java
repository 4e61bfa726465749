package dev.hookpost.benchmarks;

import com.sun.management.OperatingSystemMXBean;
import com.zaxxer.hikari.HikariDataSource;
import dev.hookpost.Event;
import dev.hookpost.RetryPolicy;
import dev.hookpost.WebhookPublisher;
import dev.hookpost.jdbc.JdbcDeliveryStore;
import java.lang.management.ManagementFactory;
import java.lang.reflect.Method;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The PostgreSQL store's figures (issue 18), against a real PostgreSQL that {@code postgres.sh}
 * starts ({@code -Dpg.url}, {@code -Dpg.pid}) and nginx answering 204 ({@code -Durl}). One figure
 * group per JVM, both sides in it, windows taken in turn ({@link Windows}); every JVM starts from
 * empty tables. Prints {@code RESULT} lines ({@code -Dround=N}) for {@link PostgresReport}.
 *
 * <pre>
 * PostgresBench settings
 * PostgresBench stored THREADS,... WARMUP WINDOWS SECONDS     send, transactional send, hand-written INSERTs
 * PostgresBench delivered WARMUP WINDOWS SECONDS              end to end, PostgreSQL and in-memory stores, CPU
 * PostgresBench size EVENTS SENDS AUTOVACUUM_SECONDS          table size after EVENTS and a purge; pickup latency
 * </pre>
 */
public final class PostgresBench {
  /** Sending threads of the end-to-end figures, and the events they keep unfinished. */
  static final int SENDERS = 8;
  static final int UNFINISHED = 512;
  /** Attempts in flight to nginx in the end-to-end figures. */
  static final int PER_ENDPOINT = 32;
  /** Deliveries per call of the scheduled purge, where the store has one. */
  static final int PURGE_BATCH = 500;

  private PostgresBench() {}

  public static void main(String[] args) {
    try {
      switch (args[0]) {
        case "settings" -> settings();
        case "stored" -> stored(Arrays.stream(args[1].split(",")).mapToInt(Integer::parseInt).toArray(),
            Integer.parseInt(args[2]), Integer.parseInt(args[3]), Double.parseDouble(args[4]));
        case "delivered" -> delivered(Integer.parseInt(args[1]), Integer.parseInt(args[2]),
            Double.parseDouble(args[3]));
        case "size" -> size(Long.parseLong(args[1]), Integer.parseInt(args[2]), Integer.parseInt(args[3]));
        default -> throw new IllegalArgumentException("unknown figure " + args[0]);
      }
    } catch (Throwable e) {
      e.printStackTrace();
      System.exit(1);
    }
    System.exit(0);
  }

  static void settings() throws Exception {
    try (HikariDataSource ds = PgServer.pool("settings", 1)) {
      PgServer.settings(ds).forEach((k, v) -> System.out.println("SETTING " + k + "=" + v));
    }
  }

  static Event event(int n) {
    return Event.of("order.created", Payloads.oneKib(n));
  }

  /**
   * Figures 1 and 2: events/s stored by {@code send} and by a transactional
   * {@code send(event, connection)} + commit, against hand-written INSERTs (one per commit, 100
   * per commit), at each number of sending threads. The publisher runs with delivery held back
   * (its one slot taken by an attempt that never ends), so that the figure is the write path
   * alone, as the hand-written side's is; end to end is {@link #delivered}'s figure.
   */
  static void stored(int[] threads, int warmup, int windows, double seconds) throws Exception {
    try (HikariDataSource ds = PgServer.pool("bench", 80)) {
      PgServer.dropTables(ds);
      JdbcDeliveryStore store = JdbcDeliveryStore.create(ds);
      OutboxBaseline outbox = new OutboxBaseline(ds);
      Windows w = new Windows();
      try (WebhookPublisher p = WebhookPublisher.builder().store(store)
          .transport(r -> new CompletableFuture<>()) // never answers: delivery held back
          .subscription(HttpBench.sub(System.getProperty("url"), "bench")).maxInFlight(1)
          .retryPolicy(RetryPolicy.none()).shutdownTimeout(Duration.ofMillis(100)).build()) {
        Map<String, Windows.Op> sides = new LinkedHashMap<>();
        sides.put("send", n -> {
          p.send(event(n));
          return 1;
        });
        sides.put("tx-send", n -> {
          try (Connection c = ds.getConnection()) {
            c.setAutoCommit(false);
            p.send(event(n), c);
            c.commit();
          }
          return 1;
        });
        sides.put("jdbc-1", outbox::insertOne);
        sides.put("jdbc-100", outbox::insertHundred);
        for (Map.Entry<String, Windows.Op> side : sides.entrySet()) {
          long t0 = System.nanoTime();
          w.warmUp(side.getValue(), 32, warmup);
          System.err.printf("warm-up %s: %d events in %.1f s%n", side.getKey(), warmup, (System.nanoTime() - t0) / 1e9);
        }
        for (int n : threads) {
          w.inTurn(sides, n, windows, seconds, 0.3).forEach((side, tally) ->
              HttpBench.result("stored-" + n, side, String.format(Locale.ROOT, "%.1f", tally.rate())));
        }
        System.err.println("deliveries claimed meanwhile (held back): " + PgServer.rows(ds,
            "hookpost_deliveries WHERE lease_owner IS NOT NULL"));
      } finally {
        w.close();
      }
    }
  }

  /**
   * Figure 3: events/s delivered end to end (stored, claimed, POSTed to nginx, recorded) by a
   * publisher on the PostgreSQL store and one on the in-memory store, in one JVM, windows taken in
   * turn; and the CPU per delivered event: this JVM's ({@code getProcessCpuTime}) and
   * PostgreSQL's processes' ({@code /proc}). Each window starts its side's senders, lets them run
   * 0.5 s untimed, measures, then stops them and lets every event end before the next window.
   */
  static void delivered(int warmup, int windows, double seconds) throws Exception {
    String url = System.getProperty("url");
    try (HikariDataSource ds = PgServer.pool("bench", 40)) {
      PgServer.dropTables(ds);
      JdbcDeliveryStore store = JdbcDeliveryStore.create(ds);
      try (WebhookPublisher memory = HttpBench.publisherBuilder(List.of(HttpBench.sub(url, "bench")), PER_ENDPOINT)
              .build();
          WebhookPublisher postgres = HttpBench.publisherBuilder(List.of(HttpBench.sub(url, "bench")), PER_ENDPOINT)
              .store(store).build()) {
        Map<String, DeliveryLoad> sides = new LinkedHashMap<>();
        sides.put("postgresql", new DeliveryLoad(postgres, SENDERS, UNFINISHED));
        sides.put("memory", new DeliveryLoad(memory, SENDERS, UNFINISHED));
        // -Dsides=postgresql measures one side alone (e.g. to profile it with EXTRA_JVM's JFR recording).
        sides.keySet().retainAll(List.of(System.getProperty("sides", "postgresql,memory").split(",")));
        for (Map.Entry<String, DeliveryLoad> side : sides.entrySet()) {
          long t0 = System.nanoTime();
          side.getValue().runToEnd(warmup, 300);
          System.err.printf("warm-up %s: %d events delivered in %.1f s%n", side.getKey(), warmup,
              (System.nanoTime() - t0) / 1e9);
        }
        OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        List<String> names = List.copyOf(sides.keySet());
        Map<String, double[]> tally = new LinkedHashMap<>(); // delivered, seconds, JVM CPU ns, PostgreSQL CPU ns
        names.forEach(n -> tally.put(n, new double[4]));
        for (int round = 0; round < windows; round++) {
          for (int i = 0; i < names.size(); i++) {
            String name = names.get((i + round) % names.size());
            DeliveryLoad load = sides.get(name);
            load.start(Long.MAX_VALUE);
            Thread.sleep(500);
            long d0 = load.delivered();
            long t0 = System.nanoTime();
            long jvm0 = os.getProcessCpuTime();
            long pg0 = PgServer.cpuNanos();
            Thread.sleep((long) (seconds * 1000));
            long d1 = load.delivered();
            long t1 = System.nanoTime();
            long jvm1 = os.getProcessCpuTime();
            long pg1 = PgServer.cpuNanos();
            load.stopAndDrain(120);
            double[] t = tally.get(name);
            t[0] += d1 - d0;
            t[1] += (t1 - t0) / 1e9;
            t[2] += jvm1 - jvm0;
            t[3] += pg1 - pg0;
            System.err.printf("  window %s: %.0f delivered/s, CPU per event: JVM %.0f us, PostgreSQL %.0f us%n", name,
                (d1 - d0) / ((t1 - t0) / 1e9), (jvm1 - jvm0) / 1e3 / (d1 - d0), (pg1 - pg0) / 1e3 / (d1 - d0));
          }
        }
        tally.forEach((name, t) -> {
          HttpBench.result("delivered-per-s", name, String.format(Locale.ROOT, "%.1f", t[0] / t[1]));
          HttpBench.result("cpu-us-per-delivered", name, String.format(Locale.ROOT, "%.1f", (t[2] + t[3]) / 1e3 / t[0]));
          HttpBench.result("jvm-cpu-us-per-delivered", name, String.format(Locale.ROOT, "%.1f", t[2] / 1e3 / t[0]));
          HttpBench.result("pg-cpu-us-per-delivered", name, String.format(Locale.ROOT, "%.1f", t[3] / 1e3 / t[0]));
          long failed = sides.get(name).notDelivered();
          if (failed > 0) {
            System.err.println(name + ": " + failed + " outcome(s) other than Delivered");
          }
        });
      }
    }
  }

  /**
   * Figures 5 then 4: the store's tables and indexes at start (empty), after {@code events}
   * delivered end to end, after a purge of everything ended ({@link #purge}), after autovacuum
   * has vacuumed each of the store's tables since (waiting at most {@code autovacuumSeconds}; 0:
   * not measured), after a plain {@code VACUUM} that this program runs (the store runs none), and
   * after a {@code REINDEX TABLE CONCURRENTLY} of each table (neither);
   * then, with that publisher warm and idle, the pickup latency of {@code sends} events of each
   * kind ({@link Pickup}).
   */
  static void size(long events, int sends, int autovacuumSeconds) throws Exception {
    String url = System.getProperty("url");
    try (HikariDataSource ds = PgServer.pool("bench", 40); HikariDataSource other = PgServer.pool("other", 8)) {
      PgServer.dropTables(ds);
      JdbcDeliveryStore store = JdbcDeliveryStore.create(ds);
      sizeResult("size-start-bytes", ds);
      Pickup.Watching watching = new Pickup.Watching(HttpBench.transport());
      try (WebhookPublisher p = WebhookPublisher.builder().store(store).transport(watching)
          .subscription(HttpBench.sub(url, "bench")).retryPolicy(RetryPolicy.none())
          .maxConcurrencyPerEndpoint(PER_ENDPOINT).build()) {
        DeliveryLoad load = new DeliveryLoad(p, SENDERS, UNFINISHED);
        long t0 = System.nanoTime();
        load.runToEnd(events, 600);
        double s = (System.nanoTime() - t0) / 1e9;
        System.err.printf("size: %d events delivered in %.1f s (%d not delivered)%n", load.delivered(), s,
            load.notDelivered());
        HttpBench.result("size-run-delivered-per-s", "postgresql", String.format(Locale.ROOT, "%.1f", events / s));
        HttpBench.result("size-events", "postgresql", Long.toString(events));
        sizeResult("size-after-delivered-bytes", ds);

        Map<String, Long> vacuumsBefore = PgServer.vacuums(ds);
        Instant cutoff = Instant.now().plusSeconds(1); // everything ended so far is past its retention
        long purgeStart = System.nanoTime();
        String how = purge(store, cutoff);
        double purgeSeconds = (System.nanoTime() - purgeStart) / 1e9;
        System.err.printf("purge: %s in %.1f s%n", how, purgeSeconds);
        HttpBench.result("size-purge-seconds", "postgresql", String.format(Locale.ROOT, "%.2f", purgeSeconds));
        sizeResult("size-after-purge-bytes", ds);
        if (autovacuumSeconds > 0) {
          double waited = PgServer.awaitVacuums(ds, vacuumsBefore, autovacuumSeconds);
          HttpBench.result("size-autovacuum-wait-seconds", "postgresql", String.format(Locale.ROOT, "%.0f", waited));
          sizeResult("size-after-autovacuum-bytes", ds);
        }
        try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
          c.setAutoCommit(true);
          for (String table : PgServer.storeSizes(ds).keySet()) {
            st.execute("VACUUM " + table);
          }
        }
        sizeResult("size-after-vacuum-bytes", ds);
        // What a rebuild of the indexes would give back (the store runs none): VACUUM returns a
        // table's empty tail to the disk, never an index's pages.
        try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
          c.setAutoCommit(true);
          for (String table : PgServer.storeSizes(ds).keySet()) {
            st.execute("REINDEX TABLE CONCURRENTLY " + table);
          }
        }
        sizeResult("size-after-reindex-bytes", ds);

        Pickup.measure(p, watching, ds, other, url, sends);
      }
    }
  }

  /**
   * Deletes every ended delivery before {@code cutoff} the way the store's design does: in the
   * bounded batches of the scheduled purge ({@code purgeEnded(deliveredBefore, deadLettersBefore,
   * limit)}, issue 18, 500 per call as its scheduler asks, without its pauses) where the store has
   * it, else with {@code purge(Instant)}, called until it deletes nothing more; then, as the
   * schedule does after a round, {@code afterPurge} where the store has it, waiting for the
   * compaction it starts. Found by reflection, so that the same harness measures the code before
   * and after. Says which it used.
   */
  static String purge(JdbcDeliveryStore store, Instant cutoff) throws Exception {
    long purged = 0;
    Method batched;
    try {
      batched = store.getClass().getMethod("purgeEnded", Instant.class, Instant.class, int.class);
    } catch (NoSuchMethodException before) {
      for (int k; (k = store.purge(cutoff)) > 0; ) {
        purged += k;
      }
      return purged + " deliveries by purge(Instant)";
    }
    for (int k; (k = (int) batched.invoke(store, cutoff, cutoff, PURGE_BATCH)) > 0; ) {
      purged += k;
    }
    String how = purged + " deliveries by purgeEnded, " + PURGE_BATCH + " per call";
    Method after;
    try {
      after = store.getClass().getMethod("afterPurge", int.class);
    } catch (NoSuchMethodException before) {
      return how;
    }
    // What the schedule does after its round: the store gives the space back on a thread of its own.
    after.invoke(store, (int) Math.min(Integer.MAX_VALUE, purged));
    long t0 = System.nanoTime();
    while (Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().startsWith("hookpost-compact-"))) {
      Thread.sleep(100);
    }
    return how + String.format(Locale.ROOT, ", then afterPurge (its compaction took %.1f s)", (System.nanoTime() - t0) / 1e9);
  }

  private static void sizeResult(String figure, HikariDataSource ds) throws Exception {
    Map<String, Long> sizes = PgServer.storeSizes(ds);
    System.err.println(figure + ": " + sizes + ", deliveries: " + PgServer.rows(ds, "hookpost_deliveries"));
    HttpBench.result(figure, "postgresql", Long.toString(sizes.values().stream().mapToLong(Long::longValue).sum()));
  }
}
