package dev.hookpost.opentelemetry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hookpost.Attempt;
import dev.hookpost.DeliveryListener;
import dev.hookpost.DeliveryOutcome;
import dev.hookpost.Event;
import dev.hookpost.RetryPolicy;
import dev.hookpost.Subscription;
import dev.hookpost.WebhookPublisher;
import dev.hookpost.jdbc.JdbcDeliveryStore;
import dev.hookpost.spi.StoredDelivery;
import dev.hookpost.spi.Transport;
import dev.hookpost.spi.TransportRequest;
import dev.hookpost.spi.TransportResponse;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.sql.Connection;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The trace context travels in the durable store: a retry an hour later, by another publisher
 * that never saw the send, is still a child of the span that sent the event.
 */
class TracingAcrossJdbcStoreTest {
  final InMemorySpanExporter exporter = InMemorySpanExporter.create();
  final OpenTelemetrySdk otel = OpenTelemetrySdk.builder()
      .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(exporter)).build())
      .build();
  final JdbcDataSource dataSource = new JdbcDataSource();
  final Queue<TransportRequest> sent = new ConcurrentLinkedQueue<>();
  final Subscription shipping = Subscription.builder().id("shipping").endpoint("https://shipping.example.com/hooks")
      .secret("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").build();
  Connection keepOpen;

  TracingAcrossJdbcStoreTest() throws Exception {
    dataSource.setURL("jdbc:h2:mem:tracing-" + System.nanoTime());
    keepOpen = dataSource.getConnection();
  }

  @AfterEach
  void close() throws Exception {
    otel.close();
    keepOpen.close();
  }

  /** A publisher over the shared tables that answers {@code status}, on {@code clock}, telling {@code listener}. */
  WebhookPublisher publisher(int status, Clock clock, DeliveryListener listener) {
    Transport transport = request -> {
      sent.add(request);
      return CompletableFuture.completedFuture(TransportResponse.of(status));
    };
    return HookpostTracing.bind(WebhookPublisher.builder(), otel).transport(transport).subscription(shipping)
        .store(JdbcDeliveryStore.builder(dataSource).clock(clock).build()).clock(clock).listener(listener)
        .pollInterval(Duration.ofMillis(20)).retryPolicy(RetryPolicy.fixedSchedule(Duration.ofHours(1)))
        .build();
  }

  @Test
  void aRetryAnHourLaterByAnotherPublisherIsAChildOfTheSendingSpan() throws Exception {
    CountDownLatch retryScheduled = new CountDownLatch(1);
    WebhookPublisher first = publisher(503, Clock.systemUTC(), new DeliveryListener() {
      @Override
      public void onRetryScheduled(StoredDelivery d, Subscription s, Attempt failed, Duration delay) {
        retryScheduled.countDown();
      }
    });
    Span checkout = otel.getTracer("shop").spanBuilder("checkout").startSpan();
    try (Scope ignored = checkout.makeCurrent()) {
      first.send(Event.of("order.created", Map.of("orderId", "A-1001")));
    } finally {
      checkout.end();
    }
    assertThat(retryScheduled.await(10, TimeUnit.SECONDS)).as("first attempt failed").isTrue();
    first.close();

    CountDownLatch delivered = new CountDownLatch(1);
    WebhookPublisher later = publisher(204, Clock.offset(Clock.systemUTC(), Duration.ofMinutes(61)),
        new DeliveryListener() {
          @Override
          public void onOutcome(DeliveryOutcome outcome) {
            if (outcome instanceof DeliveryOutcome.Delivered) {
              delivered.countDown();
            }
          }
        });
    try {
      assertThat(delivered.await(10, TimeUnit.SECONDS)).as("retried by the later publisher").isTrue();
    } finally {
      later.close();
    }

    List<SpanData> attempts = exporter.getFinishedSpanItems().stream().filter(s -> s.getName().equals("POST")).toList();
    assertThat(attempts).hasSize(2).allSatisfy(s -> {
      assertThat(s.getTraceId()).isEqualTo(checkout.getSpanContext().getTraceId());
      assertThat(s.getParentSpanId()).isEqualTo(checkout.getSpanContext().getSpanId());
    });
    assertThat(attempts).extracting(s -> s.getAttributes().get(HookpostTracing.HTTP_RESPONSE_STATUS_CODE))
        .containsExactly(503L, 204L);
    assertThat(sent).extracting(r -> r.header("traceparent")).containsExactly(
        "00-" + attempts.get(0).getTraceId() + "-" + attempts.get(0).getSpanId() + "-01",
        "00-" + attempts.get(1).getTraceId() + "-" + attempts.get(1).getSpanId() + "-01");
  }
}
