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

  /** Releases the transport's resources. Default: nothing to release. */
  @Override
  default void close() {}
}
