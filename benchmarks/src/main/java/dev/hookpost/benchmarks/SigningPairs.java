package dev.hookpost.benchmarks;

import java.util.List;
import java.util.Locale;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs {@link SigningBench}'s two sides as pairs of JMH forks taken in turn (Hookpost then the
 * raw Mac, then the raw Mac then Hookpost, ...), each fork short and of one body size, the two
 * forks of a size back to back, and prints each pair's scores
 * as a round: {@code RESULT figure=signatures-SIZE impl=hookpost|rawMac value=OPS round=PAIR}.
 * One long fork per side, one after the other, let the machine's drift between them decide the
 * ratio: 0.83 to 0.98 for the same code. {@link Report} takes the median of the pairs' ratios.
 *
 * <pre>java dev.hookpost.benchmarks.SigningPairs [PAIRS]   (default 6)</pre>
 */
public final class SigningPairs {
  private SigningPairs() {}

  public static void main(String[] args) throws Exception {
    int pairs = args.length > 0 ? Integer.parseInt(args[0]) : 6;
    for (int pair = 1; pair <= pairs; pair++) {
      List<String> order = pair % 2 == 1 ? List.of("hookpost", "rawMac") : List.of("rawMac", "hookpost");
      for (String size : List.of("1024", "65536")) { // the two forks of one size back to back
        for (String side : order) {
          Options options = new OptionsBuilder()
              .include(SigningBench.class.getName() + "\\." + side + "$")
              .param("size", size)
              .forks(1)
              .warmupIterations(1).warmupTime(TimeValue.milliseconds(500))
              .measurementIterations(2).measurementTime(TimeValue.milliseconds(500))
              .jvmArgsAppend("-Xms256m", "-Xmx256m")
              .verbosity(org.openjdk.jmh.runner.options.VerboseMode.SILENT)
              .build();
          for (RunResult r : new Runner(options).run()) {
            System.out.println(String.format(Locale.ROOT, "RESULT figure=signatures-%s impl=%s value=%.1f round=%d",
                size, side, r.getPrimaryResult().getScore(), pair));
          }
        }
      }
    }
  }
}
