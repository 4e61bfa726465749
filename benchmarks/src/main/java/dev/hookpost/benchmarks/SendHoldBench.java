package dev.hookpost.benchmarks;

import dev.hookpost.Event;
import dev.hookpost.SendHandle;
import dev.hookpost.Signer;
import dev.hookpost.Subscription;
import dev.hookpost.TransportResponse;
import dev.hookpost.WebhookPublisher;
import java.util.List;
import java.util.Map;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
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
 * How long {@code send} holds the caller's thread: validate, serialize once, match, enqueue one
 * delivery per subscription in the in-memory store, wake the dispatcher. The scheduler here
 * drops the dispatcher's task, so only the caller's share is timed (the network work runs on
 * other threads in real use); a fresh publisher every iteration keeps the store small.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class SendHoldBench {
  @Param({"1", "100"})
  int subscriptions;

  WebhookPublisher publisher;
  Map<String, Object> data = Payloads.oneKib(1);

  @Setup(Level.Iteration)
  public void setUp() {
    WebhookPublisher.Builder b = WebhookPublisher.builder()
        .transport(r -> CompletableFuture.completedFuture(TransportResponse.of(204)))
        .scheduler(new DroppingScheduler())
        .maxPendingDeliveries(Integer.MAX_VALUE)
        .maxPendingPerSubscription(Integer.MAX_VALUE);
    String secret = Signer.generateSecret();
    for (int i = 0; i < subscriptions; i++) {
      b.subscription(Subscription.builder().id("s" + i).endpoint("https://receiver.example/s/" + i).secret(secret)
          .build());
    }
    publisher = b.build();
  }

  @TearDown(Level.Iteration)
  public void tearDown() {
    publisher = null; // dropped, not closed: closing would hand back every pending delivery
  }

  @Benchmark
  public SendHandle send() {
    return publisher.send(Event.of("order.created", data));
  }

  /** Accepts work and never runs it. */
  static final class DroppingScheduler extends AbstractExecutorService implements ScheduledExecutorService {
    @Override public void execute(Runnable command) { }
    @Override public ScheduledFuture<?> schedule(Runnable c, long d, TimeUnit u) { return null; }
    @Override public <V> ScheduledFuture<V> schedule(Callable<V> c, long d, TimeUnit u) { return null; }
    @Override public ScheduledFuture<?> scheduleAtFixedRate(Runnable c, long i, long p, TimeUnit u) { return null; }
    @Override public ScheduledFuture<?> scheduleWithFixedDelay(Runnable c, long i, long d, TimeUnit u) { return null; }
    @Override public void shutdown() { }
    @Override public List<Runnable> shutdownNow() { return List.of(); }
    @Override public boolean isShutdown() { return false; }
    @Override public boolean isTerminated() { return false; }
    @Override public boolean awaitTermination(long t, TimeUnit u) { return true; }
  }
}
