package dev.hookpost.benchmarks;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Sides of one figure in one JVM, each run from N threads for a window of time, the windows taken
 * in turn with the order rotated each time (A B C, B C A, C A B), as {@link Alternate} does across
 * JVMs: each side meets the same drift of this shared machine. A side's figure is its events over
 * the sum of its windows.
 */
final class Windows {
  /** One unit of a side's work: stores one or more events and returns how many. */
  @FunctionalInterface
  interface Op {
    int run(int n) throws Exception;
  }

  /** A side's events and seconds, summed over its timed windows. */
  static final class Tally {
    long events;
    double seconds;

    double rate() {
      return events / seconds;
    }
  }

  private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "bench-sender");
    t.setDaemon(true);
    return t;
  });
  private final AtomicInteger numbers = new AtomicInteger();

  /** Runs {@code op} from {@code n} threads until {@code events} are done. Untimed: a warm-up. */
  void warmUp(Op op, int n, int events) throws Exception {
    AtomicInteger left = new AtomicInteger(events);
    List<Future<?>> all = new ArrayList<>();
    for (int t = 0; t < n; t++) {
      all.add(threads.submit(() -> {
        while (left.get() > 0) {
          left.addAndGet(-op.run(numbers.getAndIncrement()));
        }
        return null;
      }));
    }
    for (Future<?> f : all) {
      f.get();
    }
  }

  /**
   * One window: {@code op} from {@code n} threads, each starting work until {@code seconds} have
   * passed; the window ends when the last one finished. Adds to {@code tally} when given.
   */
  void window(String name, Op op, int n, double seconds, Tally tally) throws Exception {
    long start = System.nanoTime();
    AtomicLong longest = new AtomicLong();
    long deadline = start + (long) (seconds * 1e9);
    List<Future<Long>> all = new ArrayList<>();
    for (int t = 0; t < n; t++) {
      all.add(threads.submit(() -> {
        long done = 0;
        for (long now = System.nanoTime(); now < deadline; ) {
          done += op.run(numbers.getAndIncrement());
          long then = now;
          now = System.nanoTime();
          longest.accumulateAndGet(now - then, Math::max);
        }
        return done;
      }));
    }
    long events = 0;
    for (Future<Long> f : all) {
      events += f.get();
    }
    double elapsed = (System.nanoTime() - start) / 1e9;
    if (tally != null) {
      tally.events += events;
      tally.seconds += elapsed;
    }
    // the longest single operation: a stall of the shared machine shows here
    System.err.printf("  %s window %s x%d: %.0f events/s, longest operation %.0f ms%n",
        tally == null ? "untimed" : "timed", name, n, events / elapsed, longest.get() / 1e6);
  }

  /**
   * One untimed window of {@code settle} s per side, then {@code windows} timed windows per side of
   * {@code seconds} each, in turn, rotated. Returns each side's tally, in the order given.
   */
  Map<String, Tally> inTurn(Map<String, Op> sides, int n, int windows, double seconds, double settle)
      throws Exception {
    List<String> names = new ArrayList<>(sides.keySet());
    Map<String, Tally> out = new LinkedHashMap<>();
    names.forEach(name -> out.put(name, new Tally()));
    for (int w = -1; w < windows; w++) {
      int rotation = Math.max(w, 0);
      for (int i = 0; i < names.size(); i++) {
        String name = names.get((i + rotation) % names.size());
        window(name, sides.get(name), n, w < 0 ? settle : seconds, w < 0 ? null : out.get(name));
      }
    }
    return out;
  }

  void close() {
    threads.shutdownNow();
  }
}
