package dev.hookpost.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hookpost.DeliveryOutcome;
import dev.hookpost.Ed25519KeyPair;
import dev.hookpost.Event;
import dev.hookpost.Signer;
import dev.hookpost.WebhookPublisher;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A fake receiver for Ed25519 (v1a) webhooks: it verifies with the public key, as a real one would. */
class Ed25519ReceiverTest {

  @Test
  void anEd25519ReceiverVerifiesV1aDeliveriesWithThePublicKey() {
    Ed25519KeyPair pair = Signer.generateEd25519KeyPair();
    try (FakeWebhookReceiver receiver = FakeWebhookReceiver.builder().ed25519(pair).build()) {
      receiver.start();
      try (WebhookPublisher publisher = receiver.publisher().build()) {
        assertThat(publisher.send(Event.of("order.created", Map.of("orderId", "A-1"))).outcomes().join())
            .singleElement().isInstanceOf(DeliveryOutcome.Delivered.class);
      }

      assertThat(receiver.awaitDeliveries(1, Duration.ofSeconds(5))).singleElement().satisfies(d -> {
        assertThat(d.signature()).startsWith("v1a,");
        assertThat(d.signatureValid()).isTrue();
      });
      assertThat(receiver.secret()).isEqualTo(pair.signingKey());
    }
  }

  @Test
  void anEd25519SigningKeyGivenAsASecretIsRefusedNamingTheFix() {
    String signingKey = Signer.generateEd25519KeyPair().signingKey();

    assertThatThrownBy(() -> FakeWebhookReceiver.builder().secret(signingKey))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(".ed25519(keyPair)");
  }
}
