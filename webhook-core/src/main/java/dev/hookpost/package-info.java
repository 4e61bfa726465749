/**
 * Hookpost: send Standard Webhooks from a Java application.
 *
 * <p>Start with {@link dev.hookpost.WebhookPublisher}: describe who listens with
 * {@link dev.hookpost.Subscription}, hand in a {@link dev.hookpost.spi.Transport} (the
 * {@code webhook-okhttp} module has the production one), and call
 * {@link dev.hookpost.WebhookPublisher#send(Event)}. Receivers check what arrives with
 * {@link dev.hookpost.WebhookVerifier}.
 *
 * <p>Every type here is either an immutable value or documents its thread safety.
 */
package dev.hookpost;
