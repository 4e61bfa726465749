package dev.hookpost;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/** Per-subscription pending counts: exact under contention, and gone once they reach zero. */
class BacklogCountsTest {
  final BacklogCounts counts = new BacklogCounts();

  @Test
  void countsUpAndDownPerSubscription() {
    counts.increment("a");
    counts.increment("a");
    counts.increment("b");
    counts.decrement("a");

    assertThat(counts.get("a")).isEqualTo(1);
    assertThat(counts.get("b")).isEqualTo(1);
    assertThat(counts.get("c")).isZero();
  }

  @Test
  void aCountThatReachesZeroIsDropped() {
    counts.increment("a");
    counts.decrement("a");

    assertThat(counts.size()).isZero();
    assertThat(counts.get("a")).isZero();
  }

  @Test
  void neverCountsBelowZero() {
    counts.decrement("a");
    counts.increment("a");
    counts.decrement("a");
    counts.decrement("a");
    counts.increment("a");

    assertThat(counts.get("a")).isEqualTo(1);
  }

  @Test
  void threadsCountingTheSameSubscriptionLoseNothing() throws InterruptedException {
    int threads = 4;
    int rounds = 50_000;
    CountDownLatch go = new CountDownLatch(1);
    List<Thread> workers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      Thread w = new Thread(() -> {
        try {
          go.await();
        } catch (InterruptedException e) {
          return;
        }
        for (int i = 0; i < rounds; i++) { // each pair passes through zero often: counters are dropped and made anew
          counts.increment("a");
          counts.decrement("a");
        }
        counts.increment("a");
      });
      w.start();
      workers.add(w);
    }
    go.countDown();
    for (Thread w : workers) {
      w.join();
    }

    assertThat(counts.get("a")).isEqualTo(threads);
    for (int t = 0; t < threads; t++) {
      counts.decrement("a");
    }
    assertThat(counts.size()).isZero();
  }
}
