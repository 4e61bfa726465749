package dev.hookpost.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The group commit on its own, with a batch that records what it was given: who shares a
 * batch, who leads it, and whose failure is whose. Batches are held open with a latch until
 * the callers under test are queued, so what shares a batch is decided, not timed.
 */
class GroupCommitTest {
  private final List<List<String>> batches = new CopyOnWriteArrayList<>();
  private final List<Thread> writers = new CopyOnWriteArrayList<>();
  private final CountDownLatch open = new CountDownLatch(1);
  private final ExecutorService pool = Executors.newCachedThreadPool();

  @AfterEach
  void stop() {
    open.countDown();
    pool.shutdownNow();
  }

  /** Writes {@code "<item>!"} per item, failing a batch holding "bad" (22001, a value too long) or "down" (08006). */
  private List<String> write(List<String> items) throws SQLException {
    writers.add(Thread.currentThread());
    batches.add(List.copyOf(items));
    if (items.contains("first")) {
      try {
        open.await(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        throw new AssertionError(e);
      }
    }
    if (items.contains("down")) {
      throw new SQLException("connection lost", "08006");
    }
    if (items.contains("bad")) {
      throw new SQLException("value too long", "22001");
    }
    return items.stream().map(i -> i + "!").toList();
  }

  private GroupCommit<String, String> group(int writers, int maxRows) {
    return new GroupCommit<>(this::write, writers, i -> i.startsWith("key") ? "key" : i, i -> 1, String::length,
        maxRows, 1000, (i, e) -> new IllegalStateException(i + " failed: " + e.getSQLState(), e));
  }

  /** Submits {@code items} from threads of their own, once "first" leads a held batch, and lets it go when all are queued. */
  private List<Future<String>> whileTheFirstIsHeld(GroupCommit<String, String> group, String... items) {
    List<Future<String>> out = new ArrayList<>();
    out.add(pool.submit(() -> group.submit("first")));
    awaitTrue(() -> batches.size() == 1);
    for (String item : items) {
      out.add(pool.submit(() -> group.submit(item)));
    }
    awaitTrue(() -> group.queued() == items.length);
    open.countDown();
    return out;
  }

  private static void awaitTrue(BooleanSupplier condition) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as("waited 10 s").isLessThan(deadline);
      Thread.yield();
    }
  }

  @Test
  void aLoneCallerWritesAtOnceOnItsOwnThread() {
    GroupCommit<String, String> group = group(1, 100);

    assertThat(group.submit("a")).isEqualTo("a!");

    assertThat(batches).containsExactly(List.of("a"));
    assertThat(writers).containsExactly(Thread.currentThread());
  }

  @Test
  void callersArrivingDuringACommitShareTheNextAndEachGetsItsOwnResult() throws Exception {
    GroupCommit<String, String> group = group(1, 100);

    List<Future<String>> results = whileTheFirstIsHeld(group, "a", "b", "c", "d");

    for (Future<String> f : results) {
      String result = f.get(10, TimeUnit.SECONDS);
      assertThat(result).endsWith("!");
    }
    assertThat(results.get(2).get()).isEqualTo("b!");
    assertThat(batches).hasSize(2);
    assertThat(batches.get(1)).containsExactlyInAnyOrder("a", "b", "c", "d");
  }

  @Test
  void aMemberThatFailsFailsAloneAndTheOthersAreWrittenOneAtATime() throws Exception {
    GroupCommit<String, String> group = group(1, 100);

    List<Future<String>> results = whileTheFirstIsHeld(group, "a", "bad", "c");

    assertThat(results.get(1).get(10, TimeUnit.SECONDS)).isEqualTo("a!");
    assertThat(results.get(3).get(10, TimeUnit.SECONDS)).isEqualTo("c!");
    assertThatThrownBy(() -> results.get(2).get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(IllegalStateException.class)
        .hasMessageContaining("bad failed: 22001");
    assertThat(batches.subList(1, batches.size())).as("the batch, then each alone")
        .containsExactlyInAnyOrder(batches.get(1), List.of("a"), List.of("bad"), List.of("c"));
    assertThat(batches.get(1)).hasSize(3);
  }

  @Test
  void aFailureEveryMemberWouldMeetFailsThemAllWithoutWritingThemAgain() throws Exception {
    GroupCommit<String, String> group = group(1, 100);

    List<Future<String>> results = whileTheFirstIsHeld(group, "a", "down", "c");

    for (Future<String> f : results.subList(1, 4)) {
      assertThatThrownBy(() -> f.get(10, TimeUnit.SECONDS)).hasMessageContaining("failed: 08006");
    }
    assertThat(batches).hasSize(2);
  }

  @Test
  void twoItemsOfOneKeyNeverShareABatchAndKeepTheirOrder() throws Exception {
    GroupCommit<String, String> group = group(1, 100);

    List<Future<String>> results = whileTheFirstIsHeld(group, "key1", "key2");

    for (Future<String> f : results) {
      f.get(10, TimeUnit.SECONDS);
    }
    assertThat(batches.subList(1, batches.size())).containsExactly(List.of("key1"), List.of("key2"));
  }

  @Test
  void anItemOfAKeyBeingWrittenWaitsForThatBatchEvenWithAWriterFree() throws Exception {
    GroupCommit<String, String> group = new GroupCommit<>(this::write, 2, i -> "one key", i -> 1, String::length,
        100, 1000, (i, e) -> new IllegalStateException(e));

    List<Future<String>> results = whileTheFirstIsHeld(group, "a");

    assertThat(results.get(1).get(10, TimeUnit.SECONDS)).isEqualTo("a!");
    assertThat(batches).containsExactly(List.of("first"), List.of("a"));
  }

  @Test
  void aSecondWriterTakesWhatArrivesWhileTheFirstCommits() throws Exception {
    GroupCommit<String, String> group = group(2, 100);
    Future<String> first = pool.submit(() -> group.submit("first"));
    awaitTrue(() -> batches.size() == 1);

    assertThat(group.submit("a")).as("written while the first is held").isEqualTo("a!");

    open.countDown();
    assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo("first!");
  }

  @Test
  void aBatchStopsAtItsRowBound() throws Exception {
    GroupCommit<String, String> group = group(1, 2);

    List<Future<String>> results = whileTheFirstIsHeld(group, "a", "b", "c", "d", "e");

    for (Future<String> f : results) {
      f.get(10, TimeUnit.SECONDS);
    }
    assertThat(batches.subList(1, batches.size())).hasSize(3).allSatisfy(b -> assertThat(b.size()).isLessThanOrEqualTo(2));
  }
}
