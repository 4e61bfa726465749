package dev.hookpost.okhttp;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import okhttp3.Call;
import okhttp3.EventListener;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import org.junit.jupiter.api.Test;

class CallDeadlinesTest {
  private final OkHttpClient client = new OkHttpClient();
  private final CallDeadlines deadlines = new CallDeadlines(TimeUnit.MILLISECONDS.toNanos(200),
      TimeUnit.MILLISECONDS.toNanos(20));

  private Call call() {
    return client.newCall(new Request.Builder().url("http://127.0.0.1:9/").build());
  }

  @Test
  void cancelsACallStillRunningAtItsDeadline() throws Exception {
    Call call = call();
    CallDeadlines.Deadline d = deadlines.start(call);

    awaitTrue(d::expired, Duration.ofSeconds(5));

    assertThat(call.isCanceled()).isTrue();
  }

  @Test
  void letsACallRunUntilItsDeadline() throws Exception {
    Call call = call();
    CallDeadlines.Deadline d = deadlines.start(call);

    Thread.sleep(100); // half its 200 ms, five ticks

    assertThat(d.expired()).isFalse();
    assertThat(call.isCanceled()).isFalse();
  }

  @Test
  void keepsCuttingCallsAfterAnEventListenerThrowsOnCancel() throws Exception {
    OkHttpClient throwing = client.newBuilder().eventListener(new EventListener() {
      @Override
      public void canceled(Call call) {
        throw new IllegalStateException("a listener of the application failed");
      }
    }).build();
    Thread.UncaughtExceptionHandler quiet = (t, e) -> { };
    CallDeadlines.Deadline first = deadlines.start(
        throwing.newCall(new Request.Builder().url("http://127.0.0.1:9/").build()));
    Thread checker = awaitThread("hookpost-call-deadlines");
    Thread.UncaughtExceptionHandler before = checker.getUncaughtExceptionHandler();
    checker.setUncaughtExceptionHandler(quiet);
    try {
      awaitTrue(first::expired, Duration.ofSeconds(5));

      Call second = call();
      CallDeadlines.Deadline d = deadlines.start(second);

      awaitTrue(d::expired, Duration.ofSeconds(5));
      assertThat(second.isCanceled()).isTrue();
    } finally {
      checker.setUncaughtExceptionHandler(before);
    }
  }

  @Test
  void leavesACallThatEndedInTimeAlone() throws Exception {
    Call call = call();
    deadlines.end(deadlines.start(call));

    Thread.sleep(400); // past its deadline, and many ticks

    assertThat(call.isCanceled()).isFalse();
  }

  @Test
  void stopsCheckingWhenNoCallIsRunningAndStartsAgainWithTheNextOne() throws Exception {
    deadlines.end(deadlines.start(call()));
    awaitTrue(() -> !deadlines.ticking(), Duration.ofSeconds(5));

    Call next = call();
    CallDeadlines.Deadline d = deadlines.start(next);

    awaitTrue(d::expired, Duration.ofSeconds(5));
    assertThat(next.isCanceled()).isTrue();
  }

  @Test
  void ticksATenthOfTheTimeoutBetweenTenMillisecondsAndOneSecond() {
    assertThat(CallDeadlines.tickFor(TimeUnit.SECONDS.toNanos(15))).isEqualTo(TimeUnit.SECONDS.toNanos(1));
    assertThat(CallDeadlines.tickFor(TimeUnit.SECONDS.toNanos(2))).isEqualTo(TimeUnit.MILLISECONDS.toNanos(200));
    assertThat(CallDeadlines.tickFor(TimeUnit.MILLISECONDS.toNanos(50))).isEqualTo(TimeUnit.MILLISECONDS.toNanos(10));
  }

  @Test
  void reportsACutCallAsATimeoutNamingTheLimit() {
    assertThat(deadlines.timedOut(new java.io.IOException("Canceled")))
        .hasMessage("timeout: no complete answer within the call timeout of 200 ms")
        .hasCauseInstanceOf(java.io.IOException.class);
  }

  private static Thread awaitThread(String name) throws Exception {
    long end = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (true) {
      for (Thread t : Thread.getAllStackTraces().keySet()) {
        if (t.getName().equals(name)) {
          return t;
        }
      }
      assertThat(System.nanoTime() - end).as("thread %s never started", name).isNegative();
      Thread.sleep(5);
    }
  }

  private static void awaitTrue(java.util.function.BooleanSupplier condition, Duration limit) throws Exception {
    long end = System.nanoTime() + limit.toNanos();
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime() - end).as("waited %s", limit).isNegative();
      Thread.sleep(5);
    }
  }
}
