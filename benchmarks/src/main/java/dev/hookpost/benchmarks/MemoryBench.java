package dev.hookpost.benchmarks;

import dev.hookpost.DeliveryListener;
import dev.hookpost.Attempt;
import dev.hookpost.Event;
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

/**
 * Retained heap per pending delivery while its endpoint is down: one 1 KiB event sent to
 * 100,000 subscriptions whose endpoints refuse connections, measured after every first attempt
 * failed and its retry waits in the store. Subscriptions are the application's, so they are in
 * the baseline; the shared payload is subtracted.
 */
public final class MemoryBench {
  private MemoryBench() {}

  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
    CountDownLatch waiting = new CountDownLatch(n);
    WebhookPublisher.Builder b = WebhookPublisher.builder()
        .transport(r -> CompletableFuture.failedFuture(new ConnectException("Connection refused")))
        .maxPendingDeliveries(1_000_000)
        .listener(new DeliveryListener() {
          @Override
          public void onRetryScheduled(StoredDelivery d, Subscription s, Attempt failed, Duration delay) {
            waiting.countDown();
          }
        });
    String secret = Signer.generateSecret();
    for (int i = 0; i < n; i++) {
      b.subscription(Subscription.builder().id("s" + i).endpoint("https://down.example/s/" + i).secret(secret).build());
    }
    WebhookPublisher publisher = b.build();
    Event event = Event.of("order.created", Payloads.oneKib(1));
    long before = usedAfterGc();

    SendHandle handle = publisher.send(event);
    if (!waiting.await(120, TimeUnit.SECONDS)) {
      throw new IllegalStateException("not every first attempt failed in time");
    }
    Thread.sleep(200);
    long after = usedAfterGc();
    long payload = 1024;
    double perDelivery = (after - before - payload) / (double) n;
    System.out.println("RESULT figure=memory-bytes-per-pending-delivery impl=hookpost value="
        + String.format("%.0f", perDelivery));
    System.out.println("# " + n + " pending, heap after GC " + (before >> 20) + " MiB -> " + (after >> 20) + " MiB"
        + " (handle kept: " + (handle != null) + ")");
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
