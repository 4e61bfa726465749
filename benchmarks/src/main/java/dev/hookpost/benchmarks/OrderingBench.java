package dev.hookpost.benchmarks;

import dev.hookpost.Event;
import dev.hookpost.SendHandle;
import dev.hookpost.WebhookPublisher;
import java.time.Duration;
import java.util.ArrayList;
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
 * A burst of 10,000 1 KiB events to one endpoint, until every outcome is complete, through a
 * transport that answers 204 at once (so that the engine's cost of ordering is all there is to
 * measure). {@code ordered=true} gives the events 1,000 ordering keys in turn, so each key's ten
 * deliveries go one after the other; {@code false} sends them without a key.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class OrderingBench {
  static final int EVENTS = 10_000;
  static final int KEYS = 1_000;

  @Param({"false", "true"})
  boolean ordered;

  WebhookPublisher publisher;
  Map<String, Object> data = Payloads.oneKib(1);

  @Setup(Level.Trial)
  public void setUp() {
    publisher = EngineBench.answeringAtOnce()
        .subscription(EngineBench.subscription("s", "hook").build())
        .build();
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    publisher.shutdown(Duration.ofSeconds(10));
  }

  @Benchmark
  public Object burst() {
    List<SendHandle> handles = new ArrayList<>(EVENTS);
    for (int i = 0; i < EVENTS; i++) {
      Event e = Event.of("order.updated", data);
      handles.add(publisher.send(ordered ? e.withOrderingKey("order-" + i % KEYS) : e));
    }
    for (SendHandle h : handles) {
      h.outcomes().join();
    }
    return handles;
  }
}
