package dev.hookpost.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
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
 * Reads the {@code RESULT} lines of every run and the JMH JSON files, and prints the table:
 * figure, Hookpost, baseline, ratio, target. Medians over rounds.
 *
 * <pre>java dev.hookpost.benchmarks.Report results.txt jmh-engine.json jmh-send.json</pre>
 */
public final class Report {
  private static final Pattern LINE =
      Pattern.compile("RESULT figure=(\\S+) impl=(\\S+) value=(\\S+)(?: round=(\\d+))?");

  private Report() {}

  public static void main(String[] args) throws Exception {
    // figure/impl -> round -> value; a JVM that failed leaves its round out, and only rounds
    // with both sides are paired
    Map<String, Map<Integer, Double>> byRound = new HashMap<>();
    for (String line : Files.readAllLines(Path.of(args[0]))) {
      Matcher m = LINE.matcher(line);
      if (m.find()) {
        int round = m.group(4) == null ? 0 : Integer.parseInt(m.group(4));
        byRound.computeIfAbsent(m.group(1) + "/" + m.group(2), k -> new TreeMap<>())
            .put(round, Double.parseDouble(m.group(3)));
      }
    }
    Map<String, List<Double>> values = new HashMap<>();
    byRound.forEach((k, v) -> values.put(k, new ArrayList<>(v.values())));
    List<String[]> rows = new ArrayList<>();
    for (String n : new String[] {"1", "8", "32"}) {
      Map<Integer, Double> h = byRound.getOrDefault("throughput-" + n + "/hookpost", Map.of());
      Map<Integer, Double> sync = byRound.getOrDefault("throughput-" + n + "/sync", Map.of());
      Map<Integer, Double> async = byRound.getOrDefault("throughput-" + n + "/async", Map.of());
      // Each round's faster hand-written variant; run.sh measures enqueue in the first round only
      // (ASYNC_ROUNDS=all for every round), so a round without it takes sync.
      Map<Integer, Double> b = new TreeMap<>();
      sync.forEach((round, v) -> b.put(round, Math.max(v, async.getOrDefault(round, 0.0))));
      boolean asyncWon = async.entrySet().stream().anyMatch(e -> e.getValue() > sync.getOrDefault(e.getKey(), 0.0));
      boolean asyncPartial = async.size() < sync.size();
      List<Double> ratios = ratios(h, b);
      double r = median(ratios);
      rows.add(row("delivered/s, " + n + " in flight", median(List.copyOf(h.values())), median(List.copyOf(b.values())),
          r, ">= 0.90", r >= 0.90, "baseline = faster of sync (" + fmt(median(List.copyOf(sync.values())))
          + ") and enqueue (" + fmt(median(List.copyOf(async.values())))
          + (asyncPartial ? ", " + async.size() + " round(s)" : "") + ");" + rounds(ratios)
          + (asyncWon && asyncPartial ? " ENQUEUE WAS FASTER IN A ROUND: rerun with ASYNC_ROUNDS=all" : "")));
    }
    for (String p : new String[] {"p50", "p99"}) {
      paired(rows, byRound, "latency send -> 204, " + p + " (us)", "latency-" + p + "/hookpost", "latency-" + p + "/sync",
          "<= 1.2", false, "one at a time;");
    }
    // The same latency against hand-written code that does not hold its caller either (run.sh: enqueue()
    // in its first round; the pool by the command in BENCHMARKS.md): what handing a request to another
    // thread costs here, with no Hookpost code involved.
    for (String[] side : new String[][] {{"async", "enqueue()"}, {"pool", "a fixed thread pool running execute()"}}) {
      for (String p : new String[] {"p50", "p99"}) {
        paired(rows, byRound, "latency send -> 204, " + p + " (us), against hand-written code that does not hold the caller: "
            + side[1],
            "latency-" + p + "/hookpost", "latency-" + p + "/" + side[0], "-", false,
            "not a target; ratio = Hookpost ÷ that code;");
      }
    }
    paired(rows, byRound, "fan-out to 1,000 subscriptions (ms)", "fanout-1000-ms/hookpost", "fanout-1000-ms/sync",
        "<= 1.1", false, "payload serialized once: asserted in FanOutSerializesOnceTest;");
    for (String size : new String[] {"1024", "65536"}) {
      paired(rows, byRound, "signatures/s, " + (size.equals("1024") ? "1 KiB" : "64 KiB") + " body",
          "signatures-" + size + "/hookpost", "signatures-" + size + "/rawMac", ">= 0.90", true,
          "baseline = a raw javax.crypto.Mac loop (JMH, pairs of short forks taken in turn);");
    }
    paired(rows, byRound, "healthy endpoint delivered/s, another hanging", "isolation/hanging", "throughput-8/hookpost",
        ">= 0.90", true, "baseline = the same endpoint alone (Hookpost's 8-in-flight figure, in alternating windows);");
    paired(rows, byRound, "one event to 1,000 subscriptions with content filters, vs none (ms)",
        "filter-fanout-1000-ms/filtered", "filter-fanout-1000-ms/unfiltered", "<= 1.2", false,
        "FilterAndOrderingPairs; transport answering at once; every filter matches;");
    paired(rows, byRound, "deliveries/s to one endpoint with 1,000 ordering keys, vs none",
        "ordering-1000-keys-per-s/ordered", "ordering-1000-keys-per-s/unordered", ">= 0.9", true,
        "FilterAndOrderingPairs; bursts of 10,000 events, transport answering at once;");
    double mem = median(values, "memory-bytes-per-pending-delivery/hookpost");
    rows.add(row("heap per pending delivery (bytes)", mem, Double.NaN, Double.NaN, "<= 512", mem <= 512,
        "100,000 pending of one 1 KiB event, endpoint down; one delivery per subscription, so the engine's"
            + " per-subscription state (failing counts) counts per delivery"));
    double memOne = median(values, "memory-bytes-per-pending-delivery-one-subscription/hookpost");
    rows.add(row("heap per pending delivery, one subscription (bytes)", memOne, Double.NaN, Double.NaN, "-", true,
        "100,000 pending events of 1 KiB to one subscription, endpoint down, each event's bytes subtracted:"
            + " per delivery only (a send's handle included)"));
    for (String store : new String[] {"memory", "h2", "postgresql"}) {
      rows.add(row("events/s enqueued, " + store + " store", median(values, "store-enqueue-" + store + "/hookpost"),
          Double.NaN, Double.NaN, "-", true, "send(), one event at a time, its own transaction"));
      rows.add(row("events/s delivered, " + store + " store", median(values, "store-delivered-" + store + "/hookpost"),
          Double.NaN, Double.NaN, "-", true, "enqueue to 2xx, transport answering at once"));
    }
    for (int i = 1; i < args.length; i++) {
      jmh(new File(args[i]), rows);
    }
    print(rows);
    System.out.println();
    System.out.println("Warm-up until the JIT was quiet (median requests per JVM; JVMs stopped at the time limit"
        + " while still compiling, if any):");
    values.keySet().stream().filter(k -> k.startsWith("warmup-") && !k.startsWith("warmup-capped-")).sorted()
        .forEach(k -> {
          List<Double> capped = values.get("warmup-capped-" + k.substring("warmup-".length()));
          System.out.println("- " + k.substring("warmup-".length()) + ": " + fmt(median(values.get(k)))
              + (capped == null ? "" : " (" + capped.size() + " stopped at the limit)"));
        });
  }

