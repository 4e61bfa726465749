package dev.hookpost.internal.engine;

import dev.hookpost.Subscription;
import dev.hookpost.WebhookException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Calls a subscription's own {@link dev.hookpost.Signer} (one given to
 * {@code Subscription.Builder.signer}, e.g. a KMS client) on a thread of its own, so that a slow
 * or stuck signer holds up only its own attempt, never the scheduler or other endpoints. The
 * header future fails with the reason when the signer throws, returns no usable header, or takes
 * longer than {@link #TIMEOUT}. Built-in signers run inline instead: they are pure computation.
 *
 * <p>The threads are daemons shared by every publisher, made on demand and ended after a minute
 * idle; their number is bounded by the attempts in flight. Thread-safe; holds no lock.
 */
final class CustomSigning {
  /** How long a subscription's own signer may take before its attempt fails. */
  static final Duration TIMEOUT = Duration.ofSeconds(10);

  private static final AtomicInteger COUNT = new AtomicInteger();
  private static final ExecutorService THREADS = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 60, TimeUnit.SECONDS,
      new SynchronousQueue<>(), r -> {
        Thread t = new Thread(r, "hookpost-signer-" + COUNT.incrementAndGet());
        t.setDaemon(true);
        return t;
      });

  private final ScheduledExecutorService scheduler;

  CustomSigning(ScheduledExecutorService scheduler) {
    this.scheduler = scheduler;
  }

  /** Whether {@code s} signs with a signer of its own rather than keys it holds. */
  static boolean isCustom(Subscription s) {
    return s.signingKeys().isEmpty();
  }

  /** The {@code webhook-signature} value from {@code s}'s signer, completed on a signer thread. */
  CompletableFuture<String> sign(Subscription s, String id, long timestamp, byte[] body) {
    CompletableFuture<String> header = new CompletableFuture<>();
    Future<?> task;
    try {
      task = THREADS.submit(() -> {
        try {
          header.complete(checked(s, s.signer().sign(id, timestamp, body)));
        } catch (Throwable e) { // whatever it throws fails this attempt, with the reason
          header.completeExceptionally(e instanceof WebhookException ? e : new WebhookException(
              "the signer of subscription '" + s.id() + "' failed: " + e, e));
        }
      });
    } catch (RejectedExecutionException e) {
      return CompletableFuture.failedFuture(new WebhookException("no thread to run the signer on", e));
    }
    try {
      ScheduledFuture<?> timer = scheduler.schedule(() -> {
        if (header.completeExceptionally(new WebhookException("the signer of subscription '" + s.id()
            + "' did not answer within " + TIMEOUT.toSeconds() + " s"))) {
          task.cancel(true);
        }
      }, TIMEOUT.toNanos(), TimeUnit.NANOSECONDS);
      header.whenComplete((h, e) -> timer.cancel(false));
    } catch (RejectedExecutionException e) {
      // the scheduler is shutting down: shutdown's own timeout bounds the wait
    }
    return header;
  }

  private static String checked(Subscription s, String header) {
    if (header == null || header.isBlank() || !header.chars().allMatch(c -> c >= 0x20 && c <= 0x7e)) {
      throw new WebhookException("the signer of subscription '" + s.id() + "' returned "
          + (header == null ? "null" : "'" + header.substring(0, Math.min(header.length(), 100)).replaceAll("[^\\x20-\\x7e]", "?") + "'")
          + " instead of a webhook-signature value such as 'v1a,<base64>'");
    }
    return header;
  }
}
