/**
 * Hookpost's test kit: {@code FakeWebhookReceiver} (a JUnit 5 extension), {@code RecordingTransport},
 * {@code VirtualTime} and AssertJ assertions (AssertJ is optional: only {@code WebhookAssertions}
 * needs it).
 */
module dev.hookpost.testing {
  requires transitive dev.hookpost.core;
  requires transitive org.junit.jupiter.api;
  requires static transitive org.assertj.core;
  requires mockwebserver3;
  requires okhttp3;
  requires okio;
  requires com.fasterxml.jackson.databind;
  requires java.net.http;

  exports dev.hookpost.testing;
}
