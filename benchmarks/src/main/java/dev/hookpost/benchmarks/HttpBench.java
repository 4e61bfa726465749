package dev.hookpost.benchmarks;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hookpost.AddressGuard;
import dev.hookpost.DeliveryOutcome;
import dev.hookpost.Event;
import dev.hookpost.RetryPolicy;
import dev.hookpost.Signer;
import dev.hookpost.Subscription;
import dev.hookpost.WebhookPublisher;
import dev.hookpost.okhttp.OkHttpTransport;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.stream.Stream;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import okhttp3.Call;
import okhttp3.Callback;
import okhttp3.ConnectionPool;
import okhttp3.Dispatcher;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

/**
 * One side of one figure in a fresh JVM, against a receiver on 127.0.0.1 that answers 204: it
 * warms up, then measures when {@link Alternate} asks (see {@link #serve}) and prints
 * {@code RESULT figure=... impl=... value=...} lines for {@code run.sh}.
 *
 * <pre>
 * java dev.hookpost.benchmarks.HttpBench throughput hookpost|sync|async|pool|hanging N URL   (N = 1: latency too)
 * java dev.hookpost.benchmarks.HttpBench fanout hookpost|sync URL
 * </pre>
 */
public final class HttpBench {
  static final MediaType JSON = MediaType.get("application/json");
  static final ObjectMapper MAPPER = new ObjectMapper();
  static final String SECRET = Signer.generateSecret();
  /** The fewest warm-up requests; warming up goes on until the JIT is quiet (see {@link #warmUp}). */
  static final int WARMUP = Integer.getInteger("warmup", 30_000);
  /** The longest warm-up, in seconds, even if the JIT is still compiling then. */
  static final double WARMUP_MAX_SECONDS = Double.parseDouble(System.getProperty("warmupMaxSeconds", "12"));
  /** Requests per warm-up or measuring step. */
  static final int CHUNK = 5_000;

  private HttpBench() {}

  public static void main(String[] args) {
    try {
      switch (args[0]) {
        case "throughput" -> throughput(args[1], Integer.parseInt(args[2]), args[3]);
        case "fanout" -> fanout(args[1], args[2]);
        default -> throw new IllegalArgumentException("unknown figure " + args[0]);
      }
    } catch (Throwable e) { // at once, rather than when the last pool thread times out
      e.printStackTrace();
      System.exit(1);
    }
    System.exit(0);
  }

  /** One figure of this JVM, for {@code run.sh}; {@code -Dround=N} tells Report which round it belongs to. */
  static void result(String figure, String impl, String value) {
    System.out.println("RESULT figure=" + figure + " impl=" + impl + " value=" + value + " round="
        + Integer.getInteger("round", 0));
  }

  // ---------- hand-written OkHttp: serialize, sign, POST, read the status ----------

  static OkHttpClient baselineClient(int maxPerHost) {
    Dispatcher d = new Dispatcher();
    d.setMaxRequests(Math.max(64, maxPerHost));
    d.setMaxRequestsPerHost(maxPerHost);
    return new OkHttpClient.Builder().dispatcher(d).connectionPool(new ConnectionPool(maxPerHost + 5, 5,
        TimeUnit.MINUTES)).followRedirects(false).build();
  }

