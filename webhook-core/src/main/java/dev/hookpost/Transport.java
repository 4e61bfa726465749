package dev.hookpost;

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
   * Runs {@code task} on one of this transport's own threads, soon and without blocking the
   * caller. The publisher hands it the deliveries that {@code send} claims for an immediate
   * start, so that signing and building their requests happen here rather than on the thread
   * that called {@code send}. Default: runs {@code task} on the calling thread.
   *
   * @throws java.util.concurrent.RejectedExecutionException if the transport is closed; the
   *     publisher then runs {@code task} itself
   */
  default void execute(Runnable task) {
    task.run();
  }

  /** Releases the transport's resources. Default: nothing to release. */
  @Override
  default void close() {}
}
