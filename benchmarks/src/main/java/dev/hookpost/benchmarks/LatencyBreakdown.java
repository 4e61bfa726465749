package dev.hookpost.benchmarks;

import dev.hookpost.AddressGuard;
import dev.hookpost.Attempt;
import dev.hookpost.DeliveryListener;
import dev.hookpost.Event;
import dev.hookpost.RetryPolicy;
import dev.hookpost.SendHandle;
import dev.hookpost.spi.StoredDelivery;
import dev.hookpost.Subscription;
import dev.hookpost.WebhookPublisher;
import dev.hookpost.okhttp.OkHttpTransport;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import okhttp3.Call;
import okhttp3.EventListener;
import okhttp3.OkHttpClient;
import okhttp3.Response;

/**
 * Where the time from {@code send} to the 204 goes, one request at a time, for Hookpost and for
 * the hand-written {@code execute()} loop side by side, from OkHttp's event-listener marks: when
 * the call starts, when the response headers are read, when the call ends, and when the sender
 * hears the 204 (Hookpost: the attempt's listener; hand-written: {@code execute()} returned and
 * the response is closed). A diagnostic for the latency figure, not part of {@code run.sh}: both
 * sides run in this one JVM, in batches of 2,000 taken in turn after each has warmed up (the
 * first batch of each is overwritten by the next).
 *
 * <pre>java dev.hookpost.benchmarks.LatencyBreakdown http://127.0.0.1:18080/hook</pre>
 */
public final class LatencyBreakdown {
  private static final String[] MARKS = {"send returns", "call starts", "response headers read", "call ends",
      "the sender hears the 204"};
  private static final int BATCH = 2_000;
  private static final int BATCHES = 10;

  private LatencyBreakdown() {}

  /** OkHttp's marks of the last call, in {@code System.nanoTime()}. */
  static final class Marks extends EventListener {
    final AtomicLong callStart = new AtomicLong();
    final AtomicLong headersEnd = new AtomicLong();
    final AtomicLong callEnd = new AtomicLong();

    @Override
    public void callStart(Call call) {
      callStart.set(System.nanoTime());
    }

    @Override
    public void responseHeadersEnd(Call call, Response response) {
      headersEnd.set(System.nanoTime());
    }

    @Override
    public void callEnd(Call call) {
      callEnd.set(System.nanoTime());
    }
  }

  public static void main(String[] args) throws Exception {
    String url = args[0];
    Marks hookpostMarks = new Marks();
    AtomicLong heard = new AtomicLong();
    WebhookPublisher publisher = WebhookPublisher.builder()
        .transport(OkHttpTransport.builder().client(new OkHttpClient.Builder().eventListener(hookpostMarks).build())
            .addressGuard(AddressGuard.publicOnly().allowing("127.0.0.1")).build())
        .retryPolicy(RetryPolicy.none()).maxConcurrencyPerEndpoint(1)
        .subscription(HttpBench.healthy(url))
        .listener(new DeliveryListener() {
          @Override
          public void onAttempt(StoredDelivery d, Subscription s, Attempt a) {
            heard.set(System.nanoTime());
          }
        }).build();
    Marks baselineMarks = new Marks();
    OkHttpClient baseline = HttpBench.baselineClient(5).newBuilder().eventListener(baselineMarks).build();

    HttpBench.warmUp("latency-breakdown", "hookpost", k -> { // until the JIT is quiet, as run.sh's figures
      for (int i = 0; i < k; i++) {
        publisher.send(Event.of("order.created", Payloads.oneKib(i))).outcomes().get(10, TimeUnit.SECONDS);
      }
      return k;
    });
    HttpBench.warmUp("latency-breakdown", "sync", k -> {
      for (int i = 0; i < k; i++) {
        HttpBench.baselineCall(baseline, url, i);
      }
      return k;
    });
    long[][] hookpost = new long[MARKS.length][BATCH * BATCHES];
    long[][] sync = new long[MARKS.length][BATCH * BATCHES];
    // Batches in turn, the order swapped each time, after one untimed batch each.
    for (int b = -1; b < BATCHES; b++) {
      for (int side = 0; side < 2; side++) {
        boolean hookpostNow = (side == 0) == (b % 2 == 0);
        for (int k = 0; k < BATCH; k++) {
          int i = Math.max(b, 0) * BATCH + k;
          long t0 = System.nanoTime();
          if (hookpostNow) {
            SendHandle h = publisher.send(Event.of("order.created", Payloads.oneKib(i)));
            hookpost[0][i] = System.nanoTime() - t0;
            h.outcomes().get(10, TimeUnit.SECONDS);
            record(hookpost, i, t0, hookpostMarks, heard.get());
          } else {
            HttpBench.baselineCall(baseline, url, i);
            long done = System.nanoTime();
            sync[0][i] = Long.MIN_VALUE; // the hand-written loop has no send to return from
            record(sync, i, t0, baselineMarks, done);
          }
        }
      }
    }
    System.out.println("microseconds from the start, " + BATCH * BATCHES + " requests one at a time per side");
    print("Hookpost", hookpost);
    print("hand-written execute()", sync);
    publisher.close();
    System.exit(0);
  }

  private static void record(long[][] into, int i, long t0, Marks m, long heard) {
    into[1][i] = m.callStart.get() - t0;
    into[2][i] = m.headersEnd.get() - t0;
    into[3][i] = m.callEnd.get() - t0;
    into[4][i] = heard - t0;
  }

  private static void print(String side, long[][] marks) {
    System.out.println(side);
    for (int m = 0; m < MARKS.length; m++) {
      long[] v = marks[m];
      if (v[0] == Long.MIN_VALUE) {
        continue;
      }
      Arrays.sort(v);
      int n = v.length;
      System.out.printf("  %-26s p50 %7.1f   p90 %7.1f   p99 %7.1f%n", MARKS[m], v[n / 2] / 1e3, v[n * 9 / 10] / 1e3,
          v[n * 99 / 100] / 1e3);
    }
  }
}
