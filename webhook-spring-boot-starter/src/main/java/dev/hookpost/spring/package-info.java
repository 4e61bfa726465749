/**
 * Hookpost for Spring Boot: {@link dev.hookpost.spring.HookpostAutoConfiguration} builds a
 * {@code WebhookPublisher} from {@code hookpost.*} properties, {@link
 * dev.hookpost.spring.TransactionalWebhookSender} joins {@code @Transactional} methods, and
 * {@link dev.hookpost.spring.WebhookVerificationFilter} verifies incoming webhooks before the
 * controller runs.
 */
package dev.hookpost.spring;
