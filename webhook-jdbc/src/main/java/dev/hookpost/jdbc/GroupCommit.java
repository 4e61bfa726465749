package dev.hookpost.jdbc;

import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * Lets concurrent callers share one transaction: {@link #submit} queues the caller's item; a
 * caller that finds a writer free (at most {@code maxWriters} batches are written at once)
 * becomes a leader, takes what is queued (up to the bounds), writes it in one transaction on its
 * own thread, and hands each waiting caller its own result or its own failure; callers that
 * arrive while the commits are on their way queue for the next batch, whose leader is the first
 * of them. Each call returns only once its item is committed (or has failed). A lone caller
 * writes at once: there is no extra thread and no wait. A second writer lets the database flush
 * one batch's commit while the next is being written, and keeps the next leader's wake-up off
 * the critical path.
 *
 * <p>A batch is FIFO and ends before the first item whose {@code key} it, or a batch being
 * written, holds already (two changes of one row, or two enqueues of one event, go one after the
 * other), or that
 * would take it past {@code maxRows} rows or {@code maxBytes} bytes (an item bigger than the
 * bounds goes alone).
 *
 * <p>When a batch of several fails, nothing of it was stored (one transaction). If the failure
 * is one every member would meet (the database is unreachable or a statement timed out, see
 * {@link #sharedFailure}), every member gets it; otherwise (e.g. one item's value does not fit
 * its column) the members are written again one at a time, so that only the bad one fails.
 *
 * <p>Thread-safe. Its lock guards the queue and the {@code writing} flag only; it is never held
 * while the database is written.
 *
 * @param <I> what a caller writes
 * @param <O> what the caller gets back
 */
final class GroupCommit<I, O> {

  /** Writes items in one transaction, all or nothing; returns one result per item, in order. */
  @FunctionalInterface
  interface Batch<I, O> {
    List<O> write(List<I> items) throws SQLException;
  }

  /** How big an item is. */
  @FunctionalInterface
  interface Size<I> {
    long of(I item);
  }

  private final Batch<I, O> batch;
  private final Function<I, Object> key;
  private final Size<I> rows;
  private final Size<I> bytes;
  private final int maxRows;
  private final long maxBytes;
  private final BiFunction<I, SQLException, RuntimeException> failure;

  private final int maxWriters;
  private final ReentrantLock lock = new ReentrantLock();
  private final ArrayDeque<Member<I, O>> queue = new ArrayDeque<>(); // guarded by lock
  private int writing; // guarded by lock: batches being written
  private final Set<Object> keysWritten = new HashSet<>(); // guarded by lock: the keys of those batches

  /** One caller's item, and what became of it. */
  private static final class Member<I, O> {
    final I item;
    final Condition turn;
    boolean done; // guarded by lock
    O result;
    RuntimeException error;

    Member(I item, Condition turn) {
      this.item = item;
      this.turn = turn;
    }
  }

  /**
   * @param key what two items of one batch must not share
   * @param failure turns a failure into what the item's caller gets
   */
  GroupCommit(Batch<I, O> batch, int maxWriters, Function<I, Object> key, Size<I> rows, Size<I> bytes, int maxRows,
      long maxBytes, BiFunction<I, SQLException, RuntimeException> failure) {
    this.batch = batch;
    this.maxWriters = maxWriters;
    this.key = key;
    this.rows = rows;
    this.bytes = bytes;
    this.maxRows = maxRows;
    this.maxBytes = maxBytes;
    this.failure = failure;
  }

  /**
   * Writes {@code item} with whatever else is queued and returns its result once committed.
   *
   * @throws RuntimeException what {@code failure} made of the item's own failure
   */
  O submit(I item) {
    lock.lock();
    try {
      Member<I, O> me = new Member<>(item, lock.newCondition());
      queue.add(me);
      while (!me.done) {
        Member<I, O> head = queue.peek();
        if (head != null && writing < maxWriters && !keysWritten.contains(key.apply(head.item))) {
          lead();
        } else {
          me.turn.awaitUninterruptibly(); // a commit cannot be taken back: wait for it, as a lone write would
        }
      }
      if (me.error != null) {
        throw me.error;
      }
      return me.result;
    } finally {
      lock.unlock();
    }
  }

  /** How many callers wait for a batch to take them (for tests). */
  int queued() {
    lock.lock();
    try {
      return queue.size();
    } finally {
      lock.unlock();
    }
  }

  /** Takes a batch, writes it outside the lock, then wakes its members and the next leader. Caller holds the lock. */
  private void lead() {
    writing++;
    List<Member<I, O>> taken = take();
    signalNextLeader();
    lock.unlock();
    try {
      write(taken);
    } catch (Error e) { // of the VM: no member may wait for a result that never comes
      for (Member<I, O> m : taken) {
        if (m.result == null && m.error == null) {
          m.error = new IllegalStateException("writing a batch of " + taken.size() + " failed: " + e, e);
        }
      }
      throw e;
    } finally {
      lock.lock();
      writing--;
      for (Member<I, O> m : taken) {
        keysWritten.remove(key.apply(m.item));
        m.done = true;
        m.turn.signal();
      }
      signalNextLeader();
    }
  }

  /** Wakes the first caller queued, to lead the next batch if a writer is free. Caller holds the lock. */
  private void signalNextLeader() {
    Member<I, O> next = queue.peek();
    if (next != null && writing < maxWriters) {
      next.turn.signal();
    }
  }

  private List<Member<I, O>> take() {
    List<Member<I, O>> out = new ArrayList<>();
    Set<Object> keys = new HashSet<>();
    long r = 0;
    long b = 0;
    for (Member<I, O> m = queue.peek(); m != null; m = queue.peek()) {
      long mr = rows.of(m.item);
      long mb = bytes.of(m.item);
      if (!out.isEmpty() && (r + mr > maxRows || b + mb > maxBytes || keys.contains(key.apply(m.item)))) {
        break;
      }
      if (keysWritten.contains(key.apply(m.item))) {
        break; // its key's earlier change is being written: it waits for that
      }
      keys.add(key.apply(m.item));
      r += mr;
      b += mb;
      out.add(queue.poll());
    }
    keysWritten.addAll(keys);
    return out;
  }

  /** Writes the batch and fills in each member's result or error; never throws but errors of the VM. */
  private void write(List<Member<I, O>> taken) {
    List<I> items = new ArrayList<>(taken.size());
    for (Member<I, O> m : taken) {
      items.add(m.item);
    }
    try {
      fill(taken, batch.write(items));
      return;
    } catch (SQLException e) {
      if (taken.size() == 1 || sharedFailure(e)) {
        for (Member<I, O> m : taken) {
          m.error = failure.apply(m.item, e);
        }
        return;
      }
    } catch (RuntimeException e) {
      if (taken.size() == 1) {
        taken.get(0).error = e;
        return;
      }
    }
    for (Member<I, O> m : taken) { // one at a time: only the bad one fails
      try {
        m.result = batch.write(List.of(m.item)).get(0);
      } catch (SQLException e) {
        m.error = failure.apply(m.item, e);
      } catch (RuntimeException e) {
        m.error = e;
      }
    }
  }

  private void fill(List<Member<I, O>> taken, List<O> results) {
    if (results.size() != taken.size()) {
      throw new IllegalStateException("a batch of " + taken.size() + " returned " + results.size() + " results");
    }
    for (int i = 0; i < taken.size(); i++) {
      taken.get(i).result = results.get(i);
    }
  }

  /**
   * Whether {@code e} would meet every member alone too, so writing them one at a time would only
   * repeat it: a statement timeout or lock wait ({@link Bounded#isTimeout}), a lost or refused
   * connection (SQLState class 08), or the server short of resources or shutting down (53, 57).
   */
  static boolean sharedFailure(SQLException e) {
    if (Bounded.isTimeout(e)) {
      return true;
    }
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLException s && s.getSQLState() != null) {
        String state = s.getSQLState();
        if (state.startsWith("08") || state.startsWith("53") || state.startsWith("57")) {
          return true;
        }
      }
    }
    return false;
  }
}
