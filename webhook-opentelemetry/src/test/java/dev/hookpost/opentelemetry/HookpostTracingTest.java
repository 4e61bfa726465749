package dev.hookpost.opentelemetry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hookpost.Event;
import dev.hookpost.SendHandle;
import dev.hookpost.Signer;
import dev.hookpost.Subscription;
import dev.hookpost.WebhookPublisher;
import dev.hookpost.testing.Answer;
import dev.hookpost.testing.ReceivedDelivery;
import dev.hookpost.testing.RecordingTransport;
import dev.hookpost.testing.VirtualTime;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Attempts as client spans of the sending trace, with the in-memory store on virtual time. */
class HookpostTracingTest {
  final InMemorySpanExporter exporter = InMemorySpanExporter.create();
  final OpenTelemetrySdk otel = OpenTelemetrySdk.builder()
      .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(exporter)).build())
      .build();
  final VirtualTime time = VirtualTime.start();
  final RecordingTransport transport = RecordingTransport.create(Signer.generateSecret(), time.clock());
  final Subscription shipping = transport.subscription("https://shipping.example.com:8443/hooks/T000/secret-token")
      .toBuilder().id("shipping").build();
  WebhookPublisher publisher;

  WebhookPublisher start() {
    publisher = HookpostTracing.bind(WebhookPublisher.builder(), otel).transport(transport).subscription(shipping)
        .clock(time.clock()).scheduler(time.scheduler()).build();
    return publisher;
  }

  @AfterEach
  void close() {
    if (publisher != null) {
      publisher.shutdown(Duration.ZERO);
    }
    otel.close();
  }

  /** Sends an order inside a span of the application's own, ended before any attempt; returns that span. */
  Span sendInsideCheckout() {
    Span checkout = otel.getTracer("shop").spanBuilder("checkout").startSpan();
    try (Scope ignored = checkout.makeCurrent()) {
      publisher.send(Event.of("order.created", Map.of("orderId", "A-1001")));
    } finally {
      checkout.end();
    }
    return checkout;
  }

  List<SpanData> attemptSpans() {
    return exporter.getFinishedSpanItems().stream().filter(s -> s.getName().equals("POST")).toList();
  }

  @Test
  void everyAttemptIsAClientSpanWhoseParentIsTheSpanCurrentAtSendEvenForARetryLater() {
    transport.respondWith(Answer.status(503));
    start();

    Span checkout = sendInsideCheckout();
    time.advance(Duration.ofSeconds(5));

    List<SpanData> attempts = attemptSpans();
    assertThat(attempts).hasSize(2).allSatisfy(s -> {
      assertThat(s.getKind()).isEqualTo(SpanKind.CLIENT);
      assertThat(s.getTraceId()).isEqualTo(checkout.getSpanContext().getTraceId());
      assertThat(s.getParentSpanId()).isEqualTo(checkout.getSpanContext().getSpanId());
    });
    assertThat(attempts.get(0).getAttributes().get(HookpostTracing.HTTP_RESPONSE_STATUS_CODE)).isEqualTo(503);
    assertThat(attempts.get(0).getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(attempts.get(0).getAttributes().get(HookpostTracing.ERROR_TYPE)).isEqualTo("503");
    assertThat(attempts.get(1).getAttributes().get(HookpostTracing.HTTP_RESPONSE_STATUS_CODE)).isEqualTo(204);
    assertThat(attempts.get(1).getAttributes().get(HookpostTracing.HTTP_REQUEST_RESEND_COUNT)).isEqualTo(1);
    assertThat(attempts.get(1).getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
  }

  @Test
  void spansCarryTheHttpConventionsAndTheWebhookIdAndEventTypeButNoPathOrQuery() {
    start();

    sendInsideCheckout();

    SpanData span = attemptSpans().get(0);
    String webhookId = transport.deliveries().get(0).webhookId();
    assertThat(span.getAttributes().get(HookpostTracing.WEBHOOK_ID)).isEqualTo(webhookId);
    assertThat(span.getAttributes().get(HookpostTracing.WEBHOOK_EVENT_TYPE)).isEqualTo("order.created");
    assertThat(span.getAttributes().get(HookpostTracing.WEBHOOK_SUBSCRIPTION_ID)).isEqualTo("shipping");
    assertThat(span.getAttributes().get(HookpostTracing.WEBHOOK_ATTEMPT)).isEqualTo(1);
    assertThat(span.getAttributes().get(HookpostTracing.HTTP_REQUEST_METHOD)).isEqualTo("POST");
    assertThat(span.getAttributes().get(HookpostTracing.SERVER_ADDRESS)).isEqualTo("shipping.example.com");
    assertThat(span.getAttributes().get(HookpostTracing.SERVER_PORT)).isEqualTo(8443);
    assertThat(span.getAttributes().get(HookpostTracing.URL_SCHEME)).isEqualTo("https");
    assertThat(span.getAttributes().get(HookpostTracing.URL_FULL)).isEqualTo("https://shipping.example.com:8443/…")
        .doesNotContain("secret-token");
    assertThat(span.getAttributes().get(HookpostTracing.HTTP_REQUEST_RESEND_COUNT)).isNull();
  }

  @Test
  void theRequestCarriesTheAttemptSpansTraceparentSoTheReceiverJoins() {
    transport.respondWith(Answer.status(503));
    start();

    sendInsideCheckout();
    time.advance(Duration.ofSeconds(5));

    List<SpanData> attempts = attemptSpans();
    List<ReceivedDelivery> received = transport.deliveries();
    for (int i = 0; i < 2; i++) {
      SpanData span = attempts.get(i);
      assertThat(received.get(i).header("traceparent"))
          .contains("00-" + span.getTraceId() + "-" + span.getSpanId() + "-01");
    }
  }

  @Test
  void anEventSentOutsideAnySpanGetsARootSpanPerAttempt() {
    start();

    SendHandle handle = publisher.send(Event.of("order.created", Map.of()));
    handle.outcomes().join();

    SpanData span = attemptSpans().get(0);
    assertThat(span.getParentSpanContext().isValid()).isFalse();
    assertThat(transport.deliveries().get(0).header("traceparent"))
        .contains("00-" + span.getTraceId() + "-" + span.getSpanId() + "-01");
  }

  @Test
  void anAttemptWithoutAnswerEndsItsSpanAsAnErrorNamingTheException() {
    transport.respondWith(Answer.dropConnection());
    start();

    sendInsideCheckout();

    SpanData span = attemptSpans().get(0);
    assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(span.getAttributes().get(HookpostTracing.ERROR_TYPE)).isNotBlank().isNotEqualTo("_OTHER");
    assertThat(span.getAttributes().get(HookpostTracing.HTTP_RESPONSE_STATUS_CODE)).isNull();
    assertThat(span.getEvents()).extracting(e -> e.getName()).contains("exception");
  }
}
