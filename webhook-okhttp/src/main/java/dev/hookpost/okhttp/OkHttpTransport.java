package dev.hookpost.okhttp;

import dev.hookpost.AddressGuard;
import dev.hookpost.spi.EndpointRefusedException;
import dev.hookpost.spi.Transport;
import dev.hookpost.spi.TransportRequest;
import dev.hookpost.spi.TransportResponse;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.Proxy;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import okhttp3.Authenticator;
import okhttp3.Call;
import okhttp3.ConnectionPool;
import okhttp3.Dispatcher;
import okhttp3.Dns;
import okhttp3.Headers;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.ResponseBody;
import okio.Buffer;
import okio.BufferedSource;

/**
 * Sends webhooks with OkHttp: one shared client, so connections to an endpoint are reused.
 *
 * <pre>{@code
 * Transport transport = OkHttpTransport.create();
 * // or share your application's pool and settings:
 * Transport transport = OkHttpTransport.builder().client(myOkHttpClient).build();
 * }</pre>
 *
 * <p>Defaults:
 * <ul>
 *   <li>{@link AddressGuard#publicOnly()}: private, loopback, link-local and other internal
 *       addresses are refused, as a final {@code Rejected} outcome. The host is resolved once,
 *       every address checked, and OkHttp connects only to the checked addresses. A client you
 *       hand in must not use a proxy (the proxy would resolve names the guard never saw); the
 *       builder refuses one unless the guard allows private networks
 *   <li>http and https both allowed; {@link Builder#httpsOnly} refuses plain http
 *   <li>connect timeout 5 s, read timeout 10 s, write timeout 10 s, call timeout 15 s (kept by
 *       the transport rather than OkHttp, which would wake a thread per call: one daemon thread
 *       shared by every transport looks at the running calls every tenth of it, at most every
 *       second, and ends when no call has run for a minute)
 *   <li>one request per attempt: none of OkHttp's own retries or follow-ups (redirects,
 *       connection-failure retries, a 503 with {@code Retry-After: 0}, 408, 421, 401 and 407
 *       authentication). A 3xx answer is a failed attempt, as the Standard Webhooks spec asks; the
 *       status and headers reported are those that came over the wire (a client you hand in is
 *       derived with {@code newBuilder()} and gets the same)
 *   <li>at most 64 KiB of a response body is read; a longer body's connection is then closed
 *       rather than drained; the first 1 KiB is kept as {@link TransportResponse#bodyExcerpt()}
 *   <li>up to 64 requests at once ({@link Builder#maxConcurrentRequests}), each a blocking OkHttp
 *       call on the transport's own worker threads
 *   <li>an idle worker looks for new requests for 100 µs before it sleeps ({@link Builder#idleSpin});
 *       a request sent meanwhile starts on it at once, even one sent from a finished request's
 *       callback; when no worker spins, the worker that finished runs that request itself, so a
 *       busy endpoint costs no thread wake-ups
 *   <li>own client: up to 64 idle connections kept 5 min
 * </ul>
 *
 * <p>Thread-safe. {@link #close()} releases threads and connections only of a client it created.
 */
public final class OkHttpTransport implements Transport {
  /** The most response-body bytes read; past them the connection is closed: 64 KiB. */
  public static final int MAX_RESPONSE_BYTES = 64 * 1024;
  private static final MediaType JSON = MediaType.get("application/json");
  private static final int MAX_CHECKED = 4_096;

  private final OkHttpClient client;
  private final boolean ownsClient;
  private final AddressGuard guard;
  private final boolean httpsOnly;
  private final TrampolineExecutor workers;
  private final CallDeadlines deadlines;
  private final Duration callTimeout;
  /** Endpoints that passed {@link #check}, with their parsed URL; at most {@link #MAX_CHECKED}. */
  private final Map<URI, HttpUrl> checked = new ConcurrentHashMap<>();

  private OkHttpTransport(OkHttpClient client, boolean ownsClient, AddressGuard guard, boolean httpsOnly,
      int maxConcurrentRequests, Duration idleSpin, Duration callTimeout) {
    this.client = client;
    this.callTimeout = callTimeout;
    this.deadlines = new CallDeadlines(callTimeout.toNanos(), CallDeadlines.tickFor(callTimeout.toNanos()));
    this.ownsClient = ownsClient;
    this.guard = guard;
    this.httpsOnly = httpsOnly;
    this.workers = new TrampolineExecutor(maxConcurrentRequests, idleSpin.toNanos());
  }

  /** A transport with its own client and the defaults listed above. */
  public static OkHttpTransport create() {
    return builder().build();
  }

  /** Starts configuring a transport. */
  public static Builder builder() {
    return new Builder();
  }

