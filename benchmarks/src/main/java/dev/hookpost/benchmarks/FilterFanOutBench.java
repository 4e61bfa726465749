package dev.hookpost.benchmarks;

import dev.hookpost.ContentFilter;
import dev.hookpost.Event;
import dev.hookpost.WebhookPublisher;
import java.time.Duration;
import java.util.List;
import java.util.Map;
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
 * One 1 KiB event fanned out to 1,000 subscriptions, until every outcome is complete, through a
 * transport that answers 204 at once (no network: the engine's CPU is all there is to measure).
 * {@code filtered=true} gives each subscription a content filter of three conditions that the
 * event matches, so both sides make 1,000 deliveries; the difference is parsing the envelope
 * once and evaluating 1,000 filters.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class FilterFanOutBench {
  static final int SUBSCRIPTIONS = 1_000;

  @Param({"false", "true"})
  boolean filtered;

  WebhookPublisher publisher;
  Map<String, Object> data = Payloads.oneKib(1);

  @Setup(Level.Trial)
  public void setUp() {
    WebhookPublisher.Builder b = EngineBench.answeringAtOnce();
    ContentFilter filter = ContentFilter.and(ContentFilter.eq("/data/currency", "EUR"),
        ContentFilter.gte("/data/totalCents", 10_000), ContentFilter.prefix("/data/orderId", "A-"));
    for (int i = 0; i < SUBSCRIPTIONS; i++) {
      b.subscription(EngineBench.subscription("s" + i, "s/" + i).filter(filtered ? filter : null).build());
    }
    publisher = b.build();
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    publisher.shutdown(Duration.ofSeconds(10));
  }

  @Benchmark
  public Object fanOut() {
    List<?> outcomes = publisher.send(Event.of("order.created", data)).outcomes().join();
    if (outcomes.size() != SUBSCRIPTIONS) {
      throw new IllegalStateException("expected " + SUBSCRIPTIONS + " outcomes, got " + outcomes.size());
    }
    return outcomes;
  }
}
