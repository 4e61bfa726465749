package dev.hookpost.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A clock and scheduler that move only when the test advances them. */
class VirtualTimeTest {
  static final Instant ORIGIN = Instant.parse("2024-05-01T12:00:00Z");

  final VirtualTime time = VirtualTime.startingAt(ORIGIN);
  final ScheduledExecutorService scheduler = time.scheduler();
  final List<String> ran = Collections.synchronizedList(new ArrayList<>());

  Runnable log(String name) {
    return () -> ran.add(name + "@" + Duration.between(ORIGIN, time.now()));
  }

  @Test
  void startsAtTheGivenInstantAndStandsStill() {
    assertThat(time.now()).isEqualTo(ORIGIN);
    assertThat(time.clock().instant()).isEqualTo(ORIGIN);
  }

  @Test
  void startStartsAtTheRealCurrentInstant() {
    Instant before = Instant.now();

    Instant started = VirtualTime.start().now();

    assertThat(started).isBetween(before, Instant.now());
  }

  @Test
  void advanceMovesTheClock() {
    Clock clock = time.clock();

    time.advance(Duration.ofHours(2));

    assertThat(clock.instant()).isEqualTo(ORIGIN.plus(Duration.ofHours(2)));
    assertThat(clock.millis()).isEqualTo(ORIGIN.plus(Duration.ofHours(2)).toEpochMilli());
    assertThat(clock.getZone()).isEqualTo(ZoneOffset.UTC);
  }

  @Test
  void theClockKeepsVirtualTimeInAnotherZone() {
    Clock paris = time.clock().withZone(ZoneId.of("Europe/Paris"));

    time.advance(Duration.ofMinutes(1));

    assertThat(paris.getZone()).isEqualTo(ZoneId.of("Europe/Paris"));
    assertThat(paris.instant()).isEqualTo(ORIGIN.plusSeconds(60));
  }

  @Test
  void advanceRunsDueTasksInTimeOrder() {
    scheduler.schedule(log("c"), 30, TimeUnit.SECONDS);
    scheduler.schedule(log("a"), 10, TimeUnit.SECONDS);
    scheduler.schedule(log("b"), 20, TimeUnit.SECONDS);

    time.advance(Duration.ofMinutes(1));

    assertThat(ran).containsExactly("a@PT10S", "b@PT20S", "c@PT30S");
    assertThat(time.now()).isEqualTo(ORIGIN.plusSeconds(60));
  }

  @Test
  void tasksDueAtTheSameTimeRunInTheOrderScheduled() {
    scheduler.schedule(log("first"), 5, TimeUnit.SECONDS);
    scheduler.schedule(log("second"), 5, TimeUnit.SECONDS);

    time.advance(Duration.ofSeconds(5));

    assertThat(ran).containsExactly("first@PT5S", "second@PT5S");
  }

  @Test
  void tasksNotYetDueWait() {
    scheduler.schedule(log("later"), 10, TimeUnit.SECONDS);

    time.advance(Duration.ofSeconds(9));

    assertThat(ran).isEmpty();
    assertThat(time.pendingTasks()).isEqualTo(1);
    time.advance(Duration.ofSeconds(1));
    assertThat(ran).containsExactly("later@PT10S");
    assertThat(time.pendingTasks()).isZero();
  }

  @Test
  void tasksScheduledByTasksWithinTheWindowRunToo() {
    scheduler.schedule(() -> {
      log("outer").run();
      scheduler.schedule(log("inner"), 5, TimeUnit.SECONDS);
      scheduler.schedule(log("too late"), 50, TimeUnit.SECONDS);
    }, 10, TimeUnit.SECONDS);

    time.advance(Duration.ofSeconds(20));

    assertThat(ran).containsExactly("outer@PT10S", "inner@PT15S");
    assertThat(time.pendingTasks()).isEqualTo(1);
  }

