package dev.hookpost.spi;

import java.util.concurrent.CompletableFuture;

/**
 * Sends one HTTP request to an endpoint. The only thing the publisher needs from the network.
 *
 * <p>{@code webhook-okhttp}'s {@code OkHttpTransport} is the production implementation; the
 * {@code webhook-testing} module has a socket-free one for unit tests.
 *
 * <p>Contract:
 * <ul>
 *   <li>{@link #send} returns at once; it must not block the caller on the network.
 *   <li>The future completes with the response whatever its status (a 3xx is a response: never
 *       follow redirects), or exceptionally with the I/O error, timeout or refusal. Completing
 *       exceptionally with {@link EndpointRefusedException} makes the failure final (no retry).
 *   <li>Implementations must be thread-safe.
 * </ul>
 */
public interface Transport extends AutoCloseable {

  /** Starts sending {@code request}; see the class contract. */
  CompletableFuture<TransportResponse> send(TransportRequest request);

  /**
   * Runs {@code task} soon, on a thread of this transport's own if it has one. With the
   * in-memory store, {@code WebhookPublisher.send} claims the first few deliveries of an event
   * and hands the attempt of each one whose endpoint has a free slot to this method: the task
   * signs the request and calls {@link #send} (and may call the publisher's listeners).
   * Overriding this lets the caller of {@code send} return without doing that work.
   * Implementations must run an accepted task exactly once, even when closed meanwhile, or
   * throw without running it. Default: runs {@code task} on the calling thread, before
   * returning.
   *
   * @throws java.util.concurrent.RejectedExecutionException if the transport is closed; the
   *     publisher then runs the attempt itself (as it does for any other runtime exception)
   */
  default void execute(Runnable task) {
    task.run();
  }

  /**
   * The longest one call may take, from {@link #send} until its future completes, if this
   * transport bounds it. A publisher on a durable store refuses a lease shorter than twice this,
   * so that a lease never ends while its attempt may still be on the wire. Default: empty
   * (not known; no check).
   */
  default java.util.Optional<java.time.Duration> callTimeout() {
    return java.util.Optional.empty();
  }

  /** Releases the transport's resources. Default: nothing to release. */
  @Override
  default void close() {}
}
