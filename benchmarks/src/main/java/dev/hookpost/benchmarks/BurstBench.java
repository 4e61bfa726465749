package dev.hookpost.benchmarks;

import dev.hookpost.DeliveryOutcome;
import dev.hookpost.Event;
import dev.hookpost.EventCodec;
import dev.hookpost.WebhookPublisher;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A burst from one thread to one healthy endpoint, far larger than the publisher's bound: with
 * {@code blockWhenFull} set, every event must end {@code Delivered}, and the heap retained (after
 * GC, sampled every 100,000 sends) must stay within the bound the README documents:
 * {@code maxPendingDeliveries} × (the serialized event's bytes + 1.5 KiB) above the JVM's own
 * (the application's own callbacks on each handle included, as this program adds one).
 *
 * <pre>
 * java dev.hookpost.benchmarks.BurstBench URL [events, default 1,000,000]
 * </pre>
 */
public final class BurstBench {
  private static final int MAX_PENDING = 100_000;
  /** What the README documents per pending delivery beyond the event's own bytes. */
  private static final long OVERHEAD_BOUND = 1536;

  private BurstBench() {}

  public static void main(String[] args) throws Exception {
    String url = args[0];
    int events = args.length > 1 ? Integer.parseInt(args[1]) : 1_000_000;
    Map<String, AtomicInteger> outcomes = new ConcurrentHashMap<>();
    CountDownLatch ended = new CountDownLatch(events);
    long baseline = MemoryBench.usedAfterGc();
    long maxRetained = 0;
    long started = System.nanoTime();
    try (WebhookPublisher p = HttpBench.publisherBuilder(List.of(HttpBench.sub(url, "burst")), 8)
        .maxPendingDeliveries(MAX_PENDING).blockWhenFull(Duration.ofMinutes(5)).build()) {
      for (int i = 0; i < events; i++) {
        p.send(Event.of("order.created", Payloads.oneKib(i))).outcomes().whenComplete((o, e) -> {
          String kind = e != null ? "error" : o.get(0).getClass().getSimpleName();
          outcomes.computeIfAbsent(kind, k -> new AtomicInteger()).incrementAndGet();
          ended.countDown();
        });
        if (i % 100_000 == 99_999) {
          maxRetained = Math.max(maxRetained, MemoryBench.usedAfterGc() - baseline);
        }
      }
      if (!ended.await(10, TimeUnit.MINUTES)) {
        System.out.println("# not finished after 10 minutes: " + ended.getCount() + " outstanding");
      }
    }
    double seconds = (System.nanoTime() - started) / 1e9;
    int delivered = outcomes.getOrDefault(DeliveryOutcome.Delivered.class.getSimpleName(), new AtomicInteger()).get();
    int eventBytes = EventCodec.jackson().encode(Event.of("order.created", Payloads.oneKib(events))).length;
    long bound = MAX_PENDING * (eventBytes + OVERHEAD_BOUND);
    System.out.printf("# %d events in %.1f s (%.0f/s); outcomes %s; retained heap at most %d MiB above the"
        + " start (documented bound %d MiB)%n", events, seconds, events / seconds, outcomes, maxRetained >> 20,
        bound >> 20);
    HttpBench.result("burst-delivered", "hookpost", delivered + "/" + events);
    HttpBench.result("burst-retained-mib", "hookpost", Long.toString(maxRetained >> 20));
    HttpBench.result("burst-bound-mib", "hookpost", Long.toString(bound >> 20));
    System.exit(delivered == events && maxRetained <= bound ? 0 : 1);
  }
}
