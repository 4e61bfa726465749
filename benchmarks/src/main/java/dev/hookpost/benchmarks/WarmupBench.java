package dev.hookpost.benchmarks;

import dev.hookpost.DeliveryOutcome;
import dev.hookpost.Event;
import dev.hookpost.SendHandle;
import dev.hookpost.WebhookPublisher;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import okhttp3.OkHttpClient;

/**
 * The side-by-side figure after a fixed warm-up: one side, one N, in this fresh JVM. A
 * closed loop keeps N deliveries in flight to one subscription (1 KiB events, the receiver
 * answering 204), each slot released when its delivery ends; first {@code warmup} deliveries
 * (default 20,000), then {@code measure} timed ones (default 25,000 at N = 1, 90,000 above:
 * about 3 s each at the rates of BENCHMARKS.md's quiet runs, about 8,000/s and 30,000/s). Prints
 * one line:
 *
 * <pre>
 * RESULT warm20k side=hookpost n=8 delivered/s=... p50_us=... p99_us=... measured=30000 warmup=20000 jit_ms=... failures=0 round=1
 * </pre>
 *
 * <ul>
 *   <li>{@code hookpost}: the publisher of {@link HttpBench}'s throughput figures (the same
 *       transport, subscription and settings, {@code maxConcurrencyPerEndpoint} = N); latency from
 *       just before the event is made and {@code send} is called to the completion of the handle's
 *       {@code outcomes()}, taken in its completion callback; each outcome must be
 *       {@code Delivered}.
 *   <li>{@code sync}: the hand-written baseline, N threads each building, signing and
 *       {@code execute()}-ing requests in a loop ({@link HttpBench#baselineCall}); latency from
 *       just before the request is built to after its response is closed; each status must be 204.
 * </ul>
 *
 * A delivery that is not {@code Delivered} (or a request that fails or answers another status) is
 * counted and left out of the latencies; the first one is printed on standard error, the RESULT
 * line then ends with {@code NOT-ALL-DELIVERED} and the JVM exits with status 1. {@code jit_ms}
 * is the JIT's compilation time within the measured phase: how far from settled the JVM still was.
 *
 * <p>Only the public API ({@code dev.hookpost}, {@code dev.hookpost.okhttp}) and helpers that
 * {@code HttpBench} already had at commit 6b427ec are used, so that {@code before-after.sh} can
 * compile this file against that engine.
 *
 * <pre>
 * java -cp ... dev.hookpost.benchmarks.WarmupBench hookpost|sync N URL [warmup] [measure]
 * </pre>
 */
public final class WarmupBench {
  private WarmupBench() {}

  public static void main(String[] args) {
    try {
      String side = args[0];
      int n = Integer.parseInt(args[1]);
      String url = args[2];
      int warmup = args.length > 3 ? count(args[3]) : 20_000;
      int measure = args.length > 4 ? count(args[4]) : n == 1 ? 25_000 : 90_000;
      System.exit(run(side, n, url, warmup, measure) ? 0 : 1);
    } catch (Throwable e) { // at once, rather than when the last pool thread times out
      e.printStackTrace();
      System.exit(2);
    }
  }

  /** {@code 500} or {@code warmup=500}. */
  private static int count(String arg) {
    return Integer.parseInt(arg.substring(arg.indexOf('=') + 1).replace("_", ""));
  }