  static final ThreadLocal<Mac> MAC = ThreadLocal.withInitial(() -> {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(Base64.getDecoder().decode(SECRET.substring(6)), "HmacSHA256"));
      return mac;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  });

  /** A hand-written sender's signed message: the envelope's bytes and the three webhook headers. */
  record SignedMessage(byte[] body, String id, String timestamp, String signature) {}

  /** What a hand-written sender does per message apart from HTTP: serialize the envelope, make an id, sign. */
  static SignedMessage baselineMessage(Map<String, Object> data) throws IOException {
    Map<String, Object> envelope = new LinkedHashMap<>();
    envelope.put("type", "order.created");
    envelope.put("timestamp", DateTimeFormatter.ISO_INSTANT.format(Instant.now()));
    envelope.put("data", data);
    byte[] body = MAPPER.writeValueAsBytes(envelope);
    String id = "msg_" + UUID.randomUUID();
    String ts = Long.toString(System.currentTimeMillis() / 1000);
    Mac mac = MAC.get();
    mac.update((id + "." + ts + ".").getBytes(StandardCharsets.UTF_8));
    return new SignedMessage(body, id, ts, "v1," + Base64.getEncoder().encodeToString(mac.doFinal(body)));
  }

  /** What a hand-written sender does per request, up to the call. */
  static Request baselineRequest(String url, int n) throws IOException {
    SignedMessage m = baselineMessage(Payloads.oneKib(n));
    return new Request.Builder().url(url)
        .header("webhook-id", m.id()).header("webhook-timestamp", m.timestamp())
        .header("webhook-signature", m.signature())
        .post(RequestBody.create(m.body(), JSON)).build();
  }

  /** N threads, each: build a request, execute it, read the status. Returns requests per second. */
  static double baselineSync(OkHttpClient client, String url, int threads, int total) throws Exception {
    long start = System.nanoTime();
    onThreads(threads, total, i -> baselineCall(client, url, i));
    return total / ((System.nanoTime() - start) / 1e9);
  }

  /** One hand-written request on this thread: build it, execute it, check the status. */
  static void baselineCall(OkHttpClient client, String url, int i) throws IOException {
    try (Response r = client.newCall(baselineRequest(url, i)).execute()) {
      if (r.code() != 204) {
        throw new IllegalStateException("status " + r.code());
      }
    }
  }

  /** One request of a hand-written loop, by its index. */
  @FunctionalInterface
  interface IndexedCall {
    void run(int i) throws Exception;
  }

  /** Runs {@code request} for indexes 0 to total - 1 on {@code threads} new threads, and waits for them. */
  static void onThreads(int threads, int total, IndexedCall request) throws InterruptedException {
    AtomicLong next = new AtomicLong();
    CountDownLatch done = new CountDownLatch(threads);
    AtomicReference<Exception> failed = new AtomicReference<>();
    for (int t = 0; t < threads; t++) {
      new Thread(() -> {
        try {
          for (long i; (i = next.getAndIncrement()) < total; ) {
            request.run((int) i);
          }
        } catch (Exception e) {
          failed.compareAndSet(null, e);
        } finally {
          done.countDown();
        }
      }).start();
    }
    done.await();
    if (failed.get() != null) {
      throw new IllegalStateException("a hand-written request failed", failed.get());
    }
  }

  /** N calls in flight with enqueue. Returns requests per second. */
  static double baselineAsync(OkHttpClient client, String url, int inFlight, int total) throws Exception {
    return inFlight(inFlight, total, (i, finished) -> client.newCall(baselineRequest(url, i)).enqueue(new Callback() {
      @Override
      public void onFailure(Call call, IOException e) {
        finished.accept(e);
      }

      @Override
      public void onResponse(Call call, Response response) {
        int code = response.code();
        response.close(); // before the next request may start: its connection back in the pool
        finished.accept(code == 204 ? null : new IllegalStateException("status " + code));
      }
    }));
  }

  /**
   * The simplest hand-written sender that does not hold its caller: each request handed to a
   * fixed pool of N threads, each thread running {@link #baselineCall}, N in flight. Not a
   * baseline of the figures (it is never faster than the loop it wraps); it shows what handing a
   * request to another thread costs on this machine. Returns requests per second.
   */
  static double baselinePool(OkHttpClient client, ExecutorService pool, String url, int inFlight, int total)
      throws Exception {
    return inFlight(inFlight, total, (i, finished) -> pool.execute(() -> {
      Exception failure = new IllegalStateException("the request ended in an Error");
      try {
        baselineCall(client, url, i);
        failure = null;
      } catch (Exception e) {
        failure = e;
      } finally {
        finished.accept(failure);
      }
    }));
  }

  /** A request started without waiting for it; it calls {@code finished} when it ends, with its failure or null. */
  @FunctionalInterface
  interface Started {
    void start(int i, Consumer<Exception> finished) throws Exception;
  }

  /** Starts {@code total} requests, at most {@code inFlight} unfinished at a time, and waits for them. Returns requests per second. */
  static double inFlight(int inFlight, int total, Started request) throws Exception {
    Semaphore room = new Semaphore(inFlight);
    CountDownLatch done = new CountDownLatch(total);
    AtomicReference<Exception> failed = new AtomicReference<>();
    Consumer<Exception> finished = e -> {
      if (e != null) {
        failed.compareAndSet(null, e);
      }
      room.release();
      done.countDown();
    };
    long start = System.nanoTime();
    for (int i = 0; i < total; i++) {
      room.acquire();
      request.start(i, finished);
    }
    done.await();
    if (failed.get() != null) {
      throw new IllegalStateException("a hand-written request failed", failed.get());
    }
    return total / ((System.nanoTime() - start) / 1e9);
  }

  // ---------- Hookpost ----------

  /** The transport both sides' figures use; {@code -DidleSpinNanos=0} turns spinning off, for comparison. */
  static OkHttpTransport transport() {
    return transport(OkHttpTransport.builder());
  }

  static OkHttpTransport transport(OkHttpTransport.Builder b) {
    b.addressGuard(AddressGuard.publicOnly().allowing("127.0.0.1"));
    Long spin = Long.getLong("idleSpinNanos");
    if (spin != null) {
      b.idleSpin(Duration.ofNanos(spin));
    }
    return b.build();
  }

  static WebhookPublisher publisher(List<Subscription> subs, int perEndpoint) {
    return publisherBuilder(subs, perEndpoint).build();
  }

  static WebhookPublisher.Builder publisherBuilder(List<Subscription> subs, int perEndpoint) {
    WebhookPublisher.Builder b = WebhookPublisher.builder()
        .transport(transport())
        .retryPolicy(RetryPolicy.none())
        .maxConcurrencyPerEndpoint(perEndpoint)
        .maxPendingDeliveries(1_000_000);
    subs.forEach(b::subscription);
    return b;
  }

  static Subscription sub(String url, String id) {
    return Subscription.builder().id(id).endpoint(url).secret(SECRET).build();
  }

  /**
   * Sends {@code total} events and waits for all outcomes. Like an
   * application's request threads, the producer is not woken for every finished delivery: it
   * keeps between 2N and 4N (at least 32 and 64) unfinished and waits only when it reaches the
   * upper mark, until half of them finished.
   */
  static double hookpost(WebhookPublisher p, int concurrency, int total) throws Exception {
    int high = Math.max(64, concurrency * 4);
    int low = high / 2;
    AtomicInteger unfinished = new AtomicInteger();
    Object gate = new Object();
    CountDownLatch done = new CountDownLatch(total);
    AtomicLong failures = new AtomicLong();
    long start = System.nanoTime();
    for (int i = 0; i < total; i++) {
      if (unfinished.get() >= high) {
        synchronized (gate) {
          while (unfinished.get() > low) {
            gate.wait();
          }
        }
      }
      unfinished.incrementAndGet();
      p.send(Event.of("order.created", Payloads.oneKib(i))).outcomes().whenComplete((o, e) -> {
        if (e != null || !(o.get(0) instanceof DeliveryOutcome.Delivered)) {
          failures.incrementAndGet();
        }
        if (unfinished.decrementAndGet() == low) {
          synchronized (gate) {
            gate.notifyAll();
          }
        }
        done.countDown();
      });
    }
    done.await();
    double rate = total / ((System.nanoTime() - start) / 1e9);
    if (failures.get() > 0) {
      throw new IllegalStateException(failures.get() + " deliveries failed");
    }
    return rate;
  }

  /** Runs {@code count} requests; returns their rate per second. */
  @FunctionalInterface
  interface Load {
    double run(int count) throws Exception;
  }

  /**
   * Warms up until the JIT has settled: at least {@link #WARMUP} requests, and then until the
   * JIT's compiler threads have used less than 2 % of a whole second of CPU. Until then the
   * figures still climb (from a third of the final rate), and which side's code C2 finishes
   * first would decide the ratio. Stops after {@link #WARMUP_MAX_SECONDS} regardless, and says
   * so. Reports the requests it took as a {@code warmup-<figure>} result.
   */
  static void warmUp(String figure, String impl, Load load) throws Exception {
    warmUp(figure, impl, WARMUP, CHUNK, load);
  }

  /** As {@link #warmUp(String, String, Load)}, with its own minimum and step, in requests. */
  static void warmUp(String figure, String impl, int atLeast, int step, Load load) throws Exception {
    long start = System.nanoTime();
    long quietSince = start;
    long compiling = 0; // compiler CPU milliseconds since quietSince
    compilerMillisSinceLastCall();
    int done = 0;
    while (true) {
      load.run(step);
      done += step;
      long now = System.nanoTime();
      compiling += compilerMillisSinceLastCall();
      if (compiling * 50 > (now - quietSince) / 1_000_000) {
        quietSince = now; // compiled too much in this stretch: the quiet second starts again
        compiling = 0;
      } else if (done >= atLeast && now - quietSince >= 1_000_000_000L) {
        break;
      }
      if (now - start > WARMUP_MAX_SECONDS * 1e9) {
        System.err.println(figure + " " + impl + ": the JIT was still compiling after " + WARMUP_MAX_SECONDS + " s");
        result("warmup-capped-" + figure, impl, "1");
        break;
      }
    }
    result("warmup-" + figure, impl, Integer.toString(done));
  }

  private static final Path THREADS = Path.of("/proc/self/task");
  /** CPU ticks of each compiler thread (by thread id) at the last call. */
  private static final Map<String, Long> COMPILER_TICKS = new HashMap<>();
  private static long compilationMillis = ManagementFactory.getCompilationMXBean().getTotalCompilationTime();

  /**
   * CPU milliseconds the JIT's compiler threads used since the last call, from {@code /proc}
   * (Linux, 10 ms ticks), thread by thread: it grows while a compilation runs, unlike
   * {@code CompilationMXBean}'s total, which grows only when one ends (a large C2 compilation
   * takes over a second here). Elsewhere, the growth of that total.
   */
  static long compilerMillisSinceLastCall() throws IOException {
    if (!Files.isDirectory(THREADS)) {
      long total = ManagementFactory.getCompilationMXBean().getTotalCompilationTime();
      long grew = total - compilationMillis;
      compilationMillis = total;
      return grew;
    }
    long grewTicks = 0;
    try (Stream<Path> threads = Files.list(THREADS)) {
      for (Path t : (Iterable<Path>) threads::iterator) {
        try {
          if (Files.readString(t.resolve("comm")).contains("CompilerThre")) {
            String stat = Files.readString(t.resolve("stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime and stime: fields 14 and 15
            Long before = COMPILER_TICKS.put(t.getFileName().toString(), ticks);
            grewTicks += ticks - (before == null ? 0 : before); // a new compiler thread counts in full
          }
        } catch (IOException ended) {
          // a thread that ended meanwhile ("No such process", or its files gone)
        }
      }
    }
    return grewTicks * 10;
  }

  // ---------- one side of a figure, measured when Alternate asks ----------

  /**
   * One side of a figure in this JVM. {@link #serve} warms it up, then measures it only when
   * {@link Alternate} asks, in short windows taken in turn with the other sides' JVMs, so that
   * the machine speeding up or slowing down reaches every side alike.
   *
   * @param figure the name of its result, e.g. {@code throughput-8}
   * @param impl which side: {@code hookpost}, {@code sync}, {@code async}, {@code pool}, {@code hanging}
   * @param load runs that many requests, for warming up and for {@code rate} (its return value
   *     is not used); a fan-out side counts a fan-out as its 1,000 requests
   * @param latency one timed request at a time (at 1 in flight), or null
   * @param fanOut one whole fan-out, or null
   */
  record Side(String figure, String impl, Load load, Sample latency, IndexedCall fanOut) {}

  /**
   * Warms {@code side} up until the JIT is quiet (see {@link #warmUp}), prints {@code READY},
   * then answers commands from standard input, one per line, each with {@code OK} when done.
   * {@code keep} counts what a command measured in the side's figures, {@code drop} does not.
   * <ul>
   *   <li>{@code rate SECONDS keep|drop}: steps of {@link #CHUNK} requests for at least that long;
   *   <li>{@code warmlat}: warms up one request at a time (an idle sender) until the JIT is quiet
   *       again; nothing for a side without a latency figure, as for {@code lat};
   *   <li>{@code lat COUNT keep|drop}: that many requests one at a time, each timed from its
   *       start to its 204;
   *   <li>{@code fanout COUNT keep|drop}: that many timed fan-outs;
   *   <li>{@code report}: prints the {@code RESULT} lines of what was kept: requests per second
   *       over all kept windows, latency p50 and p99, the median fan-out.
   * </ul>
   * Returns at {@code quit} or at the end of the input.
   */
  static void serve(Side side) throws Exception {
    warmUp(side.figure(), side.impl(), side.load());
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    System.out.println("READY");
    long requests = 0;
    long requestNanos = 0;
    long[] latencies = new long[0];
    List<Long> fanOuts = new ArrayList<>();
    int index = 0; // of the next timed request or fan-out: its payload
    for (String line; (line = in.readLine()) != null && !line.equals("quit"); ) {
      String[] cmd = line.split(" ");
      boolean keep = cmd.length > 2 && cmd[2].equals("keep");
      switch (cmd[0]) {
        case "rate" -> {
          long start = System.nanoTime();
          long done = 0;
          do {
            side.load().run(CHUNK);
            done += CHUNK;
          } while (System.nanoTime() - start < Double.parseDouble(cmd[1]) * 1e9);
          long took = System.nanoTime() - start;
          System.err.printf("window %s %s %s: %.1f/s%n", side.figure(), side.impl(), cmd[2], done / (took / 1e9));
          if (keep) {
            requests += done;
            requestNanos += took;
          }
        }
        case "warmlat" -> {
          if (side.latency() != null) { // a side without one-at-a-time requests has nothing to do here
            warmUp("latency", side.impl(), 5_000, 1_000, k -> {
              for (int i = 0; i < k; i++) {
                side.latency().nanos(i);
              }
              return k;
            });
          }
        }
        case "lat" -> {
          long[] batch = new long[side.latency() == null ? 0 : Integer.parseInt(cmd[1])];
          for (int i = 0; i < batch.length; i++) {
            batch[i] = side.latency().nanos(index++);
          }
          if (keep) {
            int had = latencies.length;
            latencies = Arrays.copyOf(latencies, had + batch.length);
            System.arraycopy(batch, 0, latencies, had, batch.length);
          }
        }
        case "fanout" -> {
          for (int i = Integer.parseInt(cmd[1]); i > 0; i--) {
            long start = System.nanoTime();
            side.fanOut().run(index++);
            if (keep) {
              fanOuts.add(System.nanoTime() - start);
            }
          }
        }
        case "report" -> {
          if (requests > 0) {
            result(side.figure(), side.impl(), String.format("%.1f", requests / (requestNanos / 1e9)));
          }
          if (latencies.length > 0) {
            Arrays.sort(latencies);
            result("latency-p50", side.impl(), String.format("%.1f", latencies[latencies.length / 2] / 1000.0));
            result("latency-p99", side.impl(), String.format("%.1f", latencies[(int) (latencies.length * 0.99)] / 1000.0));
          }
          if (!fanOuts.isEmpty()) {
            fanOuts.sort(null);
            int n = fanOuts.size();
            double median = (fanOuts.get((n - 1) / 2) + fanOuts.get(n / 2)) / 2.0;
            result(side.figure(), side.impl(), String.format("%.1f", median / 1e6));
          }
        }
        default -> throw new IllegalArgumentException("unknown command: " + line);
      }
      System.out.println("OK");
      System.out.flush();
    }
  }

  /**
   * Delivered/s at {@code n} in flight; at 1 in flight also the latency from {@code send} (or
   * from building the request) to the 204, one request at a time.
   */
  static void throughput(String impl, int n, String url) throws Exception {
    String figure = "throughput-" + n;
    switch (impl) {
      case "hookpost" -> {
        // The 204 is in when the attempt's listener hears it, on the thread that read it; waking the
        // sender's thread afterwards is not part of "send to 204" (the baseline reads it in place).
        AtomicLong answered = new AtomicLong();
        WebhookPublisher.Builder b = publisherBuilder(List.of(healthy(url)), n);
        if (n == 1) {
          b.listener(new dev.hookpost.DeliveryListener() {
            @Override
            public void onAttempt(dev.hookpost.spi.StoredDelivery d, Subscription s, dev.hookpost.Attempt a) {
              answered.set(System.nanoTime());
            }
          });
        }
        try (WebhookPublisher p = b.build()) {
          serve(new Side(figure, impl, k -> hookpost(p, n, k), n > 1 ? null : i -> {
            long t0 = System.nanoTime();
            p.send(Event.of("order.created", Payloads.oneKib(i))).outcomes().get(10, TimeUnit.SECONDS);
            return answered.get() - t0;
          }, null));
        }
      }
      case "hanging" -> hanging(n, url);
      case "sync" -> {
        OkHttpClient c = baselineClient(Math.max(5, n));
        serve(new Side(figure, impl, k -> baselineSync(c, url, n, k), n > 1 ? null : i -> {
          long t0 = System.nanoTime();
          baselineCall(c, url, i);
          return System.nanoTime() - t0;
        }, null));
      }
      case "async" -> {
        OkHttpClient c = baselineClient(Math.max(5, n));
        serve(new Side(figure, impl, k -> baselineAsync(c, url, n, k), n > 1 ? null : i -> {
          long t0 = System.nanoTime();
          CompletableFuture<Long> answered = new CompletableFuture<>();
          c.newCall(baselineRequest(url, i)).enqueue(new Callback() {
            @Override
            public void onFailure(Call call, IOException e) {
              answered.completeExceptionally(e);
            }

            @Override
            public void onResponse(Call call, Response response) {
              try (response) {
                if (response.code() != 204) {
                  answered.completeExceptionally(new IllegalStateException("status " + response.code()));
                  return;
                }
              }
              answered.complete(System.nanoTime());
            }
          });
          return answered.get(10, TimeUnit.SECONDS) - t0;
        }, null));
      }
      case "pool" -> {
        OkHttpClient c = baselineClient(Math.max(5, n));
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
          serve(new Side(figure, impl, k -> baselinePool(c, pool, url, n, k), n > 1 ? null : i -> {
            long t0 = System.nanoTime();
            return pool.submit(() -> {
              baselineCall(c, url, i);
              return System.nanoTime();
            }).get(10, TimeUnit.SECONDS) - t0;
          }, null));
        } finally {
          pool.shutdown();
        }
      }
      default -> throw new IllegalArgumentException("unknown side " + impl);
    }
  }

  /** One timed request: nanoseconds from the start of request {@code i} to its 204. */
  @FunctionalInterface
  interface Sample {
    long nanos(int i) throws Exception;
  }

  /** The endpoint the throughput and isolation figures deliver to, subscribed to the events they send. */
  static Subscription healthy(String url) {
    return sub(url, "bench").toBuilder().eventTypes("order.*").build();
  }

  /**
   * The isolation figure's side: Hookpost at {@code n} in flight to the same healthy endpoint as
   * {@code throughput hookpost n}, while another endpoint accepts connections and never answers
   * (1,000 deliveries queued to it first). Its rate is compared with that JVM's, the same
   * endpoint alone, measured in alternating windows. The transport's long timeouts keep the
   * hanging endpoint's slots taken for the JVM's whole life; they do not touch the healthy requests.
   */
  static void hanging(int n, String url) throws Exception {
    try (ServerSocket blackHole = new ServerSocket(0, 1000, java.net.InetAddress.getByName("127.0.0.1"))) {
      Subscription hanging = Subscription.builder().id("hanging")
          .endpoint("http://127.0.0.1:" + blackHole.getLocalPort() + "/").secret(SECRET).eventTypes("slow.*").build();
      WebhookPublisher.Builder b = publisherBuilder(List.of(healthy(url), hanging), n)
          .transport(transport(OkHttpTransport.builder().readTimeout(Duration.ofMinutes(5))
              .callTimeout(Duration.ofMinutes(10))))
          .shutdownTimeout(Duration.ZERO);
      try (WebhookPublisher p = b.build()) {
        for (int i = 0; i < 1000; i++) { // more than its n slots: the rest wait in its own queue
          p.send(Event.of("slow.thing", Payloads.oneKib(i)));
        }
        serve(new Side("isolation", "hanging", k -> hookpost(p, n, k), null, null));
      }
    }
  }

  /** One event to 1,000 subscriptions on one receiver; time until every delivery is done. */
  static void fanout(String impl, String url) throws Exception {
    int subs = 1_000;
    if (impl.equals("hookpost")) {
      List<Subscription> list = new ArrayList<>();
      for (int i = 0; i < subs; i++) {
        list.add(sub(url + "s/" + i, "s" + i));
      }
      try (WebhookPublisher p = publisher(list, 8)) {
        serve(fanOutSide(impl, subs, r -> {
          List<DeliveryOutcome> out = p.send(Event.of("order.created", Payloads.oneKib(r))).outcomes()
              .get(60, TimeUnit.SECONDS);
          if (out.size() != subs || !out.stream().allMatch(o -> o instanceof DeliveryOutcome.Delivered)) {
            throw new IllegalStateException("not all delivered");
          }
        }));
      }
    } else {
      OkHttpClient c = baselineClient(64);
      ExecutorService pool = Executors.newFixedThreadPool(64);
      try {
        serve(fanOutSide(impl, subs, r -> fanoutBaseline(c, pool, url, subs)));
      } finally {
        pool.shutdown();
      }
    }
  }

  /** A fan-out side: it warms up with whole fan-outs, each counted as its {@code subs} requests. */
  static Side fanOutSide(String impl, int subs, IndexedCall fanOut) {
    return new Side("fanout-1000-ms", impl, k -> {
      for (int i = 0; i < k / subs; i++) {
        fanOut.run(i);
      }
      return k;
    }, null, fanOut);
  }

  /** The hand-written fan-out: a pool of 64 threads over the 1,000 endpoints, each request serialized and signed. */
  static void fanoutBaseline(OkHttpClient c, ExecutorService pool, String url, int subs) throws Exception {
    List<Future<?>> calls = new ArrayList<>(subs);
    for (int i = 0; i < subs; i++) {
      int n = i;
      calls.add(pool.submit(() -> {
        baselineCall(c, url + "s/" + n, n);
        return null;
      }));
    }
    for (Future<?> call : calls) {
      call.get();
    }
  }
}
