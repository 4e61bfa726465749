package dev.hookpost.okhttp;

import java.util.ArrayDeque;
import java.util.concurrent.LinkedTransferQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A bounded pool of daemon worker threads that avoids thread wake-ups, which cost tens of
 * microseconds on small virtual machines:
 * <ul>
 *   <li>one idle worker at a time keeps looking for work for {@code spinNanos} before it sleeps,
 *       and work submitted meanwhile is handed straight to it: when a finished request's
 *       callback sends the next request, that request starts at once while the callback's
 *       thread finishes its bookkeeping;
 *   <li>else work submitted from a worker thread runs on that same thread once its current task
 *       returns (a trampoline), so that no other thread has to wake up for it;
 *   <li>a worker woken from sleep yields once before its task, so that it does not take the
 *       core of the thread that woke it (see {@code yieldIfWoken}); a worker that starts to
 *       spin yields once first, so that a thread it has just woken is not kept waiting behind
 *       the spin (see {@code spin});
 *   <li>an idle worker is reused before a new one is started (a plain {@code ThreadPoolExecutor}
 *       starts a thread per task until it has its full count, and at low rates its idle
 *       threads time out in turn, so that nearly every task started a thread, on the caller's
 *       time); threads idle for 60 s end.
 * </ul>
 * Thread-safe.
 */
final class TrampolineExecutor {
  private static final ThreadLocal<Trampoline> LOCAL = new ThreadLocal<>();
  /** One continuation per worker: a second would wait behind the first, which may hang. */
  private static final int MAX_LOCAL = 1;
  /** {@link #handoff}'s value while no worker is spinning. */
  private static final Runnable CLOSED = () -> { };

  private final ThreadPoolExecutor pool;
  private final long spinNanos;
  /**
   * CLOSED: nobody spins. null: a worker spins and takes what is put here. Else: the task
   * handed to the spinning worker. Only the spinner leaves null or a task for CLOSED.
   */
  private final AtomicReference<Runnable> handoff = new AtomicReference<>(CLOSED);