  /** The client requests go through (redirects off, timeouts set, guarded DNS), for tests. */
  OkHttpClient client() {
    return client;
  }

  @Override
  public CompletableFuture<TransportResponse> send(TransportRequest request) {
    HttpUrl url = checked.get(request.endpoint());
    if (url == null) {
      try {
        url = check(request.endpoint());
      } catch (EndpointRefusedException e) {
        return CompletableFuture.failedFuture(e);
      }
    }
    Request.Builder http = new Request.Builder().url(url);
    for (Map.Entry<String, String> h : request.headers().entrySet()) {
      try {
        http.addHeader(h.getKey(), h.getValue()); // one line per entry; header() would first scan for the name
      } catch (IllegalArgumentException e) { // never echo the value: it may be a credential
        return CompletableFuture.failedFuture(new EndpointRefusedException("refused header '" + h.getKey()
            + "': OkHttp cannot send its value; use printable ASCII"));
      }
    }
    http.post(WireAnswer.oneShot(request.body(), JSON));
    WireAnswer wire = WireAnswer.attachTo(http);
    CompletableFuture<TransportResponse> result = new CompletableFuture<>();
    Call call = client.newCall(http.build());
    result.whenComplete((r, e) -> {
      if (result.isCancelled()) {
        call.cancel();
      }
    });
    workers.submit(() -> execute(call, wire, result));
    return result;
  }

  /**
   * Runs {@code task} on this transport's worker threads (the spinning idle one if any). The
   * first request {@code task} sends runs on the same worker once {@code task} returns: no
   * other thread is woken or handed that request.
   *
   * @throws java.util.concurrent.RejectedExecutionException if the transport is closed
   */
  @Override
  public void execute(Runnable task) {
    workers.submitPreparer(task);
  }

  /**
   * Parses an endpoint and applies the checks that depend on the URL alone (scheme, IP-address
   * host), remembering the result: endpoints repeat, and parsing is a measurable share of a
   * request's CPU. A host name is still checked at every connection, by {@link GuardedDns}.
   */
  private HttpUrl check(URI endpoint) {
    HttpUrl url = HttpUrl.parse(endpoint.toString());
    if (url == null) {
      throw new EndpointRefusedException("refused endpoint of " + endpoint.getScheme() + "://" + endpoint.getHost()
          + ": OkHttp cannot parse its URL");
    }
    if (httpsOnly && !url.isHttps()) {
      throw new EndpointRefusedException("refused " + url.scheme() + "://" + url.host()
          + ": this transport is HTTPS-only; give the subscription an https:// endpoint");
    }
    // An IP address in any spelling is checked here, and OkHttp gets the address checked: it
    // would hand 0x7f000001 to DNS, and 0177.0.0.1 to Java, which reads it as decimal. A host
    // name is checked at every connection, by GuardedDns.
    Optional<InetAddress> literal = guard.checkHost(url.host());
    if (literal.isPresent() && literal.get() instanceof Inet4Address
        && !url.host().equals(literal.get().getHostAddress())) {
      url = url.newBuilder().host(literal.get().getHostAddress()).build();
    }
    if (checked.size() >= MAX_CHECKED) {
      checked.clear(); // many distinct endpoints: start over rather than grow without bound
    }
    checked.put(endpoint, url);
    return url;
  }

  /**
   * Runs one call on a worker thread, within the call timeout, and completes its future once the
   * call is over: what the future's callbacks do on this thread is not part of the call's time.
   */
  private void execute(Call call, WireAnswer wire, CompletableFuture<TransportResponse> result) {
    if (result.isDone()) {
      return; // cancelled while it waited for a worker
    }
    TransportResponse answer = null;
    Throwable failure;
    CallDeadlines.Deadline deadline = null;
    try {
      deadline = deadlines.start(call);
      try (Response response = call.execute()) {
        Buffer excerpt = new Buffer();
        if (!readExcerpt(response.body(), excerpt)) {
          // The rest of the body is still on its way. An HTTP/1.1 connection carries the next
          // answer only after the whole of this one, so reusing it means reading the rest and
          // throwing it away: what OkHttp's close() would do, for up to 100 ms, at whatever rate
          // the endpoint sends. Cancelling closes the socket (HTTP/2: resets only this stream)
          // before close(), so nothing past the cap is read and the connection is not reused.
          call.cancel();
        }
        Headers received = wire.headers != null ? wire.headers : response.headers();
        int status = wire.headers != null ? wire.status : response.code();
        answer = new TransportResponse(status, headers(received), excerpt.readUtf8());
      }
      failure = null;
    } catch (IOException e) {
      failure = deadline.expired() ? deadlines.timedOut(e) : refusalOr(e);
    } catch (RuntimeException e) {
      failure = e;
    } finally {
      if (deadline != null) {
        deadlines.end(deadline);
      }
    }
    if (failure == null) {
      result.complete(answer);
    } else {
      result.completeExceptionally(failure);
    }
  }

