package dev.hookpost.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Delayed;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A clock and a scheduler that move only when the test says so, to drive a retry schedule of
 * hours in milliseconds without sleeping.
 *
 * <pre>{@code
 * VirtualTime time = VirtualTime.start();
 * WebhookPublisher publisher = WebhookPublisher.builder()
 *     .transport(transport).subscription(sub)
 *     .clock(time.clock()).scheduler(time.scheduler())
 *     .build();
 * publisher.send(event);          // first attempt runs at once, on the calling thread
 * time.advance(Duration.ofHours(30));
 * assertThat(time.scheduledDelays()).startsWith(Duration.ofSeconds(5), Duration.ofMinutes(5));
 * }</pre>
 *
 * <p>The scheduler runs {@code execute}d tasks at once on the calling thread, and scheduled ones
 * when {@link #advance} passes their time, in time order, on the thread calling {@code advance}.
 * Thread-safe: other threads (e.g. HTTP callbacks) may schedule while a test advances.
 */
public final class VirtualTime {
  private final Instant origin;
  private final Scheduler scheduler = new Scheduler();
  private final List<Duration> delays = new ArrayList<>();
  private long nowNanos;
  private long sequence;

  private VirtualTime(Instant origin) {
    this.origin = origin;
  }

  /** Virtual time starting at the real current instant (so signatures stay within tolerance of real receivers). */
  public static VirtualTime start() {
    return startingAt(Instant.now());
  }

  /** Virtual time starting at {@code origin}. */
  public static VirtualTime startingAt(Instant origin) {
    return new VirtualTime(Objects.requireNonNull(origin, "origin"));
  }

  /** The current virtual instant. */
  public synchronized Instant now() {
    return origin.plusNanos(nowNanos);
  }

  /** A clock reading the virtual instant, in UTC. */
  public Clock clock() {
    return new VirtualClock(ZoneOffset.UTC);
  }

  /** The scheduler whose delays pass only on {@link #advance}. Never shut it down in a test that goes on. */
  public ScheduledExecutorService scheduler() {
    return scheduler;
  }

  /** Every delay given to {@code schedule}, in the order asked, as a snapshot. */
  public synchronized List<Duration> scheduledDelays() {
    return List.copyOf(delays);
  }

  /**
   * Waits (in real time) until {@code count} tasks have been scheduled in all, for tests whose
   * attempts finish on other threads, e.g. over real HTTP: wait for the retry, then advance.
   *
   * @return the delays scheduled so far
   * @throws AssertionError when {@code timeout} passes first
   */
  public synchronized List<Duration> awaitScheduled(int count, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (delays.size() < count) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        throw new AssertionError("expected " + count + " scheduled tasks within " + timeout + " but "
            + delays.size() + " were scheduled: " + delays);
      }
      try {
        wait(Math.max(1, left / 1_000_000));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted while waiting for scheduled tasks", e);
      }
    }
    return List.copyOf(delays);
  }

  /** How many scheduled tasks wait for a future time. */
  public synchronized int pendingTasks() {
    return scheduler.queue.size();
  }

  /**
   * Moves time forward by {@code amount}, running every task that falls due, in time order,
   * including tasks scheduled by those tasks within the window.
   *
   * @throws IllegalArgumentException if {@code amount} is negative
   */
  public void advance(Duration amount) {
    if (amount == null || amount.isNegative()) {
      throw new IllegalArgumentException("amount must be zero or positive, was " + amount);
    }
    long target;
    synchronized (this) {
      target = nowNanos + amount.toNanos();
    }
    while (true) {
      Task next;
      synchronized (this) {
        next = scheduler.queue.peek();
        if (next == null || next.at > target) {
          nowNanos = target;
          return;
        }
        scheduler.queue.poll();
        nowNanos = Math.max(nowNanos, next.at);
      }
      next.run();
    }
  }

  /** Runs the tasks due now without moving time. */
  public void runDue() {
    advance(Duration.ZERO);
  }

  private final class VirtualClock extends Clock {
    private final ZoneId zone;

    VirtualClock(ZoneId zone) {
      this.zone = zone;
    }

    @Override
    public ZoneId getZone() {
      return zone;
    }

    @Override
    public Clock withZone(ZoneId newZone) {
      return new VirtualClock(newZone);
    }

    @Override
    public Instant instant() {
      return now();
    }
  }

  private final class Task implements ScheduledFuture<Object>, Runnable {
    final Callable<?> body;
    long at; // guarded by VirtualTime.this; a repeating task moves on by its period after each run
    long seq;
    final long period; // 0 = once; > 0 fixed rate
    final CompletableFuture<Object> result = new CompletableFuture<>();

    Task(Callable<?> body, long at, long period) {
      this.body = body;
      this.at = at;
      this.period = period;
      synchronized (VirtualTime.this) {
        this.seq = sequence++;
      }
    }

    @Override
    public void run() {
      if (result.isDone()) {
        return;
      }
      try {
        Object value = body.call();
        if (period > 0) {
          synchronized (VirtualTime.this) {
            if (!result.isDone()) { // re-queue this very task, so that its future still cancels it
              at += period;
              seq = sequence++;
              scheduler.queue.add(this);
            }
          }
        } else {
          result.complete(value);
        }
      } catch (Throwable t) {
        result.completeExceptionally(t);
      }
    }

    @Override
    public long getDelay(TimeUnit unit) {
      synchronized (VirtualTime.this) {
        return unit.convert(at - nowNanos, TimeUnit.NANOSECONDS);
      }
    }

    @Override
    public int compareTo(Delayed o) {
      Task t = (Task) o;
      return at != t.at ? Long.compare(at, t.at) : Long.compare(seq, t.seq);
    }

    @Override
    public boolean cancel(boolean mayInterrupt) {
      boolean cancelled = result.cancel(false);
      if (cancelled) {
        synchronized (VirtualTime.this) {
          scheduler.queue.remove(this);
        }
      }
      return cancelled;
    }

    @Override
    public boolean isCancelled() {
      return result.isCancelled();
    }

    @Override
    public boolean isDone() {
      return result.isDone();
    }

    @Override
    public Object get() throws InterruptedException, ExecutionException {
      return result.get();
    }

    @Override
    public Object get(long timeout, TimeUnit unit) throws InterruptedException, ExecutionException, TimeoutException {
      return result.get(timeout, unit);
    }
  }

  private final class Scheduler extends AbstractExecutorService implements ScheduledExecutorService {
    final PriorityQueue<Task> queue = new PriorityQueue<>();
    volatile boolean shutdown;

    private Task add(Callable<?> body, long delay, TimeUnit unit, long period) {
      if (shutdown) {
        throw new java.util.concurrent.RejectedExecutionException("the virtual scheduler is shut down");
      }
      long d = Math.max(0, unit.toNanos(delay));
      synchronized (VirtualTime.this) {
        delays.add(Duration.ofNanos(d));
        Task t = new Task(body, nowNanos + d, period);
        queue.add(t);
        VirtualTime.this.notifyAll();
        return t;
      }
    }

    @Override
    public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
      return add(java.util.concurrent.Executors.callable(command), delay, unit, 0);
    }

    @Override
    public <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
      @SuppressWarnings("unchecked")
      ScheduledFuture<V> f = (ScheduledFuture<V>) (ScheduledFuture<?>) add(callable, delay, unit, 0);
      return f;
    }

    @Override
    public ScheduledFuture<?> scheduleAtFixedRate(Runnable command, long initialDelay, long period, TimeUnit unit) {
      return repeating(command, initialDelay, period, unit);
    }

    @Override
    public ScheduledFuture<?> scheduleWithFixedDelay(Runnable command, long initialDelay, long delay, TimeUnit unit) {
      return repeating(command, initialDelay, delay, unit); // tasks take no virtual time: the same
    }

    private ScheduledFuture<?> repeating(Runnable command, long initialDelay, long period, TimeUnit unit) {
      if (period <= 0) {
        throw new IllegalArgumentException("period must be positive, was " + period);
      }
      return add(java.util.concurrent.Executors.callable(command), initialDelay, unit, unit.toNanos(period));
    }

    @Override
    public void execute(Runnable command) {
      if (shutdown) {
        throw new java.util.concurrent.RejectedExecutionException("the virtual scheduler is shut down");
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
      synchronized (VirtualTime.this) {
        List<Runnable> left = new ArrayList<>(queue);
        queue.clear();
        return left;
      }
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
      return shutdown;
    }

    @Override
    public <T> List<java.util.concurrent.Future<T>> invokeAll(Collection<? extends Callable<T>> tasks) {
      List<java.util.concurrent.Future<T>> out = new ArrayList<>();
      for (Callable<T> c : tasks) {
        out.add(submit(c));
      }
      return out;
    }
  }
}
