package dev.hookpost.benchmarks;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import javax.sql.DataSource;

/**
 * The PostgreSQL server {@code postgres.sh} started, as {@link PostgresBench} sees it: pooled
 * connections ({@code -Dpg.url}), its settings, the size of the store's tables, and the CPU its
 * processes used ({@code -Dpg.pid}, the postmaster, read from {@code /proc}).
 */
final class PgServer {
  /** The settings printed with every run: what makes a commit durable, and what sizes the server. */
  static final String[] SETTINGS = {"server_version", "fsync", "synchronous_commit", "full_page_writes",
      "wal_sync_method", "shared_buffers", "wal_level", "max_wal_size", "checkpoint_timeout", "autovacuum",
      "max_connections", "data_checksums"};
  /** The store's tables (and, through pg_total_relation_size, their indexes and TOAST). */
  static final String STORE_TABLES = "hookpost\\_%";

  private PgServer() {}

  /** A pool of {@code size} connections to the benchmark's server, as an application would have. */
  static HikariDataSource pool(String name, int size) {
    HikariConfig c = new HikariConfig();
    c.setJdbcUrl(System.getProperty("pg.url", "jdbc:postgresql://127.0.0.1:15432/postgres?user=bench"));
    c.setPoolName(name);
    c.setMaximumPoolSize(size);
    c.setMinimumIdle(size);
    return new HikariDataSource(c);
  }

  /** The settings in {@link #SETTINGS}, with their units, in that order. */
  static Map<String, String> settings(DataSource ds) throws SQLException {
    Map<String, String> out = new LinkedHashMap<>();
    try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
      for (String name : SETTINGS) {
        try (ResultSet rs = s.executeQuery("SHOW " + name)) {
          rs.next();
          out.put(name, rs.getString(1));
        }
      }
    }
    return out;
  }

  /** Drops the store's tables and the hand-written outbox, so that every JVM starts from empty ones. */
  static void dropTables(DataSource ds) throws SQLException {
    try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
      for (String t : new String[] {"hookpost_attempts", "hookpost_deliveries", "hookpost_events",
          "hookpost_schema_version", OutboxBaseline.TABLE}) {
        s.execute("DROP TABLE IF EXISTS " + t + " CASCADE");
      }
    }
  }

  /** Bytes of every table of the store, with its indexes and TOAST ({@code pg_total_relation_size}). */
  static Map<String, Long> storeSizes(DataSource ds) throws SQLException {
    Map<String, Long> out = new LinkedHashMap<>();
    try (Connection c = ds.getConnection(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT c.relname, pg_total_relation_size(c.oid) FROM pg_class c"
            + " JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = current_schema()"
            + " AND c.relkind = 'r' AND c.relname LIKE '" + STORE_TABLES + "' ORDER BY c.relname")) {
      while (rs.next()) {
        out.put(rs.getString(1), rs.getLong(2));
      }
    }
    return out;
  }

  /** Each store table's vacuums so far, manual and automatic ({@code pg_stat_user_tables}). */
  static Map<String, Long> vacuums(DataSource ds) throws SQLException {
    Map<String, Long> out = new LinkedHashMap<>();
    try (Connection c = ds.getConnection(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT relname, vacuum_count + autovacuum_count FROM pg_stat_user_tables"
            + " WHERE relname LIKE '" + STORE_TABLES + "' AND relname <> 'hookpost_schema_version'")) {
      while (rs.next()) {
        out.put(rs.getString(1), rs.getLong(2));
      }
    }
    return out;
  }

  /**
   * Waits until every table in {@code before} was vacuumed again (by autovacuum: nothing else
   * runs VACUUM meanwhile), at most {@code seconds}. Returns the seconds waited.
   */
  static double awaitVacuums(DataSource ds, Map<String, Long> before, double seconds) throws Exception {
    long start = System.nanoTime();
    while (true) {
      Map<String, Long> now = vacuums(ds);
      boolean all = before.entrySet().stream().allMatch(e -> now.getOrDefault(e.getKey(), 0L) > e.getValue());
      double waited = (System.nanoTime() - start) / 1e9;
      if (all || waited >= seconds) {
        System.err.printf("autovacuum: %s after %.0f s (vacuums before %s, now %s)%n",
            all ? "every table vacuumed" : "NOT every table vacuumed", waited, before, now);
        return waited;
      }
      Thread.sleep(1000);
    }
  }

  /** Rows of one table. */
  static long rows(DataSource ds, String table) throws SQLException {
    try (Connection c = ds.getConnection(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT count(*) FROM " + table)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /**
   * CPU time in nanoseconds used so far by the server: the postmaster and its live children
   * (backends, WAL writer, checkpointer...), plus the children it has reaped (their time is in
   * its cutime and cstime). Zero when {@code -Dpg.pid} is not given.
   */
  static long cpuNanos() {
    long postmaster = Long.getLong("pg.pid", 0);
    if (postmaster == 0) {
      return 0;
    }
    long ticks = 0;
    try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
      for (Path p : (Iterable<Path>) procs::iterator) {
        String name = p.getFileName().toString();
        if (!name.chars().allMatch(Character::isDigit)) {
          continue;
        }
        long[] f = stat(p.resolve("stat"));
        if (f == null) {
          continue; // it ended meanwhile
        }
        long pid = Long.parseLong(name);
        if (pid == postmaster) {
          ticks += f[1] + f[2] + f[3] + f[4];
        } else if (f[0] == postmaster) {
          ticks += f[1] + f[2];
        }
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot read /proc", e);
    }
    return ticks * 1_000_000_000L / Long.getLong("clk.tck", 100);
  }

  /** ppid, utime, stime, cutime, cstime from a /proc/PID/stat file, or null if it is gone. */
  private static long[] stat(Path file) {
    String s;
    try {
      s = Files.readString(file);
    } catch (IOException gone) {
      return null;
    }
    // after the command name in parentheses (which may hold spaces): state ppid ... utime (14) stime cutime cstime
    String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
    return new long[] {Long.parseLong(f[1]), Long.parseLong(f[11]), Long.parseLong(f[12]), Long.parseLong(f[13]),
        Long.parseLong(f[14])};
  }
}
