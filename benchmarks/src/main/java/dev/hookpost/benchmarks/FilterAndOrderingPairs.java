package dev.hookpost.benchmarks;

import dev.hookpost.ContentFilter;
import dev.hookpost.Event;
import dev.hookpost.SendHandle;
import dev.hookpost.WebhookPublisher;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Content filters and ordering keys against the same publisher without them, in one JVM, in
 * windows taken in turn (as {@link Alternate} does for HTTP: a machine that speeds up or slows
 * down moves both sides alike). Both through a transport that answers 204 at once, so that the
 * engine's own cost is all there is to measure.
 * <ul>
 *   <li>{@code filter}: one 1 KiB event fanned out to 1,000 subscriptions, until every outcome is
 *       complete; each subscription of the filtered side has a filter of three conditions that the
 *       event matches, so both sides make 1,000 deliveries. Prints the milliseconds per event.
 *   <li>{@code ordering}: bursts of 10,000 events to one endpoint, until every outcome is
 *       complete; the ordered side gives them 1,000 ordering keys in turn (made before the
 *       clock starts, as an application has its keys already), the unordered side makes its
 *       events the same way with a null key. Prints deliveries/s, and the process's CPU time
 *       per delivery (steadier than the rate on a machine shared with other work).
 * </ul>
 * The side that goes first changes every round (A B, B A, ...), so that neither always meets
 * the garbage and the JIT's work the other left.
 * <pre>java dev.hookpost.benchmarks.FilterAndOrderingPairs filter|ordering [rounds]</pre>
 */
public final class FilterAndOrderingPairs {
  static final int SUBSCRIPTIONS = 1_000;
  static final int BURST = 10_000;
  static final int KEYS = 1_000;
  private static final Map<String, Object> DATA = Payloads.oneKib(1);
  private static final String[] ORDER_KEYS = new String[KEYS];
  private static final com.sun.management.OperatingSystemMXBean CPU =
      (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

  static {
    for (int i = 0; i < KEYS; i++) {
      ORDER_KEYS[i] = "order-" + i;
    }
  }

  private FilterAndOrderingPairs() {}

  public static void main(String[] args) {
    boolean filter = args[0].equals("filter");
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    WebhookPublisher plain = filter ? fanOut(null) : oneEndpoint();
    WebhookPublisher other = filter ? fanOut(ContentFilter.and(ContentFilter.eq("/data/currency", "EUR"),
        ContentFilter.gte("/data/totalCents", 10_000), ContentFilter.prefix("/data/orderId", "A-"))) : oneEndpoint();
    int perWindow = filter ? 200 : 10;
    for (int round = 0; round <= rounds; round++) { // round 0 warms both up
      double[] a;
      double[] b;
      if (round % 2 == 0) {
        a = window(plain, false, filter, perWindow);
        b = window(other, true, filter, perWindow);
      } else {
        b = window(other, true, filter, perWindow);
        a = window(plain, false, filter, perWindow);
      }
      if (round > 0) {
        String figure = filter ? "filter-fanout-1000-ms" : "ordering-1000-keys-per-s";
        print(figure, filter ? "unfiltered" : "unordered", a[0], round);
        print(figure, filter ? "filtered" : "ordered", b[0], round);
        if (!filter) {
          print("ordering-1000-keys-cpu-us", "unordered", a[1], round);
          print("ordering-1000-keys-cpu-us", "ordered", b[1], round);
        }
      }
    }
    plain.shutdown(Duration.ofSeconds(10));
    other.shutdown(Duration.ofSeconds(10));
    System.exit(0);
  }

  private static void print(String figure, String impl, double value, int round) {
    System.out.println("RESULT figure=" + figure + " impl=" + impl + " value="
        + String.format(Locale.ROOT, "%.3f", value) + " round=" + round);
  }

  /**
   * Milliseconds per fanned-out event, or deliveries per second of the bursts; then the
   * process's CPU microseconds per delivery (every thread: the JIT's and the collector's too).
   */
  private static double[] window(WebhookPublisher p, boolean second, boolean filter, int n) {
    long cpu = CPU.getProcessCpuTime();
    long start = System.nanoTime();
    for (int i = 0; i < n; i++) {
      if (filter) {
        p.send(Event.of("order.created", DATA)).outcomes().join();
      } else {
        List<SendHandle> handles = new ArrayList<>(BURST);
        for (int e = 0; e < BURST; e++) {
          handles.add(p.send(Event.of("order.updated", DATA).withOrderingKey(second ? ORDER_KEYS[e % KEYS] : null)));
        }
        handles.forEach(h -> h.outcomes().join());
      }
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    double deliveries = n * (double) (filter ? SUBSCRIPTIONS : BURST);
    double cpuMicros = (CPU.getProcessCpuTime() - cpu) / 1e3 / deliveries;
    return new double[] {filter ? seconds * 1000 / n : deliveries / seconds, cpuMicros};
  }

  private static WebhookPublisher fanOut(ContentFilter filter) {
    WebhookPublisher.Builder b = EngineBench.answeringAtOnce();
    for (int i = 0; i < SUBSCRIPTIONS; i++) {
      b.subscription(EngineBench.subscription("s" + i, "s/" + i).filter(filter).build());
    }
    return b.build();
  }

  private static WebhookPublisher oneEndpoint() {
    return EngineBench.answeringAtOnce().subscription(EngineBench.subscription("s", "hook").build()).build();
  }
}
