package dev.hookpost.internal.engine;

import dev.hookpost.Event;
import dev.hookpost.Subscription;
import dev.hookpost.spi.AttemptInterceptor;
import dev.hookpost.spi.StoredDelivery;
import dev.hookpost.spi.Transport;
import dev.hookpost.spi.TransportRequest;
import dev.hookpost.spi.TransportResponse;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * The publisher's {@link AttemptInterceptor}s: what they keep with an event when it is sent, and
 * the chain an attempt's request runs through down to the transport. Immutable, thread-safe.
 */
final class Interceptors {
  /** The most characters (keys and values) of metadata kept with one event: it is stored with every event. */
  static final int MAX_METADATA_CHARS = 8 * 1024;

  private final List<AttemptInterceptor> list;
  private final Transport transport;

  Interceptors(List<AttemptInterceptor> list, Transport transport) {
    this.list = List.copyOf(list);
    this.transport = transport;
  }

  /**
   * The interceptors' pairs for {@code event}, merged; one that throws is logged and left out,
   * and pairs over {@link #MAX_METADATA_CHARS} in all are logged and none kept.
   */
  Map<String, String> capture(Event event) {
    Map<String, String> merged = null;
    for (AttemptInterceptor i : list) {
      try {
        Map<String, String> pairs = Map.copyOf(i.capture(event));
        if (!pairs.isEmpty()) {
          merged = merged == null ? new HashMap<>() : merged;
          merged.putAll(pairs);
        }
      } catch (RuntimeException e) {
        Reporter.safely(() -> Reporter.log.warn("AttemptInterceptor {} failed to capture metadata for event {};"
            + " the event is sent without it", i.getClass().getName(), event.id(), e));
      }
    }
    if (merged == null) {
      return Map.of();
    }
    int chars = 0;
    for (Map.Entry<String, String> e : merged.entrySet()) {
      chars += e.getKey().length() + e.getValue().length();
    }
    if (chars > MAX_METADATA_CHARS) {
      int size = chars;
      Set<String> keys = merged.keySet();
      Reporter.safely(() -> Reporter.log.warn("the AttemptInterceptors captured {} characters of metadata for event {},"
          + " over the limit of {}; the event is sent without any (keys: {})", size, event.id(), MAX_METADATA_CHARS,
          keys));
      return Map.of();
    }
    return Map.copyOf(merged);
  }

  /** Sends {@code request} through every interceptor to the transport. */
  CompletableFuture<TransportResponse> send(StoredDelivery delivery, Subscription subscription, int attempt,
      TransportRequest request) {
    return list.isEmpty() ? transport.send(request)
        : list.get(0).intercept(new Link(0, delivery, subscription, attempt, request));
  }

  /** The chain as the interceptor at {@code index} sees it. */
  private final class Link implements AttemptInterceptor.Chain {
    private final int index;
    private final StoredDelivery delivery;
    private final Subscription subscription;
    private final int attempt;
    private final TransportRequest request;

    Link(int index, StoredDelivery delivery, Subscription subscription, int attempt, TransportRequest request) {
      this.index = index;
      this.delivery = delivery;
      this.subscription = subscription;
      this.attempt = attempt;
      this.request = request;
    }

    @Override
    public StoredDelivery delivery() {
      return delivery;
    }

    @Override
    public Subscription subscription() {
      return subscription;
    }

    @Override
    public int attempt() {
      return attempt;
    }

    @Override
    public TransportRequest request() {
      return request;
    }

    @Override
    public CompletableFuture<TransportResponse> proceed(TransportRequest next) {
      Objects.requireNonNull(next, "request");
      int i = index + 1;
      return i == list.size() ? transport.send(next)
          : list.get(i).intercept(new Link(i, delivery, subscription, attempt, next));
    }
  }
}
