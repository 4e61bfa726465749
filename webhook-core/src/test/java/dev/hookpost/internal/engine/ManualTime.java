package dev.hookpost.internal.engine;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.Delayed;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Time for engine tests without threads or sleeps: a clock that moves only in {@link #advance},
 * and a scheduler that runs {@code execute} at once on the caller's thread and delayed tasks when
 * time reaches them. (The test kit's {@code VirtualTime} does the same for users; core cannot
 * depend on the test kit.)
 */
final class ManualTime {
  private long nowNanos;
  private long seq;
  private final PriorityQueue<Task> queue = new PriorityQueue<>(
      (a, b) -> a.at != b.at ? Long.compare(a.at, b.at) : Long.compare(a.order, b.order));
  private final Scheduler scheduler = new Scheduler();

  Clock clock() {
    return new Clock() {
      @Override
      public ZoneId getZone() {
        return ZoneOffset.UTC;
      }

      @Override
      public Clock withZone(ZoneId zone) {
        return this;
      }

      @Override
      public Instant instant() {
        return now();
      }
    };
  }

  synchronized Instant now() {
    return Instant.ofEpochSecond(1_800_000_000L).plusNanos(nowNanos);
  }

  ScheduledExecutorService scheduler() {
    return scheduler;
  }

  /** Moves time forward, running every task that falls due, in time order. */
  void advance(Duration amount) {
    long target;
    synchronized (this) {
      target = nowNanos + amount.toNanos();
    }
    while (true) {
      Task next;
      synchronized (this) {
        next = queue.peek();
        if (next == null || next.at > target) {
          nowNanos = target;
          return;
        }
        queue.poll();
        nowNanos = Math.max(nowNanos, next.at);
      }
      if (!next.cancelled) {
        next.command.run();
      }
    }
  }

  synchronized int pendingTasks() {
    return (int) queue.stream().filter(t -> !t.cancelled).count();
  }

  private final class Task implements ScheduledFuture<Object> {
    final long at;
    final long order;
    final Runnable command;
    volatile boolean cancelled;

    Task(long at, long order, Runnable command) {
      this.at = at;
      this.order = order;
      this.command = command;
    }

    @Override
    public long getDelay(TimeUnit unit) {
      synchronized (ManualTime.this) {
        return unit.convert(at - nowNanos, TimeUnit.NANOSECONDS);
      }
    }

    @Override
    public int compareTo(Delayed o) {
      return Long.compare(getDelay(TimeUnit.NANOSECONDS), o.getDelay(TimeUnit.NANOSECONDS));
    }

    @Override
    public boolean cancel(boolean mayInterrupt) {
      cancelled = true;
      return true;
    }

    @Override
    public boolean isCancelled() {
      return cancelled;
    }

    @Override
    public boolean isDone() {
      return cancelled;
    }

    @Override
    public Object get() {
      throw new UnsupportedOperationException();
    }

    @Override
    public Object get(long timeout, TimeUnit unit) {
      throw new UnsupportedOperationException();
    }
  }

  private final class Scheduler extends AbstractExecutorService implements ScheduledExecutorService {
    private volatile boolean shutdown;

    @Override
    public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
      if (shutdown) {
        throw new RejectedExecutionException("shut down");
      }
      synchronized (ManualTime.this) {
        Task t = new Task(nowNanos + Math.max(0, unit.toNanos(delay)), seq++, command);
        queue.add(t);
        return t;
      }
    }

    @Override
    public <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
      throw new UnsupportedOperationException();
    }

    @Override
    public ScheduledFuture<?> scheduleAtFixedRate(Runnable command, long initialDelay, long period, TimeUnit unit) {
      throw new UnsupportedOperationException();
    }

    @Override
    public ScheduledFuture<?> scheduleWithFixedDelay(Runnable command, long initialDelay, long delay, TimeUnit unit) {
      throw new UnsupportedOperationException();
    }

    @Override
    public void execute(Runnable command) {
      if (shutdown) {
        throw new RejectedExecutionException("shut down");
      }
      command.run();
    }

    @Override
    public void shutdown() {
      shutdown = true;
    }

    @Override
    public List<Runnable> shutdownNow() {
      shutdown = true;
      return List.of();
    }

    @Override
    public boolean isShutdown() {
      return shutdown;
    }

    @Override
    public boolean isTerminated() {
      return shutdown;
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) {
      return true;
    }
  }
}
