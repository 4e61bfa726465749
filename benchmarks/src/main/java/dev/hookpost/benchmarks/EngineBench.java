package dev.hookpost.benchmarks;

import dev.hookpost.Event;
import dev.hookpost.RetryPolicy;
import dev.hookpost.Subscription;
import dev.hookpost.spi.Transport;
import dev.hookpost.spi.TransportResponse;
import dev.hookpost.WebhookPublisher;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The CPU a delivery costs apart from HTTP, on one thread, without a network: what the HTTP
 * figures cannot separate from the machine's noise.
 * <ul>
 *   <li>{@code hookpost}: {@code send} of a 1 KiB event to one subscription, through a transport
 *       that answers 204 at once, until its outcome is complete: event, serialization, matching,
 *       store, claim, endpoint queue, signature, outcome, all on the caller's thread.
 *   <li>{@code handWritten}: what {@link HttpBench}'s hand-written sender does per request apart
 *       from OkHttp: serialize the same envelope, make an id and a timestamp, sign.
 * </ul>
 * The difference is the engine's bookkeeping per delivery. OkHttp's own work, the same on both
 * sides, is left out of both.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class EngineBench {
  WebhookPublisher publisher;
  Map<String, Object> data = Payloads.oneKib(1);

  /** A publisher without retries whose transport answers 204 at once, on the calling thread. */
  static WebhookPublisher.Builder answeringAtOnce() {
    CompletableFuture<TransportResponse> answered = CompletableFuture.completedFuture(TransportResponse.of(204));
    Transport instant = request -> answered;
    return WebhookPublisher.builder().transport(instant).retryPolicy(RetryPolicy.none());
  }

  /** A subscription {@code id} at {@code http://127.0.0.1:18080/<path>} (never called: the transport answers). */
  static Subscription.Builder subscription(String id, String path) {
    return Subscription.builder().id(id).endpoint("http://127.0.0.1:18080/" + path).secret(HttpBench.SECRET);
  }

  @Setup(Level.Trial)
  public void setUp() {
    publisher = answeringAtOnce()
        .subscription(subscription("s", "hook").build())
        .build();
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    publisher.shutdown(Duration.ofSeconds(10));
  }

  @Benchmark
  public Object hookpost() {
    List<?> outcomes = publisher.send(Event.of("order.created", data)).outcomes().join();
    if (outcomes.size() != 1) {
      throw new IllegalStateException("expected one outcome, got " + outcomes);
    }
    return outcomes;
  }

  @Benchmark
  public Object handWritten() throws Exception {
    return HttpBench.baselineMessage(data);
  }
}
