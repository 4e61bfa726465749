package dev.hookpost.okhttp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class TrampolineExecutorTest {
  private static Thread runOn(TrampolineExecutor executor) throws Exception {
    CompletableFuture<Thread> ran = new CompletableFuture<>();
    executor.submit(() -> ran.complete(Thread.currentThread()));
    return ran.get(10, TimeUnit.SECONDS);
  }

  /** Waits for {@code latch} on a worker thread, keeping the interrupt if there is one. */
  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Waits up to 5 s until the executor's spinning state is {@code wanted}; returns the state then. */
  private static boolean awaitSpinning(TrampolineExecutor executor, boolean wanted) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (executor.spinning() != wanted && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
    return executor.spinning();
  }

  @Test
  void workSubmittedWhileAnIdleWorkerSpinsRunsOnThatWorker() throws Exception {
    TrampolineExecutor executor = new TrampolineExecutor(4, TimeUnit.MILLISECONDS.toNanos(500));
    try {
      Thread first = runOn(executor);
      assertThat(awaitSpinning(executor, true)).isTrue();

      Thread second = runOn(executor);

      assertThat(second).isSameAs(first);
    } finally {
      executor.shutdown();
    }
  }

  @Test
  void aSpinningWorkerStopsWhenThePoolShutsDownAndTakesNoMoreWork() throws Exception {
    TrampolineExecutor executor = new TrampolineExecutor(4, TimeUnit.SECONDS.toNanos(5));
    runOn(executor);
    assertThat(awaitSpinning(executor, true)).isTrue();

    executor.shutdown();

    assertThat(awaitSpinning(executor, false)).isFalse();
    assertThatThrownBy(() -> executor.submit(() -> { })).isInstanceOf(RejectedExecutionException.class);
  }

  @Test
  void workSubmittedFromAWorkerGoesToTheSpinningWorkerSoItStartsAtOnce() throws Exception {
    TrampolineExecutor executor = new TrampolineExecutor(4, TimeUnit.MILLISECONDS.toNanos(500));
    try {
      CountDownLatch go = new CountDownLatch(1);
      CompletableFuture<Thread> submitter = new CompletableFuture<>();
      CompletableFuture<Thread> submitted = new CompletableFuture<>();
      executor.submit(() -> { // the first worker, busy until told to go on
        awaitQuietly(go);
        submitter.complete(Thread.currentThread());
        executor.submit(() -> submitted.complete(Thread.currentThread()));
      });
      Thread second = runOn(executor); // a second worker, idle and spinning afterwards
      assertThat(awaitSpinning(executor, true)).isTrue();

      go.countDown();

      assertThat(submitted.get(10, TimeUnit.SECONDS)).isSameAs(second).isNotSameAs(submitter.get());
    } finally {
      executor.shutdown();
    }
  }

  @Test
  void theFirstWorkAPreparerSubmitsRunsOnThePreparersWorkerEvenWhileAnotherSpins() throws Exception {
    TrampolineExecutor executor = new TrampolineExecutor(4, TimeUnit.SECONDS.toNanos(5));
    try {
      CountDownLatch go = new CountDownLatch(1);
      CompletableFuture<Thread> preparer = new CompletableFuture<>();
      CompletableFuture<Thread> first = new CompletableFuture<>();
      CompletableFuture<Thread> second = new CompletableFuture<>();
      executor.submitPreparer(() -> { // busy until told to go on
        awaitQuietly(go);
        preparer.complete(Thread.currentThread());
        executor.submit(() -> first.complete(Thread.currentThread()));
        executor.submit(() -> second.complete(Thread.currentThread()));
      });
      Thread spinner = runOn(executor); // a second worker, idle and spinning afterwards
      assertThat(awaitSpinning(executor, true)).isTrue();

      go.countDown();

      assertThat(first.get(10, TimeUnit.SECONDS)).isSameAs(preparer.get());
      assertThat(second.get(10, TimeUnit.SECONDS)).isSameAs(spinner);
    } finally {
      executor.shutdown();
    }
  }

  @Test
  void workSubmittedFromAnotherExecutorsWorkerRunsOnThisExecutorsOwnThreads() throws Exception {
    TrampolineExecutor mine = new TrampolineExecutor(4, 0);
    TrampolineExecutor other = new TrampolineExecutor(4, 0);
    try {
      CompletableFuture<Thread> submitter = new CompletableFuture<>();
      CompletableFuture<Thread> ran = new CompletableFuture<>();
      other.submit(() -> {
        submitter.complete(Thread.currentThread());
        mine.submit(() -> ran.complete(Thread.currentThread()));
      });

      assertThat(ran.get(10, TimeUnit.SECONDS)).isNotSameAs(submitter.get(10, TimeUnit.SECONDS));
    } finally {
      mine.shutdown();
      other.shutdown();
    }
  }

  @Test
  void withoutSpinningWorkSubmittedToAnIdlePoolRunsOnTheIdleWorkerInsteadOfStartingAnother() throws Exception {
    TrampolineExecutor executor = new TrampolineExecutor(4, 0);
    try {
      Thread first = runOn(executor);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      while (!executor.idleWorkerWaiting() && System.nanoTime() < deadline) {
        Thread.onSpinWait();
      }

      Thread second = runOn(executor);

      assertThat(second).isSameAs(first);
    } finally {
      executor.shutdown();
    }
  }

  @Test
  void noMoreThanItsThreadsRunAtOnceAndFurtherWorkWaitsForOneToFinish() throws Exception {
    TrampolineExecutor executor = new TrampolineExecutor(2, 0);
    try {
      CountDownLatch release = new CountDownLatch(1);
      CountDownLatch running = new CountDownLatch(2);
      AtomicInteger atOnce = new AtomicInteger();
      AtomicInteger most = new AtomicInteger();
      CountDownLatch done = new CountDownLatch(3);
      for (int i = 0; i < 3; i++) {
        executor.submit(() -> {
          most.accumulateAndGet(atOnce.incrementAndGet(), Math::max);
          running.countDown();
          awaitQuietly(release);
          atOnce.decrementAndGet();
          done.countDown();
        });
      }
      assertThat(running.await(10, TimeUnit.SECONDS)).isTrue();
      assertThat(done.getCount()).isEqualTo(3); // the third waits

      release.countDown();

      assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
      assertThat(most).hasValue(2);
    } finally {
      executor.shutdown();
    }
  }

  @Test
  void workSubmittedFromAWorkerRunsOnThatWorkerOnceItsTaskReturns() throws Exception {
    TrampolineExecutor executor = new TrampolineExecutor(4, 0);
    try {
      CompletableFuture<Thread> outer = new CompletableFuture<>();
      CompletableFuture<Thread> inner = new CompletableFuture<>();
      AtomicBoolean ranInsideTheSubmitter = new AtomicBoolean();
      executor.submit(() -> {
        executor.submit(() -> inner.complete(Thread.currentThread()));
        ranInsideTheSubmitter.set(inner.isDone());
        outer.complete(Thread.currentThread());
      });

      assertThat(inner.get(10, TimeUnit.SECONDS)).isSameAs(outer.get(10, TimeUnit.SECONDS));
      assertThat(ranInsideTheSubmitter).isFalse();
    } finally {
      executor.shutdown();
    }
  }
}
