package dev.hookpost;

import java.net.URI;
import java.util.ArrayDeque;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

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
  private final ConcurrentHashMap<URI, Queue> queues = new ConcurrentHashMap<>();

  /**
   * @param maxInFlight attempts in flight per endpoint
   * @param requestsPerSecond rate limit per endpoint; 0 for none
   * @param shedAfterNanos see {@link #submit}
   * @param claimCapacity how many deliveries the publisher claims at most, over all endpoints
   */
  EndpointQueues(int maxInFlight, double requestsPerSecond, long shedAfterNanos, int claimCapacity) {
    this.maxInFlight = maxInFlight;
    this.maxWaiting = Math.max(16, 4 * maxInFlight);
    this.intervalNanos = requestsPerSecond > 0 ? (long) (1_000_000_000L / requestsPerSecond) : 0;
    this.shedAfterNanos = shedAfterNanos;
    this.maxBacklog = Math.max(maxWaiting, claimCapacity / 4);
  }

  /** One endpoint's waiting deliveries and counters; guarded by itself. */
  static final class Queue {
    final URI endpoint;
    final ArrayDeque<Delivery> waiting = new ArrayDeque<>(4);
    int inFlight;
    long nextFreeNanos;
    boolean removed;
    /** Whether an attempt has finished since the queue was made; when the last one did; the smoothed gap between them. */
    boolean released;
    long lastReleaseNanos;
    long releaseGapNanos;

    Queue(URI endpoint, long nowNanos) {
      this.endpoint = endpoint;
      this.lastReleaseNanos = nowNanos;
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
  boolean submit(Delivery d, long nowNanos, StartFn start, boolean crowded) {
    URI endpoint = d.subscription.endpoint();
    long wait;
    while (true) {
      Queue q = queues.computeIfAbsent(endpoint, e -> new Queue(e, nowNanos));
      synchronized (q) {
        if (q.removed) {
          continue; // it went idle and was dropped just now: take the fresh one
        }
        if (q.inFlight >= maxInFlight) {
          if (crowded && q.waiting.size() >= maxWaiting && backedUp(q, nowNanos)) {
            return false;
          }
          d.queue = q;
          q.waiting.add(d);
          return true;
        }
        d.queue = q;
        q.inFlight++;
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
  void release(Delivery finished, long nowNanos, StartFn start) {
    Queue q = finished.queue;
    if (q == null) {
      return;
    }
    Delivery next;
    long wait = 0;
    synchronized (q) {
      long gap = Math.max(0, nowNanos - q.lastReleaseNanos);
      q.releaseGapNanos = q.released ? (7 * q.releaseGapNanos + gap) / 8 : gap;
      q.released = true;
      q.lastReleaseNanos = nowNanos;
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
  void drainWaiting(Consumer<Delivery> sink) {
    java.util.List<Delivery> drained = new java.util.ArrayList<>();
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
   * the whole shedding time, or for a tenth of it since the queue was made: its slots may all
   * hang), or is slow (at the pace its attempts finish, its waiting deliveries would not all
   * start within the shedding time). A healthy endpoint whose answers pause for a few
   * milliseconds, or whose first answers are still on their way, is none of these. Caller holds q.
   */
  private boolean backedUp(Queue q, long nowNanos) {
    long silent = nowNanos - q.lastReleaseNanos;
    return q.waiting.size() >= maxBacklog
        || silent > (q.released ? shedAfterNanos : shedAfterNanos / 10)
        || q.releaseGapNanos > shedAfterNanos / (q.waiting.size() + 1);
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
    void start(Delivery d, long waitNanos);
  }
}
