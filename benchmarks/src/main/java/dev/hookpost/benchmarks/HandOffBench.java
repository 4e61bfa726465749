package dev.hookpost.benchmarks;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Beside {@link SendHoldBench}: how long the caller's thread is held by nothing but handing a
 * prepared, signed OkHttp call to an idle pool thread ({@code ThreadPoolExecutor.execute}), as
 * hand-written code would, under the same conditions (the previous call answered, then 0.3 ms
 * idle, so the pool thread sleeps). Its tail is mostly the woken thread running the call on the
 * caller's core while the caller waits; Hookpost's transport workers yield once when woken to
 * avoid that.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class HandOffBench {
  ThreadPoolExecutor pool;
  OkHttpClient client;
  Request request;
  CompletableFuture<Integer> previous;

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    pool = new ThreadPoolExecutor(1, 1, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>());
    client = HttpBench.baselineClient(5);
    request = HttpBench.baselineRequest(System.getProperty("url", "http://127.0.0.1:18080/") + "hook", 1);
    for (int i = 0; i < SendHoldBench.WARMUP_SENDS; i++) {
      handOff().get(10, TimeUnit.SECONDS);
    }
  }

  /** Untimed, as in {@link SendHoldBench#quiet}: the previous call is answered, and the pool thread has gone to sleep. */
  @Setup(Level.Invocation)
  public void quiet() throws Exception {
    if (previous != null) {
      previous.get(10, TimeUnit.SECONDS);
    }
    LockSupport.parkNanos(Long.getLong("idleNanos", 300_000));
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    pool.shutdown();
  }

  @Benchmark
  public CompletableFuture<Integer> handOff() {
    CompletableFuture<Integer> answered = new CompletableFuture<>();
    pool.execute(() -> {
      try (Response r = client.newCall(request).execute()) {
        answered.complete(r.code());
      } catch (Exception e) {
        answered.completeExceptionally(e);
      }
    });
    previous = answered;
    return answered;
  }
}
