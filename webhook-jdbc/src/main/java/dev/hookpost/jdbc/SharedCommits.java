package dev.hookpost.jdbc;

import java.util.List;

/**
 * The store's own-transaction writes, each kind through its {@link GroupCommit}: enqueues
 * (committed together, waiting for the disk: an accepted event is durable) and retries and ends
 * (committed together, on PostgreSQL without waiting for the disk: a crash may lose the last of
 * them, which sends a delivery again, never loses one). Thread-safe.
 */
final class SharedCommits {
  /**
   * How many shared commits of one kind are written at once on PostgreSQL: while one batch's
   * commit is on its way to the disk, the next is written, and PostgreSQL flushes both with one
   * sync. H2 and SQLite write one transaction at a time anyway: one writer there.
   */
  static final int WRITERS = 2;
  /** The most deliveries one shared commit writes. */
  static final int MAX_ROWS = 1000;
  /** The most payload bytes one shared commit writes (an event bigger than this is written alone). */
  static final long MAX_BYTES = 4L << 20;

  private final GroupCommit<Writes.Enqueue, List<String>> enqueues;
  private final GroupCommit<Writes.Change, Boolean> changes;

  SharedCommits(Writes writes, Transactions db, Dialect dialect) {
    int writers = dialect.embedded() ? 1 : WRITERS;
    this.enqueues = new GroupCommit<>(items -> db.atomically(c -> writes.enqueue(c, items)), writers,
        Writes.Enqueue::eventId, e -> e.subscriptionIds().size(), e -> e.payload().length, MAX_ROWS, MAX_BYTES,
        (e, failure) -> db.failure(e.operation(), failure));
    this.changes = new GroupCommit<>(items -> db.atomically(c -> writes.record(c, items)), writers,
        Writes.Change::deliveryId, ch -> 1, ch -> 0, MAX_ROWS, MAX_BYTES,
        (ch, failure) -> db.failure(ch.operation(), failure));
  }

  /** Stores {@code e} once committed; returns the subscription ids whose delivery was new. */
  List<String> enqueue(Writes.Enqueue e) {
    return enqueues.submit(e);
  }

  /** Applies {@code change} once committed; returns whether its guards let it. */
  boolean record(Writes.Change change) {
    return changes.submit(change);
  }

  /** How many enqueues wait for a shared commit to take them (for tests). */
  int queuedEnqueues() {
    return enqueues.queued();
  }

  /** How many retries and ends wait for a shared commit to take them (for tests). */
  int queuedChanges() {
    return changes.queued();
  }
}
