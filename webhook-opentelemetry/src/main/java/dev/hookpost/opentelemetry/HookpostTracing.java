package dev.hookpost.opentelemetry;

import dev.hookpost.Event;
import dev.hookpost.WebhookPublisher;
import dev.hookpost.spi.AttemptInterceptor;
import dev.hookpost.spi.TransportRequest;
import dev.hookpost.spi.TransportResponse;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.context.propagation.TextMapSetter;
import java.net.URI;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Traces every webhook attempt as an OpenTelemetry client span whose parent is the span that
 * was current when the application called {@code send}, also for a retry hours later on another
 * instance: the trace context (W3C {@code traceparent} and {@code tracestate}, plus whatever
 * else the application's propagators carry, e.g. baggage) is kept with the event in the
 * publisher's store. Each request carries the attempt span's {@code traceparent}, so the
 * receiver's trace joins.
 *
 * <pre>{@code
 * WebhookPublisher publisher = HookpostTracing.bind(WebhookPublisher.builder(), openTelemetry)
 *     .transport(OkHttpTransport.create())
 *     .subscription(shipping)
 *     .build();
 * }</pre>
 *
 * <p>Each span is named {@code POST}, of kind {@link SpanKind#CLIENT}, with the HTTP semantic
 * conventions' attributes: {@code http.request.method}, {@code url.full} (scheme, host and port
 * only, as {@link dev.hookpost.Subscription#endpointForLogs()}: webhook paths often hold
 * tokens), {@code url.scheme}, {@code server.address}, {@code server.port},
 * {@code http.response.status_code}, {@code http.request.resend_count} (from the second attempt),
 * {@code error.type} (the status code from 400 on, or the error's class); and Hookpost's own:
 * {@code webhook.id} (the event id, its {@code webhook-id}), {@code webhook.event_type},
 * {@code webhook.subscription.id} and {@code webhook.attempt}. An answer from 400 on, or no
 * answer, sets the span's status to error. The added headers are not covered by the webhook
 * signature (Standard Webhooks signs the id, timestamp and body).
 *
 * <p>An event sent with no current span gets root spans. Immutable and thread-safe.
 */
public final class HookpostTracing implements AttemptInterceptor {
  /** The instrumentation scope of the spans. */
  public static final String INSTRUMENTATION_NAME = "dev.hookpost";

  static final AttributeKey<String> HTTP_REQUEST_METHOD = AttributeKey.stringKey("http.request.method");
  static final AttributeKey<Long> HTTP_RESPONSE_STATUS_CODE = AttributeKey.longKey("http.response.status_code");
  static final AttributeKey<Long> HTTP_REQUEST_RESEND_COUNT = AttributeKey.longKey("http.request.resend_count");
  static final AttributeKey<String> URL_FULL = AttributeKey.stringKey("url.full");
  static final AttributeKey<String> URL_SCHEME = AttributeKey.stringKey("url.scheme");
  static final AttributeKey<String> SERVER_ADDRESS = AttributeKey.stringKey("server.address");
  static final AttributeKey<Long> SERVER_PORT = AttributeKey.longKey("server.port");
  static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");
  static final AttributeKey<String> WEBHOOK_ID = AttributeKey.stringKey("webhook.id");
  static final AttributeKey<String> WEBHOOK_EVENT_TYPE = AttributeKey.stringKey("webhook.event_type");
  static final AttributeKey<String> WEBHOOK_SUBSCRIPTION_ID = AttributeKey.stringKey("webhook.subscription.id");
  static final AttributeKey<Long> WEBHOOK_ATTEMPT = AttributeKey.longKey("webhook.attempt");

  private static final TextMapSetter<Map<String, String>> SETTER = (carrier, key, value) -> carrier.put(key, value);
  private static final TextMapGetter<Map<String, String>> GETTER = new TextMapGetter<>() {
    @Override
    public Iterable<String> keys(Map<String, String> carrier) {
      return carrier.keySet();
    }

    @Override
    public String get(Map<String, String> carrier, String key) {
      return carrier == null ? null : carrier.get(key);
    }
  };

  private final Tracer tracer;
  private final TextMapPropagator propagator;

  private HookpostTracing(Tracer tracer, TextMapPropagator propagator) {
    this.tracer = tracer;
    this.propagator = propagator;
  }

  /**
   * Tracing with {@code openTelemetry}'s tracer provider. Trace context always travels as W3C
   * {@code traceparent}/{@code tracestate}, also when the application configured no
   * propagators; the ones it configured (e.g. baggage) are added.
   */
  public static HookpostTracing create(OpenTelemetry openTelemetry) {
    Objects.requireNonNull(openTelemetry, "openTelemetry");
    return new HookpostTracing(openTelemetry.getTracer(INSTRUMENTATION_NAME), TextMapPropagator.composite(
        W3CTraceContextPropagator.getInstance(), openTelemetry.getPropagators().getTextMapPropagator()));
  }

  /** Adds {@link #create(OpenTelemetry) tracing} to {@code builder} as an interceptor, and returns the builder. */
  public static WebhookPublisher.Builder bind(WebhookPublisher.Builder builder, OpenTelemetry openTelemetry) {
    return Objects.requireNonNull(builder, "builder").interceptor(create(openTelemetry));
  }

  /** The current trace context, as the propagators write it: nothing when no span is current. */
  @Override
  public Map<String, String> capture(Event event) {
    Map<String, String> carrier = new HashMap<>();
    propagator.inject(Context.current(), carrier, SETTER);
    return carrier;
  }

  /** Runs the attempt in a client span parented on the context {@link #capture} kept. */
  @Override
  public CompletableFuture<TransportResponse> intercept(Chain chain) {
    Context parent = propagator.extract(Context.root(), chain.delivery().metadata(), GETTER);
    Span span = start(chain, parent);
    Context context = parent.with(span);
    Map<String, String> headers = new HashMap<>();
    propagator.inject(context, headers, SETTER);
    TransportRequest request = chain.request();
    for (Map.Entry<String, String> h : headers.entrySet()) {
      request = request.withHeader(h.getKey(), h.getValue());
    }
    CompletableFuture<TransportResponse> answer;
    try (Scope ignored = context.makeCurrent()) {
      answer = chain.proceed(request);
    } catch (RuntimeException | Error e) {
      end(span, null, e);
      throw e;
    }
    return answer.whenComplete((response, error) -> end(span, response, error));
  }

  private Span start(Chain chain, Context parent) {
    URI endpoint = chain.request().endpoint();
    int port = endpoint.getPort() != -1 ? endpoint.getPort() : "https".equalsIgnoreCase(endpoint.getScheme()) ? 443 : 80;
    var builder = tracer.spanBuilder("POST").setParent(parent).setSpanKind(SpanKind.CLIENT)
        .setAttribute(HTTP_REQUEST_METHOD, "POST")
        .setAttribute(URL_FULL, chain.subscription().endpointForLogs())
        .setAttribute(URL_SCHEME, endpoint.getScheme())
        .setAttribute(SERVER_ADDRESS, endpoint.getHost())
        .setAttribute(SERVER_PORT, (long) port)
        .setAttribute(WEBHOOK_ID, chain.delivery().eventId())
        .setAttribute(WEBHOOK_EVENT_TYPE, chain.delivery().eventType())
        .setAttribute(WEBHOOK_SUBSCRIPTION_ID, chain.subscription().id())
        .setAttribute(WEBHOOK_ATTEMPT, (long) chain.attempt());
    if (chain.attempt() > 1) {
      builder.setAttribute(HTTP_REQUEST_RESEND_COUNT, (long) chain.attempt() - 1);
    }
    return builder.startSpan();
  }

  private static void end(Span span, TransportResponse response, Throwable error) {
    if (response != null && error == null) {
      span.setAttribute(HTTP_RESPONSE_STATUS_CODE, (long) response.status());
      if (response.status() >= 400) {
        span.setAttribute(ERROR_TYPE, Integer.toString(response.status()));
        span.setStatus(StatusCode.ERROR);
      }
    } else {
      Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
      span.setAttribute(ERROR_TYPE, cause == null ? "_OTHER" : cause.getClass().getName());
      if (cause != null) {
        span.recordException(cause);
      }
      span.setStatus(StatusCode.ERROR);
    }
    span.end();
  }

  @Override
  public String toString() {
    return "HookpostTracing[" + tracer + "]";
  }
}
