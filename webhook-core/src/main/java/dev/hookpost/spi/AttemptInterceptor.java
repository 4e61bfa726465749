package dev.hookpost.spi;

import dev.hookpost.Event;
import dev.hookpost.Subscription;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Wraps every attempt, knowing which delivery it is for, and may keep a little context with an
 * event from the moment it is sent: what tracing needs (a span per attempt whose parent is the
 * trace that sent the event, also for a retry hours later on another instance), and what
 * other observability integrations can build on. Register with
 * {@code WebhookPublisher.builder().interceptor(...)}; the first registered runs outermost.
 *
 * <pre>{@code
 * class RequestIdInterceptor implements AttemptInterceptor {
 *   public Map<String, String> capture(Event event) {
 *     return Map.of("x-request-id", RequestContext.currentId());   // kept with the deliveries
 *   }
 *   public CompletableFuture<TransportResponse> intercept(Chain chain) {
 *     String id = chain.delivery().metadata().get("x-request-id");
 *     TransportRequest request = id == null ? chain.request() : chain.request().withHeader("x-request-id", id);
 *     return chain.proceed(request);
 *   }
 * }
 * }</pre>
 *
 * <p>Implementations must be thread-safe and quick: {@link #capture} runs on the thread that
 * calls {@code send}, {@link #intercept} on the thread that starts the attempt.
 */
public interface AttemptInterceptor {

  /**
   * Returns string pairs to keep with {@code event}'s deliveries, e.g. the W3C
   * {@code traceparent} of the current trace. Called on the thread that calls {@code send},
   * before the event is stored; the store keeps the pairs with the event (the in-memory store
   * and {@code JdbcDeliveryStore} do; a store that does not keep them drops them), and every
   * attempt's {@link Chain#delivery()} carries them as {@link StoredDelivery#metadata()}. They
   * are never sent unless {@link #intercept} puts them on the request. Pairs of several
   * interceptors are merged, a later one's value winning; what this method throws is logged and
   * its pairs left out, the event is sent all the same. Keep them small: they are stored with
   * every event, and pairs over 8 KiB (8,192 characters of keys and values, all interceptors
   * together) are logged and none kept. Default: none.
   *
   * @param event the event being sent
   * @return the pairs to keep; no null key or value
   */
  default Map<String, String> capture(Event event) {
    return Map.of();
  }

  /**
   * Runs one attempt: calls {@link Chain#proceed} once, with the chain's request or a changed
   * copy (e.g. {@link TransportRequest#withHeader}), and returns its future or one that
   * completes with the same result after it. Runs after the request was signed, so added headers
   * are not covered by the signature. What this method throws, or a future it completes
   * exceptionally, counts as a failed attempt, like a transport's error.
   *
   * @param chain the delivery, the attempt, and the rest of the chain down to the transport
   * @return the answer's future
   */
  CompletableFuture<TransportResponse> intercept(Chain chain);

  /** One attempt on its way to the transport, as an interceptor sees it. Not thread-safe; use it in {@code intercept}. */
  interface Chain {
    /** The delivery being attempted: event id and type, subscription id, attempts before this one, metadata. */
    StoredDelivery delivery();

    /** The subscription it goes to. */
    Subscription subscription();

    /** This attempt's number: 1 for the first, 2 for the first retry, and so on. */
    int attempt();

    /** The signed request, as the interceptors before this one left it. */
    TransportRequest request();

    /**
     * Hands {@code request} to the next interceptor, or to the transport after the last one.
     *
     * @return the answer's future
     */
    CompletableFuture<TransportResponse> proceed(TransportRequest request);
  }
}
