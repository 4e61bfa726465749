package dev.hookpost.benchmarks;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The table of {@link WarmupBench}'s {@code RESULT warm20k} lines ({@code warm20k.sh}): per N,
 * the medians over rounds of each side's delivered/s and p50, and the ratios Hookpost ÷ baseline,
 * each the median of the rounds' own ratios (a round runs both sides one after the other, as
 * {@link Report} pairs its rounds). A JVM with failed deliveries, or without a result, is left
 * out and listed.
 *
 * <pre>java dev.hookpost.benchmarks.WarmupTable warm20k.txt [title]</pre>
 */
public final class WarmupTable {
  private WarmupTable() {}

  public static void main(String[] args) throws Exception {
    // "delivered/s hookpost 8" -> round -> value
    Map<String, Map<Integer, Double>> byRound = new HashMap<>();
    TreeSet<Integer> ns = new TreeSet<>();
    List<String> leftOut = new ArrayList<>();
    for (String line : Files.readAllLines(Path.of(args[0]))) {
      if (line.startsWith("== failed")) { // a JVM that ended without its RESULT line (warm20k.sh)
        leftOut.add(line);
      }
      if (!line.startsWith("RESULT warm20k ")) {
        continue;
      }
      Map<String, String> f = new HashMap<>();
      for (String token : line.split(" ")) {
        int eq = token.indexOf('=');
        if (eq > 0) {
          f.put(token.substring(0, eq), token.substring(eq + 1));
        }
      }
      if (!f.get("failures").equals("0")) {
        leftOut.add(line);
        continue;
      }
      int n = Integer.parseInt(f.get("n"));
      ns.add(n);
      int round = Integer.parseInt(f.get("round"));
      for (String figure : new String[] {"delivered/s", "p50_us"}) {
        byRound.computeIfAbsent(figure + " " + f.get("side") + " " + n, k -> new TreeMap<>())
            .put(round, Double.parseDouble(f.get(figure)));
      }
    }
    if (args.length > 1) {
      System.out.println("### " + args[1]);
      System.out.println();
    }
    System.out.println("| N | Hookpost delivered/s | baseline delivered/s | ratio | Hookpost p50 (us) | baseline p50 (us)"
        + " | p50 ratio | target (>= 0.90; p50 <= 1.2 at N = 1) | rounds |");
    System.out.println("|---:|---:|---:|---:|---:|---:|---:|---|---|");
    for (int n : ns) {
      Map<Integer, Double> h = byRound.getOrDefault("delivered/s hookpost " + n, Map.of());
      Map<Integer, Double> b = byRound.getOrDefault("delivered/s sync " + n, Map.of());
      Map<Integer, Double> hp50 = byRound.getOrDefault("p50_us hookpost " + n, Map.of());
      Map<Integer, Double> bp50 = byRound.getOrDefault("p50_us sync " + n, Map.of());
      List<Double> rates = Report.ratios(h, b);
      List<Double> p50s = Report.ratios(hp50, bp50);
      double rate = Report.median(rates);
      double p50 = Report.median(p50s);
      // The targets: delivered/s at every N; p50 latency at N = 1 (at 8 and 32 it is listed, not a target).
      String met = Double.isNaN(rate) || Double.isNaN(p50) ? "no data"
          : rate >= 0.90 && (n != 1 || p50 <= 1.2) ? "met" : "NOT MET";
      System.out.println("| " + String.join(" | ", Integer.toString(n), Report.fmt(Report.median(List.copyOf(h.values()))),
          Report.fmt(Report.median(List.copyOf(b.values()))), ratio(rate),
          Report.fmt(Report.median(List.copyOf(hp50.values()))), Report.fmt(Report.median(List.copyOf(bp50.values()))),
          ratio(p50), met, "delivered/s" + Report.rounds(rates).substring(" rounds".length()) + "; p50"
              + Report.rounds(p50s).substring(" rounds".length())) + " |");
    }
    if (!leftOut.isEmpty()) {
      System.out.println();
      System.out.println("LEFT OUT (not all delivered, or no result):");
      leftOut.forEach(line -> System.out.println("- " + line));
    }
  }

  private static String ratio(double r) {
    return Double.isNaN(r) ? "-" : String.format(Locale.ROOT, "%.2f", r);
  }
}
