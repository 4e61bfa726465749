package dev.hookpost.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hookpost.AddressGuard;
import dev.hookpost.DeliveryOutcome;
import dev.hookpost.Event;
import dev.hookpost.RetryPolicy;
import dev.hookpost.SendHandle;
import dev.hookpost.WebhookPublisher;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The consumer's first test, as a new user writes it: {@code receiver.publisher()} just works, and
 * when a wait fails the message says why. Each failing wait first lets the publisher report the
 * outcome ({@link SendHandle#outcomes()} completes after the listeners heard it), so the short
 * waits below time out on a settled picture, never on a race.
 */
class ReceiverPublisherTest {
  static final Duration SHORT = Duration.ofMillis(200);
  static final Event ORDER = Event.of("order.created", Map.of("orderId", "A-1001"));

  @RegisterExtension
  static FakeWebhookReceiver receiver = FakeWebhookReceiver.create();

  static List<DeliveryOutcome> sendAndSettle(WebhookPublisher publisher) {
    return publisher.send(ORDER).outcomes().join();
  }

  @Test
  void theOneLinePublisherDeliversToTheReceiverAndReportsTheOutcome() {
    try (WebhookPublisher publisher = receiver.publisher().build()) {
      assertThat(sendAndSettle(publisher)).singleElement().isInstanceOf(DeliveryOutcome.Delivered.class);
    }
    assertThat(receiver.awaitDeliveries(1, Duration.ofSeconds(5))).singleElement()
        .satisfies(d -> assertThat(d.signatureValid()).isTrue());
    assertThat(receiver.outcomes()).singleElement().isInstanceOf(DeliveryOutcome.Delivered.class);
  }

  @Test
  void laterBuilderCallsOverrideTheOneLinePublishersSettings() {
    receiver.respondWith(Answer.status(503));
    try (WebhookPublisher publisher = receiver.publisher().retryPolicy(RetryPolicy.none()).build()) {
      assertThat(sendAndSettle(publisher)).singleElement().isInstanceOf(DeliveryOutcome.GaveUp.class);
    }
    assertThat(receiver.deliveries()).hasSize(1);
  }

  @Test
  void theIssuesFirstTestWithoutTheListenerNamesTheGuardFirstAndTheListener() {
    try (WebhookPublisher publisher = WebhookPublisher.builder()
        .transport(new ReceiverTransport(AddressGuard.publicOnly())) // refuses loopback, like the default transport
        .subscription(receiver.subscription()).build()) {
      sendAndSettle(publisher);
      assertThatThrownBy(() -> receiver.awaitDeliveries(1, SHORT)).isInstanceOf(AssertionError.class)
          .hasMessageStartingWith("expected the fake receiver to receive 1 deliveries within PT0.2S but it received 0."
              + "\nThe receiver at " + receiver.url() + " saw no connection at all: nothing reached it."
              + "\nThe publisher was not given receiver.listener()")
          .hasMessageContaining("Likely causes, most likely first:\n  1. The publisher's address guard refused"
              + " 127.0.0.1");
    }
  }

  @Test
  void aRefusedLoopbackAddressIsQuotedFromTheRejectedOutcome() {
    try (WebhookPublisher publisher = receiver.publisher()
        .transport(new ReceiverTransport(AddressGuard.publicOnly())).build()) {
      sendAndSettle(publisher);
      assertThatThrownBy(() -> receiver.awaitDeliveries(1, SHORT))
          .hasMessageContaining("\n  - Rejected event " + ORDER.id() + " to " + receiver.url() + " after ")
          .hasMessageContaining("refused to connect to 127.0.0.1")
          .hasMessageContaining("  1. The publisher's address guard refused 127.0.0.1, where the receiver listens:"
              + " transports refuse loopback addresses by default (seen above: Rejected event " + ORDER.id());
    }
  }

  @Test
  void aSubscriptionAtAnotherPortIsNamedWithTheReceiversUrl() throws IOException {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0)) {
      closedPort = s.getLocalPort();
    }
    String elsewhere = "http://127.0.0.1:" + closedPort + "/webhooks";
    try (WebhookPublisher publisher = receiver.publisher(receiver.subscription().toBuilder().endpoint(elsewhere)
        .build()).retryPolicy(RetryPolicy.none()).build()) {
      sendAndSettle(publisher);
      assertThatThrownBy(() -> receiver.awaitDeliveries(1, SHORT))
          .hasMessageContaining("saw no connection at all")
          .hasMessageContaining("  - GaveUp event " + ORDER.id() + " to " + elsewhere)
          .hasMessageContaining("  1. The subscription points at another URL than the receiver's " + receiver.url()
              + " (seen above: GaveUp event " + ORDER.id() + " to " + elsewhere);
    }
  }

  @Test
  void anEventTypeFilterThatDoesNotMatchIsNamedFirst() {
    try (WebhookPublisher publisher = receiver.publisher(receiver.subscription().toBuilder().eventTypes("invoice.*")
        .build()).build()) {
      assertThat(sendAndSettle(publisher)).isEmpty();
      assertThatThrownBy(() -> receiver.awaitEvent("order.created", SHORT))
          .hasMessageStartingWith("expected the fake receiver to receive an event of type 'order.created' within"
              + " PT0.2S but it received 0.")
          .hasMessageContaining("reported no attempt and no outcome")
          .hasMessageContaining("  1. The subscription's event types do not match the event's type");
    }
  }

  @Test
  void aPublisherClosedWithTheAttemptInFlightIsQuotedAsAbandoned() {
    receiver.respondWith(Answer.hang());
    WebhookPublisher publisher = receiver.publisher().build();
    SendHandle handle = publisher.send(ORDER);
    receiver.awaitDeliveries(1, Duration.ofSeconds(5));
    publisher.shutdown(Duration.ZERO);
    handle.outcomes().join();
    assertThatThrownBy(() -> receiver.awaitDeliveries(2, SHORT))
        .hasMessageContaining("but it received 1:")
        .hasMessageContaining("  - Abandoned event " + ORDER.id() + " to " + receiver.url());
  }

  @Test
  void resetForgetsWhatThePublisherReportedAndThatTheListenerWasHandedOut() {
    try (WebhookPublisher publisher = receiver.publisher().build()) {
      sendAndSettle(publisher);
    }
    receiver.reset();
    assertThat(receiver.outcomes()).isEmpty();
    assertThatThrownBy(() -> receiver.awaitDeliveries(1, Duration.ZERO))
        .hasMessageContaining("The publisher was not given receiver.listener() (or was given it before the"
            + " receiver's last reset and has reported nothing since)");
  }

  @Test
  void aPublisherGivenTheListenerBeforeAResetIsHeardAgainWhenItReports() {
    try (WebhookPublisher publisher = receiver.publisher().transport(new ReceiverTransport(AddressGuard.publicOnly()))
        .build()) {
      receiver.reset();
      sendAndSettle(publisher);
      assertThatThrownBy(() -> receiver.awaitDeliveries(1, Duration.ZERO))
          .hasMessageContaining("  - Rejected event " + ORDER.id());
    }
  }

  @Test
  void aRedirectIsAnAnswerNotFollowed() {
    receiver.respondWith(Answer.redirect(302, receiver.url("/elsewhere")));
    try (WebhookPublisher publisher = receiver.publisher().retryPolicy(RetryPolicy.none()).build()) {
      assertThat(sendAndSettle(publisher)).singleElement().isInstanceOfSatisfying(DeliveryOutcome.GaveUp.class,
          g -> assertThat(g.lastStatus()).hasValue(302));
    }
    assertThat(receiver.deliveries()).extracting(ReceivedDelivery::path).containsExactly("/webhooks");
  }
}
