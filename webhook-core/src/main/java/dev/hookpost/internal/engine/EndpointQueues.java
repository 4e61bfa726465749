package dev.hookpost.internal.engine;

import java.net.URI;
import java.util.ArrayDeque;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Per-endpoint isolation: each endpoint URL has its own queue, a cap on attempts in flight and
 * an optional rate limit, so a slow or dead endpoint cannot take the capacity of healthy ones.
 * An endpoint's queue exists only while it has work, so idle endpoints cost no memory.
 * Thread-safe.
 */
final class EndpointQueues {
  private final int maxInFlight;
  /** How many may wait behind one endpoint's slots; more go back to the store for later. */
  private final int maxWaiting;
  private final long intervalNanos; // 0 = no rate limit
  /** A backed-up endpoint's waiting deliveries that would not all start within this are shed. */
  private final long shedAfterNanos;
  /** When capacity is short, no endpoint keeps more than this many waiting: a quarter of the claim capacity. */
  private final int maxBacklog;
  /** Monotonic nanoseconds for an endpoint's pace (a wall clock may step); rate limits use the caller's time. */
  private final LongSupplier ticker;
  private final ConcurrentHashMap<URI, Queue> queues = new ConcurrentHashMap<>();

  /**
   * @param maxInFlight attempts in flight per endpoint
   * @param requestsPerSecond rate limit per endpoint; 0 for none
   * @param shedAfterNanos see {@link #submit}
   * @param claimCapacity how many deliveries the publisher claims at most, over all endpoints
   * @param ticker monotonic nanoseconds, such as {@code System::nanoTime}
   */
  EndpointQueues(int maxInFlight, double requestsPerSecond, long shedAfterNanos, int claimCapacity,
      LongSupplier ticker) {
    this.ticker = ticker;
    this.maxInFlight = maxInFlight;
    this.maxWaiting = waitingPerEndpoint(maxInFlight);
    this.intervalNanos = requestsPerSecond > 0 ? (long) (1_000_000_000L / requestsPerSecond) : 0;
    this.shedAfterNanos = shedAfterNanos;
    this.maxBacklog = Math.max(maxWaiting, claimCapacity / 4);
  }

  /** How many deliveries wait behind one endpoint's {@code maxInFlight} slots before more go back to the store. */
  static int waitingPerEndpoint(int maxInFlight) {
    return Math.max(16, 4 * maxInFlight);
  }

  /** One endpoint's waiting deliveries and counters; guarded by itself. */
  static final class Queue {
    final URI endpoint;
    final ArrayDeque<Claim> waiting = new ArrayDeque<>(4);
    int inFlight;
    long nextFreeNanos;
    boolean removed;
    /**
     * Whether an attempt has finished since the endpoint last got busy; when the last one
     * finished (or it got busy); the smoothed gap between finishes. On the ticker's time.
     */
    boolean released;
    long lastReleaseNanos;
    long releaseGapNanos;

    Queue(URI endpoint) {
      this.endpoint = endpoint;
    }
  }

  /**
   * Starts {@code d} now if its endpoint has a free slot (calling {@code start} with the wait
   * its rate limit asks, in nanoseconds), else queues it behind the others.
   *
   * @param crowded whether the publisher's claim capacity is running short
   * @return false when capacity is short and the endpoint is backed up (it has its fill of
   *     waiting deliveries, and at the pace its attempts finish they would not all start within
   *     the shedding time): the caller gives {@code d} back to the store, so that a slow
   *     endpoint's backlog does not take the claim capacity healthy endpoints need, while a
   *     busy but healthy endpoint keeps its own
   */
  boolean submit(Claim d, long nowNanos, StartFn start, boolean crowded) {
    URI endpoint = d.subscription.endpoint();
    long wait;
    while (true) {
      Queue q = queues.computeIfAbsent(endpoint, Queue::new);
      synchronized (q) {
        if (q.removed) {
          continue; // it went idle and was dropped just now: take the fresh one
        }
        if (q.inFlight >= maxInFlight) {
          if (crowded && q.waiting.size() >= maxWaiting && backedUp(q)) {
            return false;
          }
          d.queue = q;
          q.waiting.add(d);
          return true;
        }
        d.queue = q;
        if (q.inFlight++ == 0) { // busy again after idling: its pace is measured afresh
          q.released = false;
          q.lastReleaseNanos = ticker.getAsLong();
        }
        wait = reserve(q, nowNanos);
        break;
      }
    }
    start.start(d, wait);
    return true;
  }

  /**
   * An attempt of {@code finished}'s endpoint ended: hand its slot to the next waiting
   * delivery, or free it (and drop the queue when it has nothing left).
   */
  void release(Claim finished, long nowNanos, StartFn start) {
    Queue q = finished.queue;
    if (q == null) {
      return;
    }
    Claim next;
    long wait = 0;
    synchronized (q) {
      long tick = ticker.getAsLong();
      long gap = Math.max(0, tick - q.lastReleaseNanos);
      // The first finish took one attempt's time, with all its slots in flight together.
      q.releaseGapNanos = q.released ? (7 * q.releaseGapNanos + gap) / 8 : gap / Math.max(1, q.inFlight);
      q.released = true;
      q.lastReleaseNanos = tick;
      next = q.waiting.poll();
      if (next == null) {
        q.inFlight--;
        if (q.inFlight == 0 && intervalNanos == 0) { // a rate-limited queue keeps its clock
          q.removed = true;
          queues.remove(q.endpoint, q);
        }
      } else {
        wait = reserve(q, nowNanos);
      }
    }
    if (next != null) {
      start.start(next, wait);
    }
  }

  /** Removes every waiting delivery, for shutdown; {@code sink} runs outside the queues' locks. */
  void drainWaiting(Consumer<Claim> sink) {
    java.util.List<Claim> drained = new java.util.ArrayList<>();
    for (Queue q : queues.values()) {
      synchronized (q) {
        drained.addAll(q.waiting);
        q.waiting.clear();
      }
    }
    drained.forEach(sink);
  }

  /**
   * Whether {@code q} holds a quarter of the claim capacity, is stalled (no attempt finished for
   * the whole shedding time: its slots may all hang), or is slow (at the pace its attempts
   * finish, its waiting deliveries would not all start within the shedding time). A healthy
   * endpoint whose answers pause for a few milliseconds, or whose first answers are still on
   * their way, is none of these. Caller holds q.
   */
  private boolean backedUp(Queue q) {
    return q.waiting.size() >= maxBacklog
        || ticker.getAsLong() - q.lastReleaseNanos > shedAfterNanos
        || q.released && q.releaseGapNanos > shedAfterNanos / (q.waiting.size() + 1);
  }

  /** Token-bucket reservation: the wait before this request may start. Caller holds q. */
  private long reserve(Queue q, long nowNanos) {
    if (intervalNanos == 0) {
      return 0;
    }
    long slot = Math.max(q.nextFreeNanos, nowNanos);
    q.nextFreeNanos = slot + intervalNanos;
    return slot - nowNanos;
  }

  /** Starts a delivery's attempt after a wait in nanoseconds (0 = now). */
  @FunctionalInterface
  interface StartFn {
    void start(Claim d, long waitNanos);
  }
}
