package dev.hookpost.okhttp;

import java.util.ArrayDeque;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A bounded pool of daemon worker threads where work submitted from a worker thread runs on that
 * same thread once its current task returns (a trampoline): when a finished request's callback
 * sends the next request, no other thread has to wake up for it. Thread-safe.
 */
final class TrampolineExecutor {
  private static final ThreadLocal<ArrayDeque<Runnable>> LOCAL = new ThreadLocal<>();
  /** One continuation per worker: a second would wait behind the first, which may hang. */
  private static final int MAX_LOCAL = 1;

  private final ThreadPoolExecutor pool;

  TrampolineExecutor(int threads) {
    AtomicInteger n = new AtomicInteger();
    this.pool = new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
      Thread t = new Thread(r, "hookpost-http-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    pool.allowCoreThreadTimeOut(true);
  }

  void submit(Runnable task) {
    ArrayDeque<Runnable> local = LOCAL.get();
    if (local != null && local.size() < MAX_LOCAL) {
      local.add(task);
    } else {
      pool.execute(() -> runHere(task));
    }
  }

  private static void runHere(Runnable first) {
    ArrayDeque<Runnable> local = new ArrayDeque<>();
    LOCAL.set(local);
    try {
      for (Runnable r = first; r != null; r = local.poll()) {
        try {
          r.run();
        } catch (RuntimeException e) {
          Thread t = Thread.currentThread();
          t.getUncaughtExceptionHandler().uncaughtException(t, e);
        }
      }
    } finally {
      LOCAL.remove();
    }
  }

  void shutdown() {
    pool.shutdown();
  }
}