  @Test
  void runDueRunsWhatIsDueNowWithoutMovingTime() {
    scheduler.schedule(log("now"), 0, TimeUnit.SECONDS);
    scheduler.schedule(log("later"), 1, TimeUnit.SECONDS);

    time.runDue();

    assertThat(ran).containsExactly("now@PT0S");
    assertThat(time.now()).isEqualTo(ORIGIN);
  }

  @Test
  void advanceRefusesGoingBack() {
    assertThatThrownBy(() -> time.advance(Duration.ofSeconds(-1))).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("amount must be zero or positive, was PT-1S");
  }

  @Test
  void executeRunsInlineOnTheCallingThread() {
    Thread caller = Thread.currentThread();
    List<Thread> ranOn = new ArrayList<>();

    scheduler.execute(() -> ranOn.add(Thread.currentThread()));

    assertThat(ranOn).containsExactly(caller);
    assertThat(time.scheduledDelays()).isEmpty();
  }

  @Test
  void submitRunsInlineAndCompletes() throws Exception {
    Future<String> f = scheduler.submit(() -> "done");

    assertThat(f).isDone();
    assertThat(f.get()).isEqualTo("done");
  }

  @Test
  void cancelRemovesAScheduledTask() {
    ScheduledFuture<?> f = scheduler.schedule(log("cancelled"), 10, TimeUnit.SECONDS);

    assertThat(f.cancel(false)).isTrue();
    time.advance(Duration.ofMinutes(1));

    assertThat(ran).isEmpty();
    assertThat(f.isCancelled()).isTrue();
    assertThat(time.pendingTasks()).isZero();
  }

  @Test
  void aTaskThatRanCannotBeCancelled() {
    ScheduledFuture<?> f = scheduler.schedule(log("ran"), 1, TimeUnit.SECONDS);
    time.advance(Duration.ofSeconds(1));

    assertThat(f.cancel(false)).isFalse();
    assertThat(f.isDone()).isTrue();
    assertThat(f.isCancelled()).isFalse();
  }

  @Test
  void aScheduledCallableCompletesWithItsValue() throws Exception {
    ScheduledFuture<String> f = scheduler.schedule(() -> "value", 1, TimeUnit.SECONDS);

    assertThat(f.isDone()).isFalse();
    assertThat(f.getDelay(TimeUnit.MILLISECONDS)).isEqualTo(1000);
    time.advance(Duration.ofSeconds(1));

    assertThat(f.get()).isEqualTo("value");
    assertThat(f.getDelay(TimeUnit.MILLISECONDS)).isZero();
  }

  @Test
  void aFailingTaskCompletesItsFutureExceptionallyAndOthersStillRun() {
    ScheduledFuture<?> f = scheduler.schedule(() -> {
      throw new IllegalStateException("boom");
    }, 1, TimeUnit.SECONDS);
    scheduler.schedule(log("after"), 2, TimeUnit.SECONDS);

    time.advance(Duration.ofSeconds(2));

    assertThatThrownBy(f::get).isInstanceOf(ExecutionException.class).hasRootCauseMessage("boom");
    assertThat(ran).containsExactly("after@PT2S");
  }

  @Test
  void scheduledDelaysRecordsEveryDelayInTheOrderAsked() {
    scheduler.schedule(log("a"), 5, TimeUnit.SECONDS);
    scheduler.schedule(log("b"), 300, TimeUnit.MILLISECONDS);
    scheduler.schedule(log("c"), -1, TimeUnit.SECONDS); // negative means at once, as in the JDK

    assertThat(time.scheduledDelays()).containsExactly(Duration.ofSeconds(5), Duration.ofMillis(300), Duration.ZERO);
  }

