package dev.hookpost.internal.engine;

import dev.hookpost.WebhookHeaders;
import dev.hookpost.spi.Transport;
import dev.hookpost.spi.TransportRequest;
import dev.hookpost.spi.TransportResponse;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

/**
 * A socket-free transport for engine tests: each request gets the next scripted answer (a
 * status, an error, or held until the test completes it), else the default; every request is
 * kept, in order. Thread-safe.
 */
final class ScriptedTransport implements Transport {
  private final Deque<Function<TransportRequest, CompletableFuture<TransportResponse>>> script = new ArrayDeque<>();
  private Function<TransportRequest, CompletableFuture<TransportResponse>> fallback = status(204);
  private final List<TransportRequest> requests = new ArrayList<>();
  private final List<CompletableFuture<TransportResponse>> held = new ArrayList<>();
  final AtomicBoolean closed = new AtomicBoolean();

  static Function<TransportRequest, CompletableFuture<TransportResponse>> status(int status) {
    return r -> CompletableFuture.completedFuture(TransportResponse.of(status));
  }

  static Function<TransportRequest, CompletableFuture<TransportResponse>> error(RuntimeException e) {
    return r -> CompletableFuture.failedFuture(e);
  }

  /** The answer is held until the test completes it with {@link #held()}. */
  Function<TransportRequest, CompletableFuture<TransportResponse>> hold() {
    return r -> {
      CompletableFuture<TransportResponse> f = new CompletableFuture<>();
      synchronized (this) {
        held.add(f);
      }
      return f;
    };
  }

  @SafeVarargs
  final synchronized ScriptedTransport then(Function<TransportRequest, CompletableFuture<TransportResponse>>... answers) {
    script.addAll(List.of(answers));
    return this;
  }

  synchronized ScriptedTransport byDefault(Function<TransportRequest, CompletableFuture<TransportResponse>> answer) {
    this.fallback = answer;
    return this;
  }

  @Override
  public CompletableFuture<TransportResponse> send(TransportRequest request) {
    Function<TransportRequest, CompletableFuture<TransportResponse>> answer;
    synchronized (this) {
      requests.add(request);
      answer = script.isEmpty() ? fallback : script.poll();
    }
    return answer.apply(request);
  }

  synchronized List<TransportRequest> requests() {
    return List.copyOf(requests);
  }

  synchronized List<String> webhookIds() {
    return requests.stream().map(r -> r.header(WebhookHeaders.ID)).toList();
  }

  /** The held answers, oldest first. */
  synchronized List<CompletableFuture<TransportResponse>> held() {
    return List.copyOf(held);
  }

  @Override
  public void close() {
    closed.set(true);
  }
}