  /** The address guard's refusal when OkHttp's failure carries one, else the failure itself. */
  private static Throwable refusalOr(IOException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof GuardedDns.Refused refused) {
        return refused.refusal;
      }
    }
    return e;
  }

  /**
   * The response's headers by lower-case name, in the order received; cheaper than
   * {@link Headers#toMultimap()}, which builds a sorted map.
   */
  private static Map<String, List<String>> headers(Headers headers) {
    Map<String, List<String>> byName = new HashMap<>(headers.size() * 2);
    for (int i = 0; i < headers.size(); i++) {
      byName.computeIfAbsent(headers.name(i).toLowerCase(Locale.ROOT), k -> new ArrayList<>(1)).add(headers.value(i));
    }
    return byName;
  }

  /**
   * Reads at most {@link #MAX_RESPONSE_BYTES} of {@code body} and keeps the first
   * {@link TransportResponse#MAX_EXCERPT} bytes in {@code kept}. The status line already arrived,
   * so it is the answer: a body cut short by the endpoint only shortens the excerpt.
   *
   * @return whether the body ended (or broke off) within the cap; false when more may follow
   */
  static boolean readExcerpt(ResponseBody body, Buffer kept) {
    BufferedSource source = body.source();
    long total = 0;
    Buffer scratch = null;
    try {
      while (total < MAX_RESPONSE_BYTES) {
        if (source.exhausted()) {
          return true; // the usual answer, a 204, ends here: no scratch buffer allocated
        }
        if (scratch == null) {
          scratch = new Buffer();
        }
        long n = source.read(scratch, Math.min(8192, MAX_RESPONSE_BYTES - total));
        total += n;
        long room = TransportResponse.MAX_EXCERPT - kept.size();
        if (room > 0) {
          scratch.read(kept, Math.min(room, scratch.size()));
        }
        scratch.clear();
      }
    } catch (IOException e) {
      return true; // keep what arrived; the connection is broken anyway
    }
    return false;
  }

  /** Shuts down the dispatcher and evicts pooled connections when the client is this transport's own. */
  @Override
  public void close() {
    workers.shutdown();
    if (ownsClient) {
      client.dispatcher().executorService().shutdown();
      client.connectionPool().evictAll();
    }
  }

  /** The call timeout this transport enforces (default 15 s). */
  @Override
  public java.util.Optional<Duration> callTimeout() {
    return java.util.Optional.of(callTimeout);
  }

  @Override
  public String toString() {
    return "OkHttpTransport[connect=" + client.connectTimeoutMillis() + "ms, read=" + client.readTimeoutMillis()
        + "ms, call=" + callTimeout.toMillis() + "ms]";
  }

  /** Configures an {@link OkHttpTransport}; setters reject bad values at once. Not thread-safe. */
  public static final class Builder {
    private OkHttpClient client;
    private Duration connectTimeout = Duration.ofSeconds(5);
    private Duration readTimeout = Duration.ofSeconds(10);
    private Duration writeTimeout = Duration.ofSeconds(10);
    private Duration callTimeout = Duration.ofSeconds(15);
    private AddressGuard guard = AddressGuard.publicOnly();
    private boolean httpsOnly;
    private int maxConcurrentRequests = 64;
    private Duration idleSpin = Duration.ofNanos(100_000);

    private Builder() {}

    /**
     * Sets which addresses may be contacted. Default {@link AddressGuard#publicOnly()}; e.g.
     * {@code AddressGuard.publicOnly().allowing("10.20.0.0/16")} for an internal range, or
     * {@link AddressGuard#allowingPrivateNetworks()} for endpoints the application controls.
     */
    public Builder addressGuard(AddressGuard guard) {
      this.guard = Objects.requireNonNull(guard, "guard");
      return this;
    }

    /**
     * How many requests run at once, over all endpoints; more wait for a free worker thread.
     * Default 64; 1 to 4,096.
     */
    public Builder maxConcurrentRequests(int max) {
      if (max < 1 || max > 4_096) {
        throw new IllegalArgumentException("maxConcurrentRequests must be 1..4096, was " + max);
      }
      this.maxConcurrentRequests = max;
      return this;
    }

    /**
     * How long an idle worker thread keeps looking for the next request before it sleeps, so
     * that a request sent soon after starts at once instead of waiting for a thread to wake up
     * (tens of microseconds on small virtual machines). Only one worker spins at a time; it
     * costs up to this much CPU each time the transport goes idle. Default 100 µs;
     * {@link Duration#ZERO} turns it off; at most 10 ms.
     */
    public Builder idleSpin(Duration spin) {
      if (spin == null || spin.isNegative() || spin.compareTo(Duration.ofMillis(10)) > 0) {
        throw new IllegalArgumentException("idleSpin must be 0 to 10 ms, was " + spin
            + "; use Duration.ZERO to turn spinning off");
      }
      this.idleSpin = spin;
      return this;
    }

    /** Refuses plain {@code http://} endpoints (a final {@code Rejected} outcome). Default false. */
    public Builder httpsOnly(boolean httpsOnly) {
      this.httpsOnly = httpsOnly;
      return this;
    }

    /**
     * Derives the transport's client from {@code client} with {@code newBuilder()}, sharing its
     * connection pool and dispatcher; redirects are still turned off and the timeouts applied.
     */
    public Builder client(OkHttpClient client) {
      this.client = Objects.requireNonNull(client, "client");
      return this;
    }

    /** Time to establish a connection. Default 5 s. */
    public Builder connectTimeout(Duration timeout) {
      this.connectTimeout = positive("connectTimeout", timeout);
      return this;
    }

    /** Longest silence while reading the response. Default 10 s. */
    public Builder readTimeout(Duration timeout) {
      this.readTimeout = positive("readTimeout", timeout);
      return this;
    }

    /** Longest silence while writing the request. Default 10 s. */
    public Builder writeTimeout(Duration timeout) {
      this.writeTimeout = positive("writeTimeout", timeout);
      return this;
    }

    /**
     * Limit on a whole call, connect to last byte; 1 ms to {@code Integer.MAX_VALUE} ms. Default
     * 15 s. Checked every tenth of it (10 ms to 1 s), so a call ends about that much later at most.
     */
    public Builder callTimeout(Duration timeout) {
      if (timeout == null || timeout.compareTo(Duration.ofMillis(1)) < 0
          || timeout.compareTo(Duration.ofMillis(Integer.MAX_VALUE)) > 0) {
        throw new IllegalArgumentException("callTimeout must be from 1 ms to " + Integer.MAX_VALUE + " ms, was "
            + timeout);
      }
      this.callTimeout = timeout;
      return this;
    }

    /**
     * Builds the transport.
     *
     * @throws IllegalArgumentException if a client handed in uses a proxy while the guard
     *     refuses private networks (the guard could not see what the proxy resolves)
     */
    public OkHttpTransport build() {
      boolean own = client == null;
      if (!own && guard != AddressGuard.allowingPrivateNetworks()
          && (client.proxy() != null && client.proxy() != Proxy.NO_PROXY)) {
        throw new IllegalArgumentException("client uses proxy " + client.proxy() + ", which resolves host names"
            + " the address guard never sees; pass a client without a proxy, or"
            + " .addressGuard(AddressGuard.allowingPrivateNetworks()) if every endpoint is trusted");
      }
      OkHttpClient.Builder b;
      if (own) {
        Dispatcher dispatcher = new Dispatcher();
        dispatcher.setMaxRequests(256);
        dispatcher.setMaxRequestsPerHost(64);
        // Keep as many idle connections as may be in flight to one host, or busy endpoints churn
        // through TCP handshakes (OkHttp's default pool keeps 5).
        b = new OkHttpClient.Builder().dispatcher(dispatcher).proxy(Proxy.NO_PROXY)
            .connectionPool(new ConnectionPool(64, 5, TimeUnit.MINUTES));
      } else {
        b = client.newBuilder();
        if (guard != AddressGuard.allowingPrivateNetworks()) {
          b.proxy(Proxy.NO_PROXY); // a system proxy selector would resolve names the guard never saw
        }
      }
      Dns dns = own ? Dns.SYSTEM : client.dns();
      // Every request that leaves the process must be an attempt the application sees: none of
      // OkHttp's retries or follow-ups (see WireAnswer for the two these settings cannot stop).
      b.followRedirects(false)
          .followSslRedirects(false)
          .retryOnConnectionFailure(false)
          .authenticator(Authenticator.NONE)
          .proxyAuthenticator(Authenticator.NONE)
          .addNetworkInterceptor(WireAnswer.INTERCEPTOR)
          .connectTimeout(connectTimeout)
          .readTimeout(readTimeout)
          .writeTimeout(writeTimeout)
          .callTimeout(Duration.ZERO) // enforced by the transport itself: see CallDeadlines
          .dns(new GuardedDns(dns, guard));
      return new OkHttpTransport(b.build(), own, guard, httpsOnly, maxConcurrentRequests, idleSpin, callTimeout);
    }

    private static Duration positive(String name, Duration d) {
      if (d == null || d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(name + " must be a positive Duration, was " + d);
      }
      return d;
    }
  }
}
