package dev.hookpost.internal.engine;

import dev.hookpost.RetryPolicy;
import dev.hookpost.Signer;
import dev.hookpost.Subscription;
import dev.hookpost.spi.DeliveryState;
import dev.hookpost.spi.StoredDelivery;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** When claim capacity runs short, a backed-up endpoint's surplus is shed; a busy healthy one keeps its own. */
class EndpointQueuesTest {
  static final long MS = 1_000_000;
  static final long SHED_AFTER = 1_000 * MS;
  /** The monotonic time the queues see. */
  long tick;
  /** One attempt in flight per endpoint, so up to 16 wait behind it; 1,024 claimed at most (256 per endpoint). */
  EndpointQueues queues = new EndpointQueues(1, 0, SHED_AFTER, 1_024, () -> tick);
  final Subscription subscription = Subscription.builder().id("s").endpoint("https://receiver.example/")
      .secret(Signer.generateSecret()).build();
  final List<Claim> started = new ArrayList<>();
  int ids;

  Claim delivery() {
    Instant t = Instant.EPOCH;
    StoredDelivery sd = new StoredDelivery("d" + ids, "evt_" + ids++, "order.created", new byte[0], "s",
        DeliveryState.PENDING, 0, t, null, t, 0, null, t);
    return new Claim(sd, subscription, RetryPolicy.none(), null, "test", t);
  }

  boolean submit(long now) {
    tick = now;
    return queues.submit(delivery(), now, (d, wait) -> started.add(d), true);
  }

  void release(long now) {
    tick = now;
    queues.release(started.get(started.size() - 1), now, (d, wait) -> started.add(d));
  }

  /** Fills the endpoint's one slot and its 16 waiting places at {@code now}. */
  void fill(long now) {
    for (int i = 0; i < 17; i++) {
      assertThat(submit(now)).isTrue();
    }
  }

  /** Attempts finish every {@code gap} nanoseconds, from {@code from}, {@code count} times; returns the time of the last. */
  long answerEvery(long from, long gap, int count) {
    long now = from;
    for (int i = 0; i < count; i++) {
      now += gap;
      release(now);
      submit(now); // the sender keeps it full
    }
    return now;
  }

  @Test
  void anEndpointWhoseFirstAttemptHasNotFinishedForTheWholeSheddingTimeIsShed() {
    fill(0);

    assertThat(submit(SHED_AFTER + MS)).isFalse();
  }

  @Test
  void aNewEndpointWhoseFirstAnswersAreStillOnTheirWayKeepsItsWaitingDeliveries() {
    fill(0);

    assertThat(submit(SHED_AFTER / 2)).isTrue(); // a 500 ms answer is slow, not stalled
  }

  @Test
  void aRateLimitedEndpointBusyAgainAfterIdlingIsNotShedForTheTimeItIdled() {
    queues = new EndpointQueues(1, 1_000, SHED_AFTER, 1_024, () -> tick); // its queue outlives idle spells
    fill(0);
    long now = answerEvery(0, MS, 50);
    for (int i = 0; i < 17; i++) { // the sender stops: the queue drains and idles
      now += MS;
      release(now);
    }
    long later = now + 600_000 * MS;

    fill(later);

    assertThat(submit(later + MS)).isTrue();
  }

  @Test
  void aWallClockStepDoesNotMakeAnEndpointLookStalled() {
    fill(0);
    long now = answerEvery(0, MS / 10, 50);

    // the caller's (wall-clock) time jumps an hour; the monotonic ticker does not
    tick = now + MS;
    assertThat(queues.submit(delivery(), now + 3_600_000 * MS, (d, wait) -> started.add(d), true)).isTrue();
  }

  @Test
  void noEndpointKeepsMoreThanAQuarterOfTheClaimCapacityWaitingWhenCapacityIsShort() {
    fill(0);
    long now = answerEvery(0, MS / 10, 50); // healthy and quick
    for (int i = 0; i < 256 - 16; i++) {
      assertThat(submit(now)).isTrue();
    }

    assertThat(submit(now)).isFalse();
  }

  @Test
  void aBusyEndpointThatKeepsAnsweringKeepsItsWaitingDeliveries() {
    fill(0);
    long now = answerEvery(0, MS / 10, 50);

    assertThat(submit(now + 20 * MS)).isTrue(); // a 20 ms pause in its answers is no stall
  }

  @Test
  void anEndpointSilentForTheWholeSheddingTimeIsShed() {
    fill(0);
    long now = answerEvery(0, MS / 10, 50);

    assertThat(submit(now + SHED_AFTER + MS)).isFalse();
  }

  @Test
  void aSlowEndpointWhoseWaitingDeliveriesWouldNotStartWithinTheSheddingTimeIsShed() {
    fill(0);
    long now = answerEvery(0, 200 * MS, 10); // 16 waiting at 200 ms each: over 3 s

    assertThat(submit(now + MS)).isFalse();
  }

  @Test
  void nothingIsShedWhileCapacityIsNotShort() {
    fill(0);

    assertThat(queues.submit(delivery(), MS, (d, wait) -> started.add(d), false)).isTrue();
  }
}
