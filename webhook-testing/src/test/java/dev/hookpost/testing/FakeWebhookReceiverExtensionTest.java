package dev.hookpost.testing;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.hookpost.Signer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The receiver as a JUnit 5 extension: a static field is one receiver for the class, reset
 * before each test; an instance field is a fresh receiver per test; test methods can take it as
 * a parameter. The tests of each class run in a fixed order so one test can look at what the
 * previous one left.
 */
class FakeWebhookReceiverExtensionTest {
  static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  /** POSTs a signed envelope to {@code path} and returns the status. */
  static int post(FakeWebhookReceiver receiver, String path) throws IOException, InterruptedException {
    String id = "msg_" + System.nanoTime();
    long now = Instant.now().getEpochSecond();
    byte[] body = "{\"type\":\"order.created\",\"data\":{}}".getBytes(UTF_8);
    return HTTP.send(HttpRequest.newBuilder(URI.create(receiver.url(path))).timeout(Duration.ofSeconds(5))
        .header("webhook-id", id).header("webhook-timestamp", Long.toString(now))
        .header("webhook-signature", Signer.standardWebhooks(receiver.secret()).sign(id, now, body))
        .POST(BodyPublishers.ofByteArray(body)).build(), BodyHandlers.discarding()).statusCode();
  }

  @AfterAll
  static void theSharedReceiverStopsAfterItsClass() {
    assertThat(OnAStaticField.receiver.toString()).startsWith("FakeWebhookReceiver[stopped");
  }

  @Nested
  @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
  class OnAStaticField {
    @RegisterExtension
    static FakeWebhookReceiver receiver = FakeWebhookReceiver.create();
    static String urlOfTheFirstTest;

    @Test
    @Order(1)
    void isStartedBeforeTheFirstTest() throws Exception {
      assertThat(receiver.toString()).doesNotContain("stopped");
      urlOfTheFirstTest = receiver.url();

      receiver.respondWith(Answer.status(503)).respondOn("/orders", Answer.status(500))
          .defaultAnswer(Answer.status(400));
      assertThat(post(receiver, "/webhooks")).isEqualTo(503);
      assertThat(receiver.deliveries()).hasSize(1);
    }

    @Test
    @Order(2)
    void theNextTestFindsTheSameReceiverOnTheSamePort() {
      assertThat(receiver.url()).isEqualTo(urlOfTheFirstTest);
    }

    @Test
    @Order(3)
    void deliveriesAndScriptedAnswersAreResetBetweenTests() throws Exception {
      assertThat(receiver.deliveries()).isEmpty();
      assertThat(post(receiver, "/orders")).as("per-path answer forgotten").isEqualTo(204);
      assertThat(post(receiver, "/webhooks")).as("default answer back to 204").isEqualTo(204);
    }

    @Test
    @Order(4)
    void isInjectedIntoTestMethods(FakeWebhookReceiver injected) {
      assertThat(injected).isSameAs(receiver);
      assertThat(injected.url()).isEqualTo(urlOfTheFirstTest);
    }
  }

  @Nested
  @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
  class OnAnInstanceField {
    @RegisterExtension
    final FakeWebhookReceiver receiver = FakeWebhookReceiver.create();
    static FakeWebhookReceiver receiverOfTheFirstTest;

    @Test
    @Order(1)
    void isStartedBeforeTheTest() throws Exception {
      assertThat(receiver.toString()).doesNotContain("stopped");
      receiverOfTheFirstTest = receiver;

      receiver.defaultAnswer(Answer.status(500));
      assertThat(post(receiver, "/webhooks")).isEqualTo(500);
    }

    @Test
    @Order(2)
    void eachTestGetsAFreshReceiverAndThePreviousOneIsStopped() throws Exception {
      assertThat(receiver).isNotSameAs(receiverOfTheFirstTest);
      assertThat(receiverOfTheFirstTest).hasToString("FakeWebhookReceiver[stopped, 1 deliveries]");
      assertThat(receiver.secret()).isNotEqualTo(receiverOfTheFirstTest.secret());
      assertThat(receiver.deliveries()).isEmpty();
      assertThat(post(receiver, "/webhooks")).isEqualTo(204);
    }

    @Test
    @Order(3)
    void isInjectedIntoTestMethods(FakeWebhookReceiver injected) {
      assertThat(injected).isSameAs(receiver);
      assertThat(injected.toString()).doesNotContain("stopped");
    }
  }
}
