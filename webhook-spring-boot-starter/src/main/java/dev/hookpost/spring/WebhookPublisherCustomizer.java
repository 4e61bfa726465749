package dev.hookpost.spring;

import dev.hookpost.WebhookPublisher;

/**
 * Adjusts the auto-configured publisher's builder after the {@code hookpost.*} properties were
 * applied, e.g. to add a listener or a clock. Every such bean is applied, in {@code @Order}.
 * {@code DeliveryListener} beans need no customizer: they are added on their own.
 */
@FunctionalInterface
public interface WebhookPublisherCustomizer {

  /** Changes {@code builder}; called once, on the thread creating the publisher bean. */
  void customize(WebhookPublisher.Builder builder);
}
