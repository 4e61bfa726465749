package dev.hookpost.spring;

import dev.hookpost.micrometer.HookpostMetrics;
import dev.hookpost.opentelemetry.HookpostTracing;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Wires Hookpost's metrics and tracing into the publisher when the application has them:
 * <ul>
 *   <li>with {@code webhook-micrometer} on the class path and a {@link MeterRegistry} bean (e.g.
 *       from Actuator), a {@link HookpostMetrics} listener, which the publisher picks up like every
 *       {@code DeliveryListener} bean;
 *   <li>with {@code webhook-opentelemetry} on the class path and an {@link OpenTelemetry} bean, a
 *       {@link WebhookPublisherCustomizer} that adds {@link HookpostTracing} as an interceptor.
 * </ul>
 * Each backs off when the application defines its own bean of that type (or, for tracing, a bean
 * named {@code hookpostTracingCustomizer}); {@code hookpost.enabled=false} turns both off.
 */
@AutoConfiguration(afterName = {
    "org.springframework.boot.actuate.autoconfigure.metrics.CompositeMeterRegistryAutoConfiguration",
    "org.springframework.boot.actuate.autoconfigure.metrics.export.simple.SimpleMetricsExportAutoConfiguration",
    "org.springframework.boot.actuate.autoconfigure.opentelemetry.OpenTelemetryAutoConfiguration"})
@ConditionalOnProperty(prefix = "hookpost", name = "enabled", matchIfMissing = true)
public class HookpostObservabilityAutoConfiguration {

  /** Micrometer meters for every delivery (see {@link HookpostMetrics} for the names and tags). */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass({HookpostMetrics.class, MeterRegistry.class})
  @ConditionalOnBean(MeterRegistry.class)
  static class MetricsConfiguration {

    @Bean
    @ConditionalOnMissingBean
    HookpostMetrics hookpostMetrics(MeterRegistry registry) {
      return HookpostMetrics.create(registry);
    }
  }

  /** A client span per attempt, parented on the trace that called {@code send}. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass({HookpostTracing.class, OpenTelemetry.class})
  @ConditionalOnBean(OpenTelemetry.class)
  static class TracingConfiguration {

    @Bean
    @ConditionalOnMissingBean(name = "hookpostTracingCustomizer")
    WebhookPublisherCustomizer hookpostTracingCustomizer(OpenTelemetry openTelemetry) {
      HookpostTracing tracing = HookpostTracing.create(openTelemetry);
      return builder -> builder.interceptor(tracing);
    }
  }
}
