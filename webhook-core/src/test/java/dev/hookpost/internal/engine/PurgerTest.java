package dev.hookpost.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hookpost.Retention;
import dev.hookpost.spi.DeliveryStore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The retention schedule: when {@link Purger} asks the store to delete, with which cut-offs, and in what batches. */
class PurgerTest {
  private final ManualTime time = new ManualTime();
  private final Instant start = time.now();

  /** One call to {@code purgeEnded}: when, with what. */
  private record Call(Instant at, Instant deliveredBefore, Instant deadLettersBefore, int limit) {}

  /** A durable store that records each {@code purgeEnded} and answers from a script (then 0). */
  private final class Recording extends ForwardingStore {
    final List<Call> calls = new ArrayList<>();
    final List<Integer> afterPurges = new ArrayList<>();
    RuntimeException afterPurgeFailure;
    final Deque<Object> answers = new ArrayDeque<>();
    final boolean durable;

    Recording(boolean durable) {
      super(DeliveryStore.inMemory());
      this.durable = durable;
    }

    @Override
    public boolean durable() {
      return durable;
    }

    @Override
    public int purgeEnded(Instant deliveredBefore, Instant deadLettersBefore, int limit) {
      calls.add(new Call(time.now(), deliveredBefore, deadLettersBefore, limit));
      Object next = answers.isEmpty() ? 0 : answers.poll();
      if (next instanceof RuntimeException e) {
        throw e;
      }
      return (Integer) next;
    }

    @Override
    public void afterPurge(int purged) {
      afterPurges.add(purged);
      if (afterPurgeFailure != null) {
        throw afterPurgeFailure;
      }
    }
  }

  private Purger started(Recording store, Retention retention) {
    Purger purger = new Purger(store, retention, time.clock(), time.scheduler());
    purger.start();
    return purger;
  }

  @Test
  void purgesAMinuteAfterStartThenEveryHourWithTheRetentionsCutOffs() {
    Recording store = new Recording(true);
    started(store, Retention.defaults());

    time.advance(Duration.ofSeconds(59));
    assertThat(store.calls).as("calls before the first minute").isEmpty();
    time.advance(Duration.ofSeconds(1));
    time.advance(Duration.ofHours(1));

    Instant first = start.plus(Purger.FIRST);
    Instant second = first.plus(Purger.EVERY);
    assertThat(store.calls).containsExactly(
        new Call(first, first.minus(Duration.ofDays(7)), first.minus(Duration.ofDays(30)), Purger.BATCH),
        new Call(second, second.minus(Duration.ofDays(7)), second.minus(Duration.ofDays(30)), Purger.BATCH));
  }

  @Test
  void whileABatchIsFullItDeletesTheNextAfterAShortPauseWithTheSameCutOffs() {
    Recording store = new Recording(true);
    store.answers.addAll(List.of(Purger.BATCH, Purger.BATCH, 12));
    started(store, Retention.defaults());

    time.advance(Purger.FIRST.plus(Duration.ofSeconds(1)));

    Instant first = start.plus(Purger.FIRST);
    assertThat(store.calls).extracting(Call::at)
        .containsExactly(first, first.plus(Purger.PAUSE), first.plus(Purger.PAUSE.multipliedBy(2)));
    assertThat(store.calls).extracting(Call::deliveredBefore).containsOnly(first.minus(Duration.ofDays(7)));
    assertThat(store.calls).extracting(Call::limit).containsOnly(Purger.BATCH);
    assertThat(time.pendingTasks()).as("the next round, an hour later").isEqualTo(1);
  }

  @Test
  void aRoundThatDeletedSomeEndsByTellingTheStoreHowMany() {
    Recording store = new Recording(true);
    store.answers.addAll(List.of(Purger.BATCH, Purger.BATCH, 12));
    started(store, Retention.defaults());

    time.advance(Purger.FIRST.plus(Duration.ofSeconds(1)));

    assertThat(store.afterPurges).containsExactly(2 * Purger.BATCH + 12);
  }

  @Test
  void aRoundThatDeletedNothingDoesNotTellTheStore() {
    Recording store = new Recording(true);
    started(store, Retention.defaults());

    time.advance(Purger.FIRST.plus(Purger.EVERY));

    assertThat(store.calls).hasSize(2);
    assertThat(store.afterPurges).isEmpty();
  }

  @Test
  void aStoreThatFailsToGiveSpaceBackDoesNotStopTheSchedule() {
    Recording store = new Recording(true);
    store.answers.addAll(List.of(3, 4));
    store.afterPurgeFailure = new IllegalStateException("VACUUM refused");
    started(store, Retention.defaults());

    time.advance(Purger.FIRST.plus(Purger.EVERY));

    assertThat(store.afterPurges).containsExactly(3, 4);
    assertThat(time.pendingTasks()).as("the next round").isEqualTo(1);
  }

  @Test
  void aKindKeptForeverIsPassedAsNoCutOff() {
    Recording store = new Recording(true);
    started(store, Retention.of(Duration.ofDays(2), null));

    time.advance(Purger.FIRST);

    Instant first = start.plus(Purger.FIRST);
    assertThat(store.calls).containsExactly(new Call(first, first.minus(Duration.ofDays(2)), null, Purger.BATCH));
  }

  @Test
  void aFailedRoundIsTriedAgainAnHourLater() {
    Recording store = new Recording(true);
    store.answers.add(new IllegalStateException("database away"));
    started(store, Retention.defaults());

    time.advance(Purger.FIRST.plus(Purger.EVERY));

    assertThat(store.calls).extracting(Call::at)
        .containsExactly(start.plus(Purger.FIRST), start.plus(Purger.FIRST).plus(Purger.EVERY));
  }

  @Test
  void nothingIsScheduledForAStoreInMemoryOrWithRetentionForever() {
    Recording inMemory = new Recording(false);
    Recording forever = new Recording(true);
    started(inMemory, Retention.defaults());
    started(forever, Retention.forever());

    time.advance(Duration.ofDays(2));

    assertThat(inMemory.calls).isEmpty();
    assertThat(forever.calls).isEmpty();
    assertThat(time.pendingTasks()).isZero();
  }

  @Test
  void afterStopNoCallStarts() {
    Recording store = new Recording(true);
    store.answers.add(Purger.BATCH); // a round under way: its next batch is scheduled
    Purger purger = started(store, Retention.defaults());
    time.advance(Purger.FIRST);

    purger.stop();
    time.advance(Duration.ofDays(1));

    assertThat(store.calls).hasSize(1);
  }
}
