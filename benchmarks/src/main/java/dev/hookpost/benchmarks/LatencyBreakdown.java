package dev.hookpost.benchmarks;

import dev.hookpost.AddressGuard;
import dev.hookpost.Attempt;
import dev.hookpost.DeliveryListener;
import dev.hookpost.Event;
import dev.hookpost.RetryPolicy;
import dev.hookpost.SendHandle;
import dev.hookpost.StoredDelivery;
import dev.hookpost.Subscription;
import dev.hookpost.WebhookPublisher;
import dev.hookpost.okhttp.OkHttpTransport;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import okhttp3.Call;
import okhttp3.EventListener;
import okhttp3.OkHttpClient;
import okhttp3.Response;

/**
 * Where the time from {@code send} to the 204 goes, one delivery at a time: when {@code send}
 * returns, when OkHttp starts the call on a transport worker, when the response headers are
 * read, when the call ends, and when the attempt's listener hears it. Not part of {@code run.sh}.
 *
 * <pre>java dev.hookpost.benchmarks.LatencyBreakdown http://127.0.0.1:18080/hook</pre>
 */
public final class LatencyBreakdown {
  private LatencyBreakdown() {}

  public static void main(String[] args) throws Exception {
    String url = args[0];
    AtomicLong callStart = new AtomicLong();
    AtomicLong headersEnd = new AtomicLong();
    AtomicLong callEnd = new AtomicLong();
    AtomicLong heard = new AtomicLong();
    OkHttpClient client = new OkHttpClient.Builder().eventListener(new EventListener() {
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
    }).build();
    WebhookPublisher publisher = WebhookPublisher.builder()
        .transport(OkHttpTransport.builder().client(client)
            .addressGuard(AddressGuard.publicOnly().allowing("127.0.0.1")).build())
        .retryPolicy(RetryPolicy.none()).maxConcurrencyPerEndpoint(1)
        .subscription(HttpBench.sub(url, "bench"))
        .listener(new DeliveryListener() {
          @Override
          public void onAttempt(StoredDelivery d, Subscription s, Attempt a) {
            heard.set(System.nanoTime());
          }
        }).build();
    HttpBench.warmUp("latency-breakdown", "hookpost", k -> { // until the JIT is quiet, as run.sh's figures
      for (int i = 0; i < k; i++) {
        publisher.send(Event.of("order.created", Payloads.oneKib(i))).outcomes().get(10, TimeUnit.SECONDS);
      }
      return k;
    });
    int n = 20_000;
    Map<String, long[]> marks = new LinkedHashMap<>();
    for (String mark : new String[] {"send returns", "call starts", "response headers read", "call ends",
        "listener hears the 204"}) {
      marks.put(mark, new long[n]);
    }
    for (int i = 0; i < n; i++) {
      long t0 = System.nanoTime();
      SendHandle h = publisher.send(Event.of("order.created", Payloads.oneKib(i)));
      marks.get("send returns")[i] = System.nanoTime() - t0;
      h.outcomes().get(10, TimeUnit.SECONDS);
      marks.get("call starts")[i] = callStart.get() - t0;
      marks.get("response headers read")[i] = headersEnd.get() - t0;
      marks.get("call ends")[i] = callEnd.get() - t0;
      marks.get("listener hears the 204")[i] = heard.get() - t0;
    }
    System.out.println("microseconds after send was called, " + n + " deliveries one at a time");
    for (Map.Entry<String, long[]> m : marks.entrySet()) {
      long[] v = m.getValue();
      Arrays.sort(v);
      System.out.printf("%-24s p50 %7.1f   p90 %7.1f   p99 %7.1f%n", m.getKey(), v[n / 2] / 1e3, v[n * 9 / 10] / 1e3,
          v[n * 99 / 100] / 1e3);
    }
    publisher.close();
    System.exit(0);
  }
}