  private static void jmh(File file, List<String[]> rows) throws Exception {
    if (!file.exists()) {
      return;
    }
    JsonNode results = new ObjectMapper().readTree(file);
    Map<String, Double> scores = new HashMap<>(); // EngineBench, by method
    for (JsonNode r : results) {
      String bench = r.get("benchmark").asText();
      String method = bench.substring(bench.lastIndexOf('.') + 1);
      JsonNode params = r.path("params");
      JsonNode metric = r.get("primaryMetric");
      if (bench.contains("EngineBench")) {
        scores.put("engine/" + method, metric.get("score").asDouble());
      } else if (bench.contains("HandOffBench")) {
        for (String p : new String[] {"50.0", "99.0"}) {
          rows.add(row("hand-written hand-off: a prepared OkHttp call to an idle pool thread, p" + p.substring(0, 2)
              + " (us)", metric.path("scorePercentiles").path(p).asDouble(), Double.NaN, Double.NaN, "-", true,
              "JMH SampleTime; a plain ThreadPoolExecutor, whose woken thread may take the caller's core"));
        }
      } else if (bench.contains("SendHoldBench")) {
        String subs = params.path("subscriptions").asText();
        String tenants = params.path("tenants").asText("0");
        if (!tenants.equals("0")) {
          subs += " per tenant, " + tenants + " tenant(s)";
        }
        double p50 = metric.path("scorePercentiles").path("50.0").asDouble();
        double p99 = metric.path("scorePercentiles").path("99.0").asDouble();
        rows.add(row("send holds the caller, " + subs + " subscription(s), p50 (us)", p50, Double.NaN, Double.NaN,
            "-", true, "JMH SampleTime; OkHttp transport, idle publisher"));
        boolean one = subs.equals("1") && tenants.equals("0");
        rows.add(row("send holds the caller, " + subs + " subscription(s), p99 (us)", p99, Double.NaN, Double.NaN,
            one ? "<= 50" : "-", !one || p99 <= 50, "JMH SampleTime; OkHttp transport, idle publisher"));
      }
    }
    Double filtered = scores.get("filter/true");
    Double unfiltered = scores.get("filter/false");
    if (filtered != null && unfiltered != null) {
      rows.add(row("one event to 1,000 subscriptions with content filters, vs none (us per event)", filtered,
          unfiltered, filtered / unfiltered, "<= 1.2", filtered / unfiltered <= 1.2,
          "JMH; transport answering at once; every filter matches, so both make 1,000 deliveries"));
    }
    Double engine = scores.get("engine/hookpost");
    Double handWritten = scores.get("engine/handWritten");
    if (engine != null && handWritten != null) {
      rows.add(row("CPU per delivery apart from HTTP, one thread (ns)", engine, handWritten, engine / handWritten, "-",
          true, "JMH; transport answering at once; baseline = serialize, id, sign by hand"));
    }
  }

