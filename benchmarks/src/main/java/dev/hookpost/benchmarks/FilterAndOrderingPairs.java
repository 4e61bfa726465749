package dev.hookpost.benchmarks;

import dev.hookpost.ContentFilter;
import dev.hookpost.Event;
import dev.hookpost.SendHandle;
import dev.hookpost.WebhookPublisher;
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
 *       complete; the ordered side gives them 1,000 ordering keys in turn. Prints deliveries/s.
 * </ul>
 * <pre>java dev.hookpost.benchmarks.FilterAndOrderingPairs filter|ordering [rounds]</pre>
 */
public final class FilterAndOrderingPairs {
  static final int SUBSCRIPTIONS = 1_000;
  static final int BURST = 10_000;
  static final int KEYS = 1_000;
  private static final Map<String, Object> DATA = Payloads.oneKib(1);

  private FilterAndOrderingPairs() {}

  public static void main(String[] args) {
    boolean filter = args[0].equals("filter");
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    WebhookPublisher plain = filter ? fanOut(null) : oneEndpoint();
    WebhookPublisher other = filter ? fanOut(ContentFilter.and(ContentFilter.eq("/data/currency", "EUR"),
        ContentFilter.gte("/data/totalCents", 10_000), ContentFilter.prefix("/data/orderId", "A-"))) : oneEndpoint();
    int perWindow = filter ? 200 : 10;
    for (int round = 0; round <= rounds; round++) { // round 0 warms both up
      double a = window(plain, false, filter, perWindow);
      double b = window(other, true, filter, perWindow);
      if (round > 0) {
        String figure = filter ? "filter-fanout-1000-ms" : "ordering-1000-keys-per-s";
        System.out.println("RESULT figure=" + figure + " impl=" + (filter ? "unfiltered" : "unordered") + " value="
            + String.format(Locale.ROOT, "%.3f", a) + " round=" + round);
        System.out.println("RESULT figure=" + figure + " impl=" + (filter ? "filtered" : "ordered") + " value="
            + String.format(Locale.ROOT, "%.3f", b) + " round=" + round);
      }
    }
    plain.shutdown(Duration.ofSeconds(10));
    other.shutdown(Duration.ofSeconds(10));
    System.exit(0);
  }

  /** Milliseconds per fanned-out event, or deliveries per second of the bursts. */
  private static double window(WebhookPublisher p, boolean second, boolean filter, int n) {
    long start = System.nanoTime();
    for (int i = 0; i < n; i++) {
      if (filter) {
        p.send(Event.of("order.created", DATA)).outcomes().join();
      } else {
        List<SendHandle> handles = new ArrayList<>(BURST);
        for (int e = 0; e < BURST; e++) {
          Event event = Event.of("order.updated", DATA);
          handles.add(p.send(second ? event.withOrderingKey("order-" + e % KEYS) : event));
        }
        handles.forEach(h -> h.outcomes().join());
      }
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    return filter ? seconds * 1000 / n : n * (double) BURST / seconds;
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
