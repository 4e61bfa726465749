package dev.hookpost.okhttp;

import java.io.InterruptedIOException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import okhttp3.Call;

/**
 * The transport's call timeout: cancels a call still running when its time is up, looking at
 * the running calls every {@code tick} while there are any.
 *
 * <p>OkHttp's own {@code callTimeout} puts every call in okio's timeout queue and wakes okio's
 * watchdog thread at its start: one more thread wake-up per request, which added 9-14 µs to the
 * latency of a request sent alone on two cores. Here a call costs an entry in a set; the check
 * runs once per tick while calls are in flight, and not at all when none is.
 *
 * <p>A call ends between its deadline and about one tick later. The checks of every transport
 * run on one shared daemon thread, which ends a minute after the last check and starts again
 * with the next call; calls still running when their transport closes keep their deadline.
 * Thread-safe.
 */
final class CallDeadlines {
  /** One thread for every transport's checks, as okio has one watchdog. */
  private static final ScheduledThreadPoolExecutor CHECKER = newChecker();

  private final long timeoutNanos;
  private final long tickNanos;
  private final Set<Deadline> running = ConcurrentHashMap.newKeySet();
  /** Whether a check is scheduled or running; a call that starts when none is schedules one. */
  private final AtomicBoolean ticking = new AtomicBoolean();

  /**
   * @param timeoutNanos how long a call may run
   * @param tickNanos how often running calls are looked at; about the most a call runs past its time
   */
  CallDeadlines(long timeoutNanos, long tickNanos) {
    this.timeoutNanos = timeoutNanos;
    this.tickNanos = tickNanos;
  }

  private static ScheduledThreadPoolExecutor newChecker() {
    ScheduledThreadPoolExecutor checker = new ScheduledThreadPoolExecutor(1, r -> {
      Thread t = new Thread(r, "hookpost-call-deadlines");
      t.setDaemon(true);
      return t;
    });
    checker.setKeepAliveTime(60, TimeUnit.SECONDS);
    checker.allowCoreThreadTimeOut(true);
    return checker;
  }

  /** A tick for {@code timeoutNanos}: a tenth of it, from 10 ms to 1 s. */
  static long tickFor(long timeoutNanos) {
    return Math.max(TimeUnit.MILLISECONDS.toNanos(10), Math.min(TimeUnit.SECONDS.toNanos(1), timeoutNanos / 10));
  }

  /** Starts the clock of {@code call}, about to be executed. */
  Deadline start(Call call) {
    Deadline d = new Deadline(call, System.nanoTime() + timeoutNanos);
    running.add(d);
    if (!ticking.get() && ticking.compareAndSet(false, true)) {
      try {
        schedule();
      } catch (RuntimeException | Error e) { // e.g. no thread could be started: the next call tries again
        ticking.set(false);
        running.remove(d);
        throw e;
      }
    }
    return d;
  }

  /** The call of {@code d} has ended, one way or another. */
  void end(Deadline d) {
    running.remove(d);
  }

  private void schedule() {
    CHECKER.schedule(this::check, tickNanos, TimeUnit.NANOSECONDS); // never shut down: its thread ends when idle
  }

  private void check() {
    try {
      long now = System.nanoTime();
      for (Deadline d : running) {
        if (now - d.at >= 0) {
          running.remove(d);
          d.expire();
        }
      }
    } finally { // whatever happened, the calls left keep being looked at
      if (!running.isEmpty()) {
        schedule();
      } else {
        ticking.set(false);
        // A call that started since the look above found ticking still true and left the check to us.
        if (!running.isEmpty() && ticking.compareAndSet(false, true)) {
          schedule();
        }
      }
    }
  }

  /** The failure to report for a call cut at its deadline, in place of OkHttp's "Canceled". */
  InterruptedIOException timedOut(Throwable cause) {
    InterruptedIOException e = new InterruptedIOException("timeout: no complete answer within the call timeout of "
        + TimeUnit.NANOSECONDS.toMillis(timeoutNanos) + " ms");
    e.initCause(cause);
    return e;
  }

  /** Whether a check is scheduled or running, for tests. */
  boolean ticking() {
    return ticking.get();
  }

  /** One call's deadline. */
  static final class Deadline {
    private final Call call;
    private final long at;
    private volatile boolean expired;

    Deadline(Call call, long at) {
      this.call = call;
      this.at = at;
    }

    /** Cancels the call. An event listener of the application that throws does not stop the checks. */
    private void expire() {
      expired = true;
      try {
        call.cancel();
      } catch (RuntimeException e) {
        Thread t = Thread.currentThread();
        t.getUncaughtExceptionHandler().uncaughtException(t, e);
      }
    }

    /** Whether the call was cancelled because its time was up. */
    boolean expired() {
      return expired;
    }
  }
}
