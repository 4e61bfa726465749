package dev.hookpost.benchmarks;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads {@code postgres.sh}'s {@code RESULT} lines and prints the table of issue 18: figure,
 * Hookpost, hand-written (or in-memory), ratio, target, with each round's ratio. Columns are
 * medians over rounds; a ratio is the median of the rounds' own ratios (both sides of a round
 * were measured in windows taken in turn).
 *
 * <pre>java dev.hookpost.benchmarks.PostgresReport results.txt</pre>
 */
public final class PostgresReport {
  private static final Pattern LINE =
      Pattern.compile("RESULT figure=(\\S+) impl=(\\S+) value=(\\S+)(?: round=(\\d+))?");

  private final Map<String, Map<Integer, Double>> byRound = new HashMap<>();
  private final List<String> rows = new ArrayList<>();

  private PostgresReport() {}

  public static void main(String[] args) throws Exception {
    PostgresReport r = new PostgresReport();
    for (String line : Files.readAllLines(Path.of(args[0]))) {
      Matcher m = LINE.matcher(line);
      if (m.find()) {
        int round = m.group(4) == null ? 0 : Integer.parseInt(m.group(4));
        r.byRound.computeIfAbsent(m.group(1) + "/" + m.group(2), k -> new TreeMap<>())
            .put(round, Double.parseDouble(m.group(3)));
      }
    }
    r.build();
    System.out.println("| figure | Hookpost | baseline | ratio | target | met | rounds (ratio per round) |");
    System.out.println("|---|---:|---:|---:|---|---|---|");
    r.rows.forEach(System.out::println);
  }

  private void build() {
    for (String n : new String[] {"1", "8", "32"}) {
      String fig = "stored-" + n;
      String target = n.equals("1") ? ">= 0.8" : ">= 2";
      paired("events/s stored by `send`, " + n + " thread(s), vs one INSERT per commit", fig + "/send", fig + "/jdbc-1",
          target);
      paired("events/s stored by `send`, " + n + " thread(s), vs 100 rows per commit", fig + "/send",
          fig + "/jdbc-100", "-");
      paired("transactional `send(event, connection)` + commit, " + n + " thread(s), vs INSERT + commit",
          fig + "/tx-send", fig + "/jdbc-1", "-");
    }
    paired("events/s delivered end to end, PostgreSQL store vs in-memory store", "delivered-per-s/postgresql",
        "delivered-per-s/memory", "-");
    single("events/s delivered end to end, PostgreSQL store (absolute)", "delivered-per-s/postgresql", ">= 5000");
    paired("CPU per delivered event (us), JVM + PostgreSQL, PostgreSQL store vs in-memory",
        "cpu-us-per-delivered/postgresql", "cpu-us-per-delivered/memory", "<= 2");
    paired("- of which this JVM's (us)", "jvm-cpu-us-per-delivered/postgresql", "jvm-cpu-us-per-delivered/memory",
        "-");
    // with the in-memory store PostgreSQL's share is only the idle PostgreSQL publisher's polls: no ratio
    single("- of which PostgreSQL's processes' (us)", "pg-cpu-us-per-delivered/postgresql", "-");
    for (String c : Pickup.CASES) {
      single("pickup latency, " + c + ", p50 (ms)", "pickup-" + c + "-p50-ms/hookpost", "-");
      single("pickup latency, " + c + ", p99 (ms)", "pickup-" + c + "-p99-ms/hookpost",
          c.equals("send") ? "-" : "<= 50");
      single("pickup latency, " + c + ", max (ms)", "pickup-" + c + "-max-ms/hookpost", "-");
    }
    String events = Report.fmt(median("size-events/postgresql"));
    single("store's tables + indexes (bytes), at start", "size-start-bytes/postgresql", "-");
    single("... after " + events + " events delivered", "size-after-delivered-bytes/postgresql", "-");
    single("... after purge", "size-after-purge-bytes/postgresql", "near start");
    single("... after autovacuum vacuumed each table (waited s: "
        + Report.fmt(median("size-autovacuum-wait-seconds/postgresql")) + ")", "size-after-autovacuum-bytes/postgresql",
        "-");
    single("... after a plain VACUUM (run by the benchmark)", "size-after-vacuum-bytes/postgresql", "-");
    single("... after REINDEX TABLE CONCURRENTLY of each table (run by the benchmark)", "size-after-reindex-bytes/postgresql", "-");
    single("purge of " + events + " delivered (s)", "size-purge-seconds/postgresql", "-");
    single("events/s delivered while filling the table", "size-run-delivered-per-s/postgresql", "-");
  }

  private double median(String key) {
    return Report.median(List.copyOf(byRound.getOrDefault(key, Map.of()).values()));
  }

  /** A figure with no baseline; a numeric target is a floor (">=") or a ceiling ("<="). */
  private void single(String figure, String key, String target) {
    double v = median(key);
    rows.add("| " + figure + " | " + Report.fmt(v) + " | - | - | " + target + " | " + met(v, target) + " | "
        + byRound.getOrDefault(key, Map.of()).size() + " round(s) |");
  }

  /** A figure against its baseline, the ratio per round; the target applies to the median ratio. */
  private void paired(String figure, String key, String baselineKey, String target) {
    Map<Integer, Double> h = new TreeMap<>(byRound.getOrDefault(key, Map.of()));
    Map<Integer, Double> b = new TreeMap<>(byRound.getOrDefault(baselineKey, Map.of()));
    h.keySet().retainAll(b.keySet());
    b.keySet().retainAll(h.keySet());
    List<Double> ratios = Report.ratios(h, b);
    double r = Report.median(ratios);
    rows.add("| " + figure + " | " + Report.fmt(Report.median(List.copyOf(h.values()))) + " | "
        + Report.fmt(Report.median(List.copyOf(b.values()))) + " | "
        + (Double.isNaN(r) ? "-" : String.format(Locale.ROOT, "%.2f", r)) + " | " + target + " | " + met(r, target) + " |"
        + Report.rounds(ratios) + " |");
  }

  /** "yes" or "NO" against a floor (">= x") or a ceiling ("<= x"); "-" for any other target. */
  private static String met(double v, String target) {
    if (Double.isNaN(v)) {
      return "no data";
    }
    if (target.startsWith(">= ")) {
      return v >= Double.parseDouble(target.substring(3)) ? "yes" : "NO";
    }
    if (target.startsWith("<= ")) {
      return v <= Double.parseDouble(target.substring(3)) ? "yes" : "NO";
    }
    return "-";
  }
}
