package dev.hookpost.benchmarks;

import dev.hookpost.DeliveryListener;
import dev.hookpost.Attempt;
import dev.hookpost.Event;
import dev.hookpost.RetryPolicy;
import dev.hookpost.SendHandle;
import dev.hookpost.Signer;
import dev.hookpost.spi.StoredDelivery;
import dev.hookpost.Subscription;
import dev.hookpost.WebhookPublisher;
import java.lang.management.ManagementFactory;
import java.net.ConnectException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Retained heap per pending delivery while its endpoint is down, measured after every first
 * attempt failed and its retry waits in the store, in one of two shapes:
 * <ul>
 *   <li>{@code fanout} (the default): one 1 KiB event sent to N subscriptions. Subscriptions are
 *       the application's, so they are in the baseline, and the shared payload is subtracted;
 *       but whatever the engine keeps per subscription (a backlog count, a failing count, an
 *       endpoint queue) is counted per delivery, as there is one delivery per subscription.
 *   <li>{@code events}: N events of 1 KiB to one subscription, so that only what the engine keeps
 *       per delivery counts; each event's own serialized bytes are subtracted.
 * </ul>
 * {@code java dev.hookpost.benchmarks.MemoryBench [N [fanout|events]]}
 */
public final class MemoryBench {
  private MemoryBench() {}

  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
    boolean fanout = args.length < 2 || args[1].equals("fanout");
    CountDownLatch waiting = new CountDownLatch(n);
    AtomicLong payloadBytes = new AtomicLong();
    WebhookPublisher.Builder b = WebhookPublisher.builder()
        .transport(r -> CompletableFuture.failedFuture(new ConnectException("Connection refused")))
        .maxPendingDeliveries(1_000_000)
        .maxPendingPerSubscription(1_000_000)
        .listener(new DeliveryListener() {
          @Override
          public void onRetryScheduled(StoredDelivery d, Subscription s, Attempt failed, Duration delay) {
            if (failed.number() == 1) {
              payloadBytes.addAndGet(fanout ? 0 : d.payload().length);
              waiting.countDown();
            }
          }
        });
    String secret = Signer.generateSecret();
    // Sending takes seconds on a loaded machine: no retry may start (and grow a history) before the heap is measured.
    b.retryPolicy(RetryPolicy.fixedSchedule(Duration.ofHours(1)));
    for (int i = 0; i < (fanout ? n : 1); i++) {
      b.subscription(Subscription.builder().id("s" + i).endpoint("https://down.example/s/" + i).secret(secret).build());
    }
    WebhookPublisher publisher = b.build();
    Event event = Event.of("order.created", Payloads.oneKib(1));
    long before = usedAfterGc();

    SendHandle handle = publisher.send(event);
    for (int i = 1; !fanout && i < n; i++) {
      publisher.send(Event.of("order.created", Payloads.oneKib(i)));
    }
    if (!waiting.await(300, TimeUnit.SECONDS)) {
      throw new IllegalStateException("not every first attempt failed in time");
    }
    Thread.sleep(200);
    long after = usedAfterGc();
    long payload = fanout ? 1024 : payloadBytes.get();
    double perDelivery = (after - before - payload) / (double) n;
    System.out.println("RESULT figure=memory-bytes-per-pending-delivery" + (fanout ? "" : "-one-subscription")
        + " impl=hookpost value=" + String.format("%.0f", perDelivery));
    System.out.println("# " + n + " pending (" + (fanout ? "one event, " + n + " subscriptions" : n
        + " events, one subscription, " + payload / n + " payload bytes each subtracted") + "), heap after GC "
        + (before >> 20) + " MiB -> " + (after >> 20) + " MiB (handle kept: " + (handle != null) + ")");
    if (Boolean.getBoolean("hold")) {
      Thread.sleep(30_000); // time for `jcmd <pid> GC.class_histogram`
    }
    publisher.shutdown(Duration.ZERO);
    System.exit(0);
  }

  static long usedAfterGc() throws InterruptedException {
    for (int i = 0; i < 4; i++) {
      System.gc();
      Thread.sleep(100);
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }
}