  TrampolineExecutor(int threads, long spinNanos) {
    this.spinNanos = spinNanos;
    AtomicInteger n = new AtomicInteger();
    SpinningQueue queue = new SpinningQueue();
    // No core threads: the queue takes a task only for a worker waiting idle, so the pool starts
    // a thread only when none is idle; with all threads busy, the task waits in the queue.
    this.pool = new ThreadPoolExecutor(0, threads, 60, TimeUnit.SECONDS, queue, r -> {
      Thread t = new Thread(r, "hookpost-http-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    }, (task, executor) -> {
      if (executor.isShutdown()) {
        throw new RejectedExecutionException("the transport is closed");
      }
      queue.enqueue(task);
      // The check execute() makes after queueing: meanwhile the last worker may have timed out,
      // or the pool shut down, and nobody would take the task.
      if ((executor.isShutdown() || executor.getPoolSize() == 0) && queue.remove(task)) {
        if (executor.isShutdown()) {
          throw new RejectedExecutionException("the transport is closed");
        }
        executor.execute(task); // no worker left, so below the limit: this starts one
      }
    });
  }

  /**
   * Runs {@code task} on the spinning idle worker if there is one (at once, even when submitted
   * from a worker: the submitter can go on with its own work meanwhile), else after the current
   * task on this worker thread (if it is one of this executor's), else on the pool. A
   * {@linkplain #submitPreparer preparer}'s first task goes after the preparer, before any of
   * these.
   */
  void submit(Runnable task) {
    Trampoline here = LOCAL.get();
    if (here != null && here.owner != this) {
      here = null; // a worker of another transport: its threads are not this one's to use
    }
    if (here != null && here.preparing && here.next.isEmpty()) {
      here.next.add(task); // a preparer's first: this thread is free the moment the preparer returns
      return;
    }
    if (handoff.get() == null && !pool.isShutdown() && handoff.compareAndSet(null, () -> runHere(task))) {
      return; // the spinning worker runs it
    }
    if (here != null && here.next.size() < MAX_LOCAL) {
      here.next.add(task);
      return;
    }
    pool.execute(() -> runHere(task));
  }

  /**
   * Like {@link #submit}, for a task that prepares work and ends as soon as it has submitted it:
   * the first task it submits runs on the same worker right after it, rather than on the
   * spinning worker, which would take two threads (and the spinner's CPU) for one request.
   */
  void submitPreparer(Runnable preparer) {
    submit(() -> {
      Trampoline here = LOCAL.get(); // every task runs inside this executor's runHere
      here.preparing = true;
      try {
        preparer.run();
      } finally {
        here.preparing = false;
      }
    });
  }

  private void runHere(Runnable first) {
    Trampoline here = new Trampoline(this);
    LOCAL.set(here);
    ArrayDeque<Runnable> local = here.next;
    try {
      for (Runnable r = first; r != null; r = local.poll()) {
        try {
          r.run();
        } catch (RuntimeException e) {
          Thread t = Thread.currentThread();
          t.getUncaughtExceptionHandler().uncaughtException(t, e);
        }
      }
    } finally {
      LOCAL.remove();
    }
  }

  /** What runs next on a worker thread, after its current task. */
  private static final class Trampoline {
    final TrampolineExecutor owner;
    final ArrayDeque<Runnable> next = new ArrayDeque<>(MAX_LOCAL);
    /** Whether the current task is a {@link #submitPreparer preparer}. */
    boolean preparing;

    Trampoline(TrampolineExecutor owner) {
      this.owner = owner;
    }
  }

  /** Whether an idle worker waits (not spinning) for work right now, for tests. */
  boolean idleWorkerWaiting() {
    return ((SpinningQueue) pool.getQueue()).hasWaitingConsumer();
  }

  /** Whether an idle worker is spinning right now, for tests. */
  boolean spinning() {
    return handoff.get() != CLOSED;
  }

  void shutdown() {
    pool.shutdown();
  }

  /**
   * The pool's queue: an idle worker asking for work spins first, if no other worker does. The
   * pool's {@code offer} succeeds only when a worker waits idle for the task; {@link #enqueue}
   * queues one when all threads are busy.
   */
  private final class SpinningQueue extends LinkedTransferQueue<Runnable> {
    @Override
    public boolean offer(Runnable task) {
      return tryTransfer(task);
    }

    void enqueue(Runnable task) {
      super.offer(task);
    }

    /** How every worker waits: with no core threads, the pool never calls {@code take()}. */
    @Override
    public Runnable poll(long timeout, TimeUnit unit) throws InterruptedException {
      Runnable r = spin();
      if (r == null && (r = super.poll()) == null) {
        r = yieldIfWoken(super.poll(timeout, unit));
      }
      return r;
    }

    /**
     * A worker that slept and was woken for {@code task} first lets the thread that woke it go
     * on. That thread is usually the caller of {@code send}, and when the scheduler puts the
     * worker on the caller's core, the worker would otherwise sign and write the request (tens
     * of microseconds) while the caller waits in {@code send}: 50 µs and more at the 99th
     * percentile on two cores. The request starts when the caller's thread blocks or another
     * core is free instead; a worker that finds work without sleeping does not yield.
     */
    private Runnable yieldIfWoken(Runnable task) {
      if (task != null) {
        Thread.yield();
      }
      return task;
    }

    /**
     * Waits up to {@code spinNanos} for a handed-over or queued task; null if none came.
     *
     * <p>It first yields once. The worker has usually just woken a thread itself (completing a
     * request's future wakes the thread waiting for the outcome, which then sends the next
     * event), and when the scheduler puts that thread on this core, it would wait behind the
     * whole spin: a thread that has run this briefly is not preempted for a newly woken one.
     * The next {@code send} then found the worker asleep and paid for waking it: in the
     * one-at-a-time latency benchmark, the request's start after {@code send} was called had
     * a p99 of 143-149 µs without the yield and 55 µs with it.
     */
    private Runnable spin() {
      if (spinNanos <= 0 || handoff.get() != CLOSED || !handoff.compareAndSet(CLOSED, null)) {
        return null; // another worker spins already: more would only take the cores the busy ones need
      }
      Thread.yield(); // registered as the spinner already: work handed over meanwhile waits here
      long deadline = System.nanoTime() + spinNanos;
      Thread self = Thread.currentThread();
      do {
        Runnable r = handoff.get();
        if (r != null) {
          handoff.set(CLOSED);
          return r;
        }
        if (peek() != null && handoff.compareAndSet(null, CLOSED)) {
          return poll(); // null if another worker took it first: the caller waits as usual
        }
        Thread.onSpinWait();
      } while (System.nanoTime() - deadline < 0 && !self.isInterrupted() && !pool.isShutdown());
      Runnable last = handoff.getAndSet(CLOSED);
      return last; // handed over at the last moment, or null
    }
  }
}
