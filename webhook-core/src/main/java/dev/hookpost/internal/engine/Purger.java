package dev.hookpost.internal.engine;

import dev.hookpost.Retention;
import dev.hookpost.spi.DeliveryStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Keeps a durable store small: deletes ended deliveries past their {@link Retention}, a minute
 * after start and then every hour. A round fixes its cut-offs when it starts and calls
 * {@link DeliveryStore#purgeEnded} for at most {@value #BATCH} deliveries at a time, each call a
 * task of its own on the scheduler {@link #PAUSE} after the last while one deleted a full batch,
 * so claims and timers run between them and no transaction holds locks for long; a round that
 * deleted any ends with {@link DeliveryStore#afterPurge}. Never throws:
 * a failure is logged at WARN and the next round tries again. Does nothing for the in-memory
 * store or with {@link Retention#forever()}.
 *
 * <p>Thread-safe: one task at a time, each scheduling the next; the next task is guarded by this
 * object's monitor.
 */
final class Purger {
  /** The most deliveries one call (one transaction of {@code JdbcDeliveryStore}) deletes. */
  static final int BATCH = 500;
  static final Duration FIRST = Duration.ofMinutes(1);
  static final Duration EVERY = Duration.ofHours(1);
  static final Duration PAUSE = Duration.ofMillis(50);

  private final DeliveryStore store;
  private final Retention retention;
  private final Clock clock;
  private final ScheduledExecutorService scheduler;
  private boolean stopped;       // guarded by this
  private ScheduledFuture<?> next; // guarded by this

  Purger(DeliveryStore store, Retention retention, Clock clock, ScheduledExecutorService scheduler) {
    this.store = store;
    this.retention = retention;
    this.clock = clock;
    this.scheduler = scheduler;
  }

  /** Schedules the first round, for a durable store with something to delete. */
  void start() {
    if (store.durable() && !retention.keepsForever()) {
      later(FIRST, this::round);
    }
  }

  /** Stops: no call starts after this returns (one under way finishes). */
  synchronized void stop() {
    stopped = true;
    if (next != null) {
      next.cancel(false);
    }
  }

  /** One round: the cut-offs as of now, then batches until one is not full. */
  void round() {
    Instant now = clock.instant();
    batch(retention.deliveredBefore(now).orElse(null), retention.deadLettersBefore(now).orElse(null), 0);
  }

  private void batch(Instant deliveredBefore, Instant deadLettersBefore, int deletedSoFar) {
    int deleted;
    try {
      deleted = store.purgeEnded(deliveredBefore, deadLettersBefore, BATCH);
    } catch (RuntimeException e) {
      Reporter.safely(() -> Reporter.log.warn("deleting ended deliveries past their retention from {} failed after {};"
          + " trying again in {}", store, deletedSoFar, EVERY, e));
      later(EVERY, this::round);
      return;
    }
    int total = deletedSoFar + deleted;
    if (deleted >= BATCH) {
      later(PAUSE, () -> batch(deliveredBefore, deadLettersBefore, total));
      return;
    }
    if (total > 0) {
      Reporter.safely(() -> Reporter.log.info("deleted {} ended deliveries past their retention ({}) from {}", total,
          retention, store));
      try {
        store.afterPurge(total);
      } catch (RuntimeException e) {
        Reporter.safely(() -> Reporter.log.warn("{} could not give back the space of {} purged deliveries", store, total, e));
      }
    }
    later(EVERY, this::round);
  }

  private synchronized void later(Duration delay, Runnable task) {
    if (stopped) {
      return;
    }
    try {
      next = scheduler.schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException e) {
      stopped = true; // the scheduler shut down
    }
  }
}
