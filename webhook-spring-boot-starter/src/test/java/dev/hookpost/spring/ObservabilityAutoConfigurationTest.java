package dev.hookpost.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hookpost.DeliveryOutcome;
import dev.hookpost.Event;
import dev.hookpost.Signer;
import dev.hookpost.WebhookPublisher;
import dev.hookpost.micrometer.HookpostMetrics;
import dev.hookpost.spi.Transport;
import dev.hookpost.testing.RecordingTransport;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** Metrics and tracing join the publisher when the application has a MeterRegistry or OpenTelemetry bean. */
class ObservabilityAutoConfigurationTest {
  private final RecordingTransport transport = RecordingTransport.create(Signer.generateSecret(), Clock.systemUTC());
  private final ApplicationContextRunner runner = new ApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(HookpostAutoConfiguration.class,
          HookpostObservabilityAutoConfiguration.class))
      .withBean(Transport.class, () -> transport)
      .withPropertyValues("hookpost.subscriptions[0].id=shipping",
          "hookpost.subscriptions[0].endpoint=https://shipping.example.com/hooks",
          "hookpost.subscriptions[0].secrets=" + transport.secret());

  @Test
  void withAMeterRegistryTheDeliveriesAreCountedInIt() {
    runner.withBean(MeterRegistry.class, SimpleMeterRegistry::new).run(context -> {
      assertThat(context).hasSingleBean(HookpostMetrics.class);
      DeliveryOutcome outcome = context.getBean(WebhookPublisher.class)
          .send(Event.of("order.created", Map.of("orderId", "A-1"))).outcomes().get(10, TimeUnit.SECONDS).get(0);

      assertThat(outcome).isInstanceOf(DeliveryOutcome.Delivered.class);
      MeterRegistry registry = context.getBean(MeterRegistry.class);
      assertThat(registry.get("hookpost.deliveries").tag("outcome", "delivered").counter().count()).isEqualTo(1.0);
      assertThat(registry.find("hookpost.deliveries.pending").gauge()).isNotNull();
    });
  }

  @Test
  void withoutAMeterRegistryThereAreNoMetrics() {
    runner.run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(HookpostMetrics.class));
  }

  @Test
  void withoutWebhookMicrometerOnTheClassPathTheStarterStillStarts() {
    runner.withBean(MeterRegistry.class, SimpleMeterRegistry::new)
        .withClassLoader(new FilteredClassLoader(HookpostMetrics.class))
        .run(context -> assertThat(context).hasNotFailed().hasSingleBean(WebhookPublisher.class)
            .doesNotHaveBean(HookpostMetrics.class));
  }

  @Test
  void withOpenTelemetryEveryAttemptIsAClientSpan() {
    InMemorySpanExporter exporter = InMemorySpanExporter.create();
    OpenTelemetrySdk otel = OpenTelemetrySdk.builder()
        .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(exporter)).build())
        .build();
    runner.withBean(OpenTelemetry.class, () -> otel).run(context -> {
      context.getBean(WebhookPublisher.class)
          .send(Event.of("order.created", Map.of("orderId", "A-1"))).outcomes().get(10, TimeUnit.SECONDS);

      assertThat(exporter.getFinishedSpanItems()).anySatisfy(span -> {
        assertThat(span.getName()).isEqualTo("POST");
        assertThat(span.getAttributes().asMap().toString()).contains("order.created");
      });
      assertThat(transport.deliveries()).singleElement()
          .satisfies(d -> assertThat(d.header("traceparent")).isPresent());
    });
    otel.close();
  }
}
