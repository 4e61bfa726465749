/**
 * Test support for code that sends webhooks with Hookpost: a real receiver on loopback
 * ({@link dev.hookpost.testing.FakeWebhookReceiver}, also a JUnit 5 extension), a socket-free
 * {@link dev.hookpost.testing.RecordingTransport}, virtual time for retry schedules, and AssertJ
 * assertions through {@link dev.hookpost.testing.WebhookAssertions}.
 */
package dev.hookpost.testing;
