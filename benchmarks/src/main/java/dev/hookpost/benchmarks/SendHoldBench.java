package dev.hookpost.benchmarks;

import dev.hookpost.AddressGuard;
import dev.hookpost.Event;
import dev.hookpost.RetryPolicy;
import dev.hookpost.SendHandle;
import dev.hookpost.Signer;
import dev.hookpost.Subscription;
import dev.hookpost.WebhookPublisher;
import dev.hookpost.okhttp.OkHttpTransport;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * How long {@code send} holds the caller's thread at low load, with the real OkHttp transport
 * and the receiver {@code run.sh} starts (system property {@code url}, default
 * {@code http://127.0.0.1:18080/}): validate, serialize once, match, enqueue, and hand the
 * claiming and signing of the first deliveries to a transport worker. Before each timed
 * {@code send} (untimed) the previous event's deliveries have all been answered and the
 * publisher has been idle for 0.3 ms, so idle transport workers have gone to sleep: the caller
 * pays for waking one. The trial starts with 40,000 untimed deliveries for the JIT. {@code run.sh}
 * runs it with {@code -XX:+AlwaysPreTouch}, as a JVM that has run a while has touched its heap:
 * in a fresh one, the sends' first allocations fault pages in.
 *
 * <p>With {@code tenants} above 0 the in-memory registry holds {@code subscriptions} per tenant
 * for that many tenants, and each send is for the next tenant in turn: {@code -p subscriptions=10
 * -p tenants=1,10000} compares 10 subscriptions in all with 100,000 over 10,000 tenants.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class SendHoldBench {
  static final int WARMUP_SENDS = 40_000;

  @Param({"1", "100"})
  int subscriptions;

  /** 0: subscriptions without a tenant; otherwise this many tenants of {@code subscriptions} each. */
  @Param({"0"})
  int tenants;
  int next;

  WebhookPublisher publisher;
  SendHandle previous;
  Map<String, Object> data = Payloads.oneKib(1);

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    String url = System.getProperty("url", "http://127.0.0.1:18080/");
    WebhookPublisher.Builder b = WebhookPublisher.builder()
        .transport(OkHttpTransport.builder().addressGuard(AddressGuard.publicOnly().allowing("127.0.0.1")).build())
        .retryPolicy(RetryPolicy.none());
    String secret = Signer.generateSecret();
    for (int t = 0; t < Math.max(1, tenants); t++) {
      for (int i = 0; i < subscriptions; i++) {
        b.subscription(Subscription.builder().id("s" + i + "-" + t).tenant(tenants == 0 ? null : "t" + t)
            .endpoint(url + "s/" + i).secret(secret).build());
      }
    }
    publisher = b.build();
    // The JIT needs tens of thousands of sends, far more than the timed iterations make at low load.
    for (int i = 0; i < WARMUP_SENDS / subscriptions; i++) {
      send().outcomes().get(10, TimeUnit.SECONDS);
    }
  }

  /** Untimed: the previous event's deliveries are answered, and the publisher has idled a while. */
  @Setup(Level.Invocation)
  public void quiet() throws Exception {
    if (previous != null) {
      previous.outcomes().get(10, TimeUnit.SECONDS);
    }
    LockSupport.parkNanos(Long.getLong("idleNanos", 300_000));
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    publisher.shutdown(Duration.ofSeconds(10));
  }

  @Benchmark
  public SendHandle send() {
    previous = publisher.send(Event.of("order.created", data).forTenant(tenants == 0 ? null : "t" + (next++ % tenants)));
    return previous;
  }
}