  @Test
  void scheduledDelaysIsASnapshot() {
    List<Duration> before = time.scheduledDelays();

    scheduler.schedule(log("a"), 5, TimeUnit.SECONDS);

    assertThat(before).isEmpty();
    assertThatThrownBy(() -> time.scheduledDelays().clear()).isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void fixedRateTasksRepeatEveryPeriod() {
    scheduler.scheduleAtFixedRate(log("tick"), 1, 2, TimeUnit.SECONDS);

    time.advance(Duration.ofSeconds(6));

    assertThat(ran).containsExactly("tick@PT1S", "tick@PT3S", "tick@PT5S");
    assertThat(time.pendingTasks()).isEqualTo(1);
  }

  @Test
  void fixedDelayTasksRepeatToo() {
    scheduler.scheduleWithFixedDelay(log("tick"), 0, 10, TimeUnit.SECONDS);

    time.advance(Duration.ofSeconds(20));

    assertThat(ran).containsExactly("tick@PT0S", "tick@PT10S", "tick@PT20S");
  }

  @Test
  void cancellingARepeatingTaskStopsIt() {
    ScheduledFuture<?> f = scheduler.scheduleAtFixedRate(log("tick"), 1, 1, TimeUnit.SECONDS);
    time.advance(Duration.ofSeconds(2));

    assertThat(f.cancel(false)).isTrue();
    time.advance(Duration.ofSeconds(10));

    assertThat(ran).containsExactly("tick@PT1S", "tick@PT2S");
    assertThat(time.pendingTasks()).isZero();
    assertThat(f.isCancelled()).isTrue();
  }

  @Test
  void aRepeatingTaskThatFailsStopsRepeating() {
    List<Integer> runs = new ArrayList<>();
    ScheduledFuture<?> f = scheduler.scheduleAtFixedRate(() -> {
      runs.add(runs.size() + 1);
      if (runs.size() == 2) {
        throw new IllegalStateException("second run fails");
      }
    }, 1, 1, TimeUnit.SECONDS);

    time.advance(Duration.ofSeconds(10));

    assertThat(runs).containsExactly(1, 2);
    assertThat(f.isDone()).isTrue();
    assertThat(time.pendingTasks()).isZero();
  }

  @Test
  void repeatingRefusesAPeriodThatIsNotPositive() {
    assertThatThrownBy(() -> scheduler.scheduleAtFixedRate(log("x"), 0, 0, TimeUnit.SECONDS))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("period must be positive, was 0");
  }

  @Test
  void awaitScheduledReturnsAsSoonAsAnotherThreadScheduled() {
    CompletableFuture.runAsync(() -> scheduler.schedule(log("retry"), 5, TimeUnit.SECONDS));

    long start = System.nanoTime();
    List<Duration> delays = time.awaitScheduled(1, Duration.ofSeconds(30));

    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    assertThat(delays).containsExactly(Duration.ofSeconds(5));
  }

  @Test
  void awaitScheduledFailsWithWhatWasScheduled() {
    scheduler.schedule(log("retry"), 5, TimeUnit.SECONDS);

    assertThatThrownBy(() -> time.awaitScheduled(2, Duration.ofMillis(50)))
        .isInstanceOf(AssertionError.class)
        .hasMessage("expected 2 scheduled tasks within PT0.05S but 1 were scheduled: [PT5S]");
  }

  @Test
  void aShutDownSchedulerRefusesNewTasks() {
    scheduler.shutdown();

    assertThat(scheduler.isShutdown()).isTrue();
    assertThatThrownBy(() -> scheduler.schedule(log("x"), 1, TimeUnit.SECONDS))
        .isInstanceOf(RejectedExecutionException.class).hasMessage("the virtual scheduler is shut down");
    assertThatThrownBy(() -> scheduler.execute(log("x"))).isInstanceOf(RejectedExecutionException.class);
  }

  @Test
  void shutdownNowHandsBackThePendingTasks() {
    scheduler.schedule(log("a"), 1, TimeUnit.SECONDS);
    scheduler.schedule(log("b"), 2, TimeUnit.SECONDS);

    assertThat(scheduler.shutdownNow()).hasSize(2);
    time.advance(Duration.ofSeconds(5));
    assertThat(ran).isEmpty();
  }
}
