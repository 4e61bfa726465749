package dev.hookpost.benchmarks;

import dev.hookpost.DeliveryOutcome;
import dev.hookpost.Event;
import dev.hookpost.WebhookPublisher;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Keeps one publisher busy end to end: {@code senders} threads call {@code send} with 1 KiB
 * events while fewer than {@code unfinished} events wait for their outcome (a closed loop: the
 * figure is the delivery rate, not how far sends can run ahead). Counts outcomes as they complete;
 * any outcome but {@code Delivered} is counted apart and reported.
 */
final class DeliveryLoad {
  private final WebhookPublisher publisher;
  private final int senders;
  private final int unfinished;
  private final Semaphore room;
  private final AtomicLong delivered = new AtomicLong();
  private final AtomicLong other = new AtomicLong();
  private final AtomicInteger numbers = new AtomicInteger();
  private volatile boolean running;
  private long limit = Long.MAX_VALUE;
  private final List<Thread> threads = new ArrayList<>();

  DeliveryLoad(WebhookPublisher publisher, int senders, int unfinished) {
    this.publisher = publisher;
    this.senders = senders;
    this.unfinished = unfinished;
    this.room = new Semaphore(unfinished);
  }

  long delivered() {
    return delivered.get();
  }

  long notDelivered() {
    return other.get();
  }

  /** Starts the senders; they stop at {@link #stop} or after {@code events} sends in all. */
  void start(long events) {
    limit = events;
    numbers.set(0);
    running = true;
    for (int t = 0; t < senders; t++) {
      Thread th = new Thread(this::sendLoop, "bench-sender-" + t);
      th.setDaemon(true);
      th.start();
      threads.add(th);
    }
  }

  private void sendLoop() {
    try {
      while (running) {
        if (!room.tryAcquire(100, TimeUnit.MILLISECONDS)) {
          continue;
        }
        int n = numbers.getAndIncrement();
        if (n >= limit) {
          room.release();
          return;
        }
        try {
          publisher.send(Event.of("order.created", Payloads.oneKib(n))).outcomes().whenComplete((outcomes, e) -> {
            for (DeliveryOutcome o : outcomes) {
              (o instanceof DeliveryOutcome.Delivered ? delivered : other).incrementAndGet();
            }
            room.release();
          });
        } catch (RuntimeException e) { // counted, and the figure's line says so
          if (other.getAndIncrement() == 0) {
            System.err.println("send failed: " + e);
          }
          room.release();
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Stops the senders and waits up to {@code seconds} for every event sent to end. */
  void stopAndDrain(double seconds) throws InterruptedException {
    running = false;
    for (Thread t : threads) {
      t.join();
    }
    threads.clear();
    if (!room.tryAcquire(unfinished, (long) (seconds * 1000), TimeUnit.MILLISECONDS)) {
      throw new IllegalStateException((unfinished - room.availablePermits()) + " events still unfinished after "
          + seconds + " s");
    }
    room.release(unfinished);
  }

  /** Sends {@code events} and waits until all have ended. */
  void runToEnd(long events, double seconds) throws InterruptedException {
    start(events);
    for (Thread t : threads) {
      t.join();
    }
    stopAndDrain(seconds);
  }
}
