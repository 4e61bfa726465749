package dev.hookpost.testing;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * What the fake receiver and the recording transport share: scripted answers and the record of
 * what arrived. Thread-safe.
 *
 * @param <S> the concrete type, returned by the scripting methods for chaining
 */
abstract class ScriptedRecorder<S extends ScriptedRecorder<S>> implements RecordedDeliveries {
  final DeliveryLog log = new DeliveryLog();
  final Script script = new Script();
  private final String source;

  ScriptedRecorder(String source) {
    this.source = source;
  }

  abstract S self();

  /** Queues answers for the next requests to any path, in order; then the default answer. */
  public S respondWith(Answer... answers) {
    for (Answer a : answers) {
      script.add(null, Objects.requireNonNull(a, "answer"));
    }
    return self();
  }

  /** Queues {@code answer} for the next {@code times} requests, e.g. {@code respondWith(2, Answer.status(503))}. */
  public S respondWith(int times, Answer answer) {
    if (times < 0) {
      throw new IllegalArgumentException("times must be zero or more, was " + times);
    }
    Objects.requireNonNull(answer, "answer");
    for (int i = 0; i < times; i++) {
      script.add(null, answer);
    }
    return self();
  }

  /** Queues answers for the next requests to {@code path} (without query) only; they come before the global queue. */
  public S respondOn(String path, Answer... answers) {
    String p = Objects.requireNonNull(path, "path").startsWith("/") ? path : "/" + path;
    for (Answer a : answers) {
      script.add(p, Objects.requireNonNull(a, "answer"));
    }
    return self();
  }

  /** Sets the answer given when nothing is queued. Default {@link Answer#ok()} (204). */
  public S defaultAnswer(Answer answer) {
    Objects.requireNonNull(answer, "answer");
    script.fallback(() -> answer);
    return self();
  }

  /**
   * Asks {@code answers} for the answer to each request when nothing is queued, e.g. random
   * faults: {@code defaultAnswer(() -> random.nextInt(10) == 0 ? Answer.status(503) : Answer.ok())}.
   */
  public S defaultAnswer(Supplier<Answer> answers) {
    script.fallback(Objects.requireNonNull(answers, "answers"));
    return self();
  }

  @Override
  public List<ReceivedDelivery> deliveries() {
    return log.snapshot();
  }

  @Override
  public List<ReceivedDelivery> awaitDeliveries(int count, Duration timeout) {
    return log.awaitCount(count, timeout, source, this::explain);
  }

  @Override
  public ReceivedDelivery awaitEvent(String type, Duration timeout) {
    return log.awaitType(type, timeout, source, this::explain);
  }

  /** More on why a wait that got only {@code got} failed, appended to its message; "" when there is nothing more. */
  String explain(List<ReceivedDelivery> got) {
    return "";
  }

  /** Forgets deliveries and scripted answers. */
  @Override
  public void reset() {
    log.clear();
    script.reset();
  }
}
