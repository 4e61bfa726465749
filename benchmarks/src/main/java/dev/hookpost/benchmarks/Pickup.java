package dev.hookpost.benchmarks;

import dev.hookpost.Event;
import dev.hookpost.RetryPolicy;
import dev.hookpost.WebhookPublisher;
import dev.hookpost.jdbc.JdbcDeliveryStore;
import dev.hookpost.spi.Transport;
import dev.hookpost.spi.TransportRequest;
import dev.hookpost.spi.TransportResponse;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.sql.DataSource;

/**
 * Pickup latency: how long after an event is committed an idle publisher's transport sees its
 * attempt. Three ways in, taken in turn: a plain {@code send} on the publisher (from just before
 * the call; for reference), a transactional {@code send(event, connection)} (from just after the
 * commit returned), and a {@code send} on a second publisher instance over the same database
 * (from just after it returned) that cannot deliver it itself: its one slot
 * ({@code maxInFlight(1)}) is held by an attempt that never ends, so the first publisher must
 * find the delivery. Before each send, a random pause: the publisher is idle, and the commits
 * fall anywhere in its poll interval.
 */
final class Pickup {
  static final String[] CASES = {"send", "tx-send", "other-instance"};
  /** Longest wait for one attempt; one not seen by then counts as this long. */
  static final long TIMEOUT_MS = 5_000;
  /** The publisher's poll interval (its default). */
  static final int POLL_MS = 500;

  private Pickup() {}

  /** A transport that notes when an attempt reaches it, then hands it on. */
  static final class Watching implements Transport {
    private final Transport inner;
    private volatile CompletableFuture<Long> next = new CompletableFuture<>();

    Watching(Transport inner) {
      this.inner = inner;
    }

    /** A future of the time ({@link System#nanoTime}) the next attempt reaches this transport. */
    CompletableFuture<Long> arm() {
      CompletableFuture<Long> f = new CompletableFuture<>();
      next = f;
      return f;
    }

    @Override
    public CompletableFuture<TransportResponse> send(TransportRequest request) {
      next.complete(System.nanoTime());
      return inner.send(request);
    }

    @Override
    public void execute(Runnable task) {
      inner.execute(task);
    }

    @Override
    public Optional<Duration> callTimeout() {
      return inner.callTimeout();
    }

    @Override
    public void close() {
      inner.close();
    }
  }

  /**
   * Measures {@code sends} of each case against {@code publisher} (whose transport is
   * {@code watching}), and prints p50, p99 and max in ms.
   */
  static void measure(WebhookPublisher publisher, Watching watching, DataSource app, DataSource otherPool, String url,
      int sends) throws Exception {
    CompletableFuture<Long> stuck = new CompletableFuture<>();
    try (WebhookPublisher other = WebhookPublisher.builder().store(JdbcDeliveryStore.create(otherPool))
        .transport(r -> {
          stuck.complete(System.nanoTime());
          return new CompletableFuture<>(); // never answers: this instance's one slot stays taken
        })
        .subscription(HttpBench.sub(url, "bench")).maxInFlight(1).retryPolicy(RetryPolicy.none())
        .shutdownTimeout(Duration.ofMillis(100)).build()) {
      plug(other, watching, stuck);
      List<List<Double>> samples = new ArrayList<>();
      for (String ignored : CASES) {
        samples.add(new ArrayList<>());
      }
      Random random = new Random(18);
      int missed = 0;
      for (int i = 0; i < sends; i++) {
        for (int k = 0; k < CASES.length; k++) {
          int c = (k + i) % CASES.length;
          // After an attempt is picked up by a poll, the next poll is due a poll interval later: a
          // pause drawn from 20 ms to 20 ms + the interval puts the commit anywhere in that
          // interval. The plain send, woken at once, needs only a short one.
          Thread.sleep(20 + random.nextInt(CASES[c].equals("send") ? 30 : POLL_MS));
          CompletableFuture<Long> seen = watching.arm();
          Event event = Event.of("order.created", Payloads.oneKib(i));
          long t0;
          switch (CASES[c]) {
            case "send" -> {
              t0 = System.nanoTime();
              publisher.send(event);
            }
            case "tx-send" -> {
              try (Connection conn = app.getConnection()) {
                conn.setAutoCommit(false);
                publisher.send(event, conn);
                conn.commit();
              }
              t0 = System.nanoTime();
            }
            default -> {
              other.send(event);
              t0 = System.nanoTime();
            }
          }
          long at;
          try {
            at = seen.get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
          } catch (TimeoutException e) {
            missed++;
            at = t0 + TimeUnit.MILLISECONDS.toNanos(TIMEOUT_MS);
          }
          samples.get(c).add(Math.max(0, at - t0) / 1e6);
        }
      }
      if (missed > 0) {
        System.err.println("pickup: " + missed + " attempt(s) not seen within " + TIMEOUT_MS + " ms, counted as that");
      }
      for (int c = 0; c < CASES.length; c++) {
        List<Double> s = samples.get(c);
        s.sort(null);
        HttpBench.result("pickup-" + CASES[c] + "-p50-ms", "hookpost", fmt(percentile(s, 0.50)));
        HttpBench.result("pickup-" + CASES[c] + "-p99-ms", "hookpost", fmt(percentile(s, 0.99)));
        HttpBench.result("pickup-" + CASES[c] + "-max-ms", "hookpost", fmt(s.get(s.size() - 1)));
      }
    }
  }

  /**
   * Makes the second instance take its one slot with an attempt that never ends. Should the first
   * publisher pick that event up first (a race with its poll), tries again.
   */
  private static void plug(WebhookPublisher other, Watching watching, CompletableFuture<Long> stuck) throws Exception {
    for (int tries = 0; !stuck.isDone(); tries++) {
      if (tries == 10) {
        throw new IllegalStateException("the second instance never kept an attempt of its own");
      }
      watching.arm();
      other.send(Event.of("order.created", Payloads.oneKib(-1)));
      try {
        stuck.get(2, TimeUnit.SECONDS);
      } catch (TimeoutException firstPublisherTookIt) {
        // again
      }
    }
  }

  /** The value at quantile {@code q} of sorted {@code s} (nearest rank). */
  static double percentile(List<Double> sorted, double q) {
    int rank = (int) Math.ceil(q * sorted.size());
    return sorted.get(Math.max(0, rank - 1));
  }

  static String fmt(double v) {
    return String.format(java.util.Locale.ROOT, "%.1f", v);
  }
}