  /**
   * A row whose ratio is the median of the rounds' own ratios: each round measures both sides in
   * windows taken in turn ({@link Alternate}), so a machine that speeds up or slows down moves
   * both alike. A {@code target} of {@code -} marks a row for information: never missed, and left
   * out when its baseline was not measured.
   */
  private static void paired(List<String[]> rows, Map<String, Map<Integer, Double>> byRound, String figure,
      String hookpost, String baseline, String target, boolean atLeast, String note) {
    Map<Integer, Double> b = byRound.getOrDefault(baseline, Map.of());
    if (b.isEmpty() && target.equals("-")) {
      return; // a figure for information that this run did not measure
    }
    Map<Integer, Double> h = new TreeMap<>(byRound.getOrDefault(hookpost, Map.of()));
    if (!b.isEmpty() && !h.isEmpty()) { // both columns from the rounds that measured both sides
      b = new TreeMap<>(b);
      h.keySet().retainAll(b.keySet());
      b.keySet().retainAll(h.keySet());
    }
    List<Double> ratios = ratios(h, b);
    double r = median(ratios);
    boolean met = target.equals("-") || (atLeast ? r >= Double.parseDouble(target.substring(3))
        : r <= Double.parseDouble(target.substring(3)));
    rows.add(row(figure, median(List.copyOf(h.values())), median(List.copyOf(b.values())), r, target, met,
        note + rounds(ratios)));
  }

  /** Hookpost ÷ baseline for every round that has both. */
  static List<Double> ratios(Map<Integer, Double> h, Map<Integer, Double> b) {
    List<Double> out = new ArrayList<>();
    h.forEach((round, v) -> {
      if (b.containsKey(round)) {
        out.add(v / b.get(round));
      }
    });
    return out;
  }

  static String rounds(List<Double> ratios) {
    StringBuilder s = new StringBuilder(" rounds:");
    for (double r : ratios) {
      s.append(String.format(Locale.ROOT, " %.2f", r));
    }
    return s.toString();
  }

  private static double median(Map<String, List<Double>> values, String key) {
    return median(values.get(key));
  }

  static double median(List<Double> v) {
    if (v == null || v.isEmpty()) {
      return Double.NaN;
    }
    List<Double> sorted = new ArrayList<>(v);
    sorted.sort(null);
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }

  private static String[] row(String figure, double h, double b, double ratio, String target, boolean ok, String note) {
    return new String[] {figure, fmt(h), fmt(b), Double.isNaN(ratio) ? "-" : String.format(Locale.ROOT, "%.2f", ratio),
        target, Double.isNaN(h) ? "no data" : target.equals("-") ? "-" : ok ? "yes" : "NO", note};
  }

  static String fmt(double v) {
    if (Double.isNaN(v)) {
      return "-";
    }
    return v >= 100 ? String.format(Locale.ROOT, "%,.0f", v) : String.format(Locale.ROOT, "%.1f", v);
  }

  private static void print(List<String[]> rows) {
    System.out.println("| figure | Hookpost | baseline | ratio | target | met | note |");
    System.out.println("|---|---:|---:|---:|---|---|---|");
    for (String[] r : rows) {
      System.out.println("| " + String.join(" | ", r) + " |");
    }
  }
}
