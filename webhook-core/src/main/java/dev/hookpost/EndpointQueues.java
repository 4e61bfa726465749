package dev.hookpost;

import java.util.ArrayDeque;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Per-endpoint isolation: each endpoint URL has its own queue, a cap on attempts in flight and
 * an optional rate limit, so a slow or dead endpoint cannot take the capacity of healthy ones.
 * Thread-safe.
 */
final class EndpointQueues {
  private final int maxInFlight;
  private final long intervalNanos; // 0 = no rate limit
  private final ConcurrentHashMap<String, Queue> queues = new ConcurrentHashMap<>();

  EndpointQueues(int maxInFlight, double requestsPerSecond) {
    this.maxInFlight = maxInFlight;
    this.intervalNanos = requestsPerSecond > 0 ? (long) (1_000_000_000L / requestsPerSecond) : 0;
  }

  /** One endpoint's waiting deliveries and counters; guarded by itself. */
  static final class Queue {
    final ArrayDeque<Delivery> waiting = new ArrayDeque<>();
    int inFlight;
    long nextFreeNanos;
  }

  Queue queueOf(Delivery d) {
    return queues.computeIfAbsent(d.subscription.endpoint().toString(), k -> new Queue());
  }

  /**
   * Starts {@code d} now if its endpoint has a free slot (calling {@code start} with the wait
   * its rate limit asks, in nanoseconds), else queues it behind the others.
   */
  void submit(Delivery d, long nowNanos, StartFn start) {
    Queue q = queueOf(d);
    long wait;
    synchronized (q) {
      if (q.inFlight >= maxInFlight) {
        q.waiting.add(d);
        return;
      }
      q.inFlight++;
      wait = reserve(q, nowNanos);
    }
    start.start(d, wait);
  }

  /**
   * An attempt of {@code finished}'s endpoint ended: hand its slot to the next waiting
   * delivery, or free it.
   */
  void release(Delivery finished, long nowNanos, StartFn start) {
    Queue q = queueOf(finished);
    Delivery next;
    long wait = 0;
    synchronized (q) {
      next = q.waiting.poll();
      if (next == null) {
        q.inFlight--;
      } else {
        wait = reserve(q, nowNanos);
      }
    }
    if (next != null) {
      start.start(next, wait);
    }
  }

  /** Removes every waiting delivery, for shutdown. */
  void drainWaiting(Consumer<Delivery> sink) {
    for (Queue q : queues.values()) {
      synchronized (q) {
        for (Delivery d; (d = q.waiting.poll()) != null; ) {
          sink.accept(d);
        }
      }
    }
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
