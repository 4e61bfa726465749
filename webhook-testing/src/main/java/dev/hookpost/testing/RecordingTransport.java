package dev.hookpost.testing;

import dev.hookpost.Signer;
import dev.hookpost.Subscription;
import dev.hookpost.spi.Transport;
import dev.hookpost.spi.TransportRequest;
import dev.hookpost.spi.TransportResponse;
import dev.hookpost.WebhookVerifier;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * A {@link Transport} with no sockets: it records every request the publisher would send,
 * verifies its signature against its own secret, and answers at once as scripted (204 by
 * default). For fast unit tests; pair it with {@link VirtualTime} to run retry schedules.
 *
 * <pre>{@code
 * RecordingTransport transport = RecordingTransport.create();
 * transport.respondWith(Answer.status(503));
 * WebhookPublisher publisher = WebhookPublisher.builder()
 *     .transport(transport).subscription(transport.subscription("https://shop.example/hooks")).build();
 * }</pre>
 *
 * <p>{@link Answer#hang()} completes the attempt with a {@link SocketTimeoutException} and
 * {@link Answer#dropConnection()} with an {@link IOException}; {@link Answer#after delays} are
 * not simulated. Thread-safe.
 */
public final class RecordingTransport extends ScriptedRecorder<RecordingTransport> implements Transport {
  private final String secret;
  private final WebhookVerifier verifier;

  private RecordingTransport(String secret, Clock clock) {
    super("the recording transport");
    this.secret = secret;
    this.verifier = WebhookVerifier.create(secret).withClock(clock);
  }

  /** A transport with a fresh random secret, verifying timestamps against the system clock. */
  public static RecordingTransport create() {
    return new RecordingTransport(Signer.generateSecret(), Clock.systemUTC());
  }

  /**
   * A transport verifying against {@code secret}, and timestamps against {@code clock} (pass
   * {@link VirtualTime#clock()} when the publisher runs on virtual time).
   *
   * @throws IllegalArgumentException if the secret is malformed
   */
  public static RecordingTransport create(String secret, Clock clock) {
    Signer.standardWebhooks(secret);
    return new RecordingTransport(secret, Objects.requireNonNull(clock, "clock"));
  }

  /** The secret signatures are checked against. */
  public String secret() {
    return secret;
  }

  /** A ready subscription to {@code endpoint} with this transport's secret, hearing every event type. */
  public Subscription subscription(String endpoint) {
    return Subscription.builder().endpoint(endpoint).secret(secret).build();
  }

  @Override
  public CompletableFuture<TransportResponse> send(TransportRequest request) {
    String path = request.endpoint().getRawPath() == null || request.endpoint().getRawPath().isEmpty()
        ? "/" : request.endpoint().getRawPath();
    Answer a = script.next(path);
    Map<String, List<String>> headers = new LinkedHashMap<>();
    request.headers().forEach((k, v) -> headers.put(k, List.of(v)));
    String target = request.endpoint().getRawQuery() == null ? path : path + "?" + request.endpoint().getRawQuery();
    log.record("POST", target, headers, request.body(), verifier, a.toString());
    return switch (a.fault()) {
      case HANG -> CompletableFuture.failedFuture(new SocketTimeoutException("simulated: the receiver never answered"));
      case DROP_CONNECTION -> CompletableFuture.failedFuture(new IOException("simulated: connection dropped"));
      case NONE -> {
        Map<String, List<String>> responseHeaders = new LinkedHashMap<>();
        a.headers().forEach((k, v) -> responseHeaders.put(k.toLowerCase(java.util.Locale.ROOT), List.of(v)));
        yield CompletableFuture.completedFuture(new TransportResponse(a.status(), responseHeaders, a.body()));
      }
    };
  }

  @Override
  RecordingTransport self() {
    return this;
  }

  @Override
  public String toString() {
    return "RecordingTransport[" + log.snapshot().size() + " deliveries]";
  }
}