  /** Warms up, measures, prints the RESULT line; true when every delivery of both phases was delivered. */
  static boolean run(String side, int n, String url, int warmup, int measure) throws Exception {
    Phase measured;
    Phase warm;
    switch (side) {
      case "hookpost" -> {
        try (WebhookPublisher p = HttpBench.publisherBuilder(List.of(HttpBench.healthy(url)), n).build()) {
          warm = new Phase(0, warmup).hookpost(p, n);
          measured = new Phase(warmup, measure).hookpost(p, n);
        }
      }
      case "sync" -> {
        OkHttpClient c = HttpBench.baselineClient(Math.max(5, n));
        warm = new Phase(0, warmup).sync(c, url, n);
        measured = new Phase(warmup, measure).sync(c, url, n);
      }
      default -> throw new IllegalArgumentException("unknown side " + side + ": hookpost or sync");
    }
    long failures = warm.failures.get() + measured.failures.get();
    System.out.println(String.format(Locale.ROOT,
        "RESULT warm20k side=%s n=%d delivered/s=%.1f p50_us=%.1f p99_us=%.1f measured=%d warmup=%d jit_ms=%d"
            + " failures=%d round=%d",
        side, n, measured.rate, measured.percentileMicros(0.50), measured.percentileMicros(0.99), measure, warmup,
        measured.jitMillis, failures, Integer.getInteger("round", 0))
        + (failures == 0 ? "" : " NOT-ALL-DELIVERED"));
    return failures == 0;
  }

  /** One phase: {@code count} deliveries, indexes (payloads) from {@code first}; its rate, latencies and failures. */
  static final class Phase {
    private static final CompilationMXBean JIT = ManagementFactory.getCompilationMXBean();

    final int first;
    /** Nanoseconds of each delivered request, in the order they ended: no allocation per sample. */
    final long[] nanos;
    final AtomicInteger recorded = new AtomicInteger();
    final AtomicLong failures = new AtomicLong();
    final AtomicReference<Object> firstFailure = new AtomicReference<>();
    double rate;
    long jitMillis;

    Phase(int first, int count) {
      this.first = first;
      this.nanos = new long[count];
    }

    /** N events in flight through {@code p}, each slot released when its handle completes. */
    Phase hookpost(WebhookPublisher p, int n) throws Exception {
      long jit = JIT.getTotalCompilationTime();
      rate = HttpBench.inFlight(n, nanos.length, (i, finished) -> {
        long t0 = System.nanoTime();
        SendHandle h;
        try {
          h = p.send(Event.of("order.created", Payloads.oneKib(first + i)));
        } catch (RuntimeException e) {
          failed(e);
          finished.accept(null); // counted here: the loop goes on
          return;
        }
        h.outcomes().whenComplete((o, e) -> {
          long took = System.nanoTime() - t0;
          if (e == null && o.size() == 1 && o.get(0) instanceof DeliveryOutcome.Delivered) {
            nanos[recorded.getAndIncrement()] = took;
          } else {
            failed(e != null ? e : o);
          }
          finished.accept(null);
        });
      });
      jitMillis = JIT.getTotalCompilationTime() - jit;
      return this;
    }

    /** N threads, each building a request, executing it and closing its response, in a loop. */
    Phase sync(OkHttpClient c, String url, int n) throws Exception {
      long jit = JIT.getTotalCompilationTime();
      long start = System.nanoTime();
      HttpBench.onThreads(n, nanos.length, i -> {
        long t0 = System.nanoTime();
        try {
          HttpBench.baselineCall(c, url, first + i);
        } catch (Exception e) {
          failed(e);
          return;
        }
        nanos[recorded.getAndIncrement()] = System.nanoTime() - t0;
      });
      rate = nanos.length / ((System.nanoTime() - start) / 1e9);
      jitMillis = JIT.getTotalCompilationTime() - jit;
      return this;
    }

    private void failed(Object why) {
      failures.incrementAndGet();
      if (firstFailure.compareAndSet(null, why)) {
        System.err.println("not delivered: " + why);
        if (why instanceof Throwable t) {
          t.printStackTrace();
        }
      }
    }

    /** The latency at {@code p} (0.5: p50) of what was delivered, in microseconds; NaN if nothing was. */
    double percentileMicros(double p) {
      int count = recorded.get();
      if (count == 0) {
        return Double.NaN;
      }
      Arrays.sort(nanos, 0, count); // after the phase: the sorting is not timed
      return nanos[Math.min(count - 1, (int) (count * p))] / 1000.0;
    }
  }
}
