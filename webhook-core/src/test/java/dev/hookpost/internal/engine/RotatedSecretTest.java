package dev.hookpost.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hookpost.Event;
import dev.hookpost.Signer;
import dev.hookpost.Subscription;
import dev.hookpost.WebhookHeaders;
import dev.hookpost.WebhookPublisher;
import dev.hookpost.spi.TransportRequest;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The publisher signs a rotated subscription with both keys until the grace period ends, by its own clock. */
class RotatedSecretTest extends EngineFixture {
  static final String NEW = Signer.generateSecret();

  static String expected(String secret, TransportRequest r) {
    return Signer.standardWebhooks(secret).sign(r.header(WebhookHeaders.ID),
        Long.parseLong(r.header(WebhookHeaders.TIMESTAMP)), r.body());
  }

  @Test
  void attemptsCarryBothSignaturesDuringTheGracePeriodAndOnlyTheNewOneAfter() {
    Subscription rotated = sub("shipping").rotateSecret(NEW, time.now(), Duration.ofMinutes(1));
    try (WebhookPublisher p = builder().subscription(rotated).build()) {
      p.send(Event.of("order.created", Map.of("n", 1)));
      time.advance(Duration.ofMinutes(1));
      p.send(Event.of("order.created", Map.of("n", 2)));
    }
    TransportRequest during = transport.requests().get(0);
    TransportRequest after = transport.requests().get(1);

    assertThat(during.header(WebhookHeaders.SIGNATURE)).isEqualTo(expected(SECRET, during) + " " + expected(NEW, during));
    assertThat(after.header(WebhookHeaders.SIGNATURE)).isEqualTo(expected(NEW, after));
  }

  @Test
  void replacingARotatedSubscriptionThroughThePublisherKeepsItsPendingRetryAndSignsItWithBothKeys() {
    transport.then(ScriptedTransport.status(503));
    try (WebhookPublisher p = builder().subscription(sub("shipping")).build()) {
      p.send(Event.of("order.created", Map.of("n", 1)));

      p.subscriptions().replace(sub("shipping").rotateSecret(NEW, time.now(), Duration.ofHours(1)));
      time.advance(Duration.ofSeconds(5));
    }

    assertThat(heard).singleElement().isInstanceOf(dev.hookpost.DeliveryOutcome.Delivered.class);
    TransportRequest retry = transport.requests().get(1);
    assertThat(retry.header(WebhookHeaders.SIGNATURE)).isEqualTo(expected(SECRET, retry) + " " + expected(NEW, retry));
  }
}
