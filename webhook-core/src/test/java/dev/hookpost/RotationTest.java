package dev.hookpost;

import static dev.hookpost.SignerTest.SPEC_BODY;
import static dev.hookpost.SignerTest.SPEC_ID;
import static dev.hookpost.SignerTest.SPEC_SECRET;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

class RotationTest {
  static final Instant NOW = Instant.ofEpochSecond(1_800_000_000L);
  static final String NEW = Signer.generateSecret();

  static Subscription original() {
    return Subscription.builder().id("shipping").endpoint("https://shipping.example/hooks").secret(SPEC_SECRET).build();
  }

  static String[] signaturesAt(Subscription s, Instant at) {
    return s.signer().sign(SPEC_ID, at.getEpochSecond(), SPEC_BODY).split(" ");
  }

  static String only(String secret, Instant at) {
    return Signer.standardWebhooks(secret).sign(SPEC_ID, at.getEpochSecond(), SPEC_BODY);
  }

  @Test
  void theOldSecretKeepsSigningBesideTheNewOneUntilTheGracePeriodEnds() {
    Subscription rotated = original().rotateSecret(NEW, NOW, Duration.ofHours(24));
    Instant lastSecond = NOW.plus(Duration.ofHours(24)).minusSeconds(1);

    assertThat(signaturesAt(rotated, lastSecond)).containsExactly(only(SPEC_SECRET, lastSecond), only(NEW, lastSecond));
  }

  @Test
  void theOldSecretIsLeftOutOnItsOwnOnceTheGracePeriodIsOver() {
    Subscription rotated = original().rotateSecret(NEW, NOW, Duration.ofHours(24));
    Instant end = NOW.plus(Duration.ofHours(24));

    assertThat(signaturesAt(rotated, end)).containsExactly(only(NEW, end));
  }

  @Test
  void theDefaultGracePeriodIs24Hours() {
    Instant before = Instant.now();
    Subscription rotated = original().rotateSecret(NEW);

    assertThat(Subscription.DEFAULT_ROTATION_GRACE).isEqualTo(Duration.ofHours(24));
    assertThat(rotated.signingKeys().get(0).expiresAt())
        .isBetween(before.plus(Duration.ofHours(24)), Instant.now().plus(Duration.ofHours(24)));
    assertThat(rotated.signingKeys().get(1)).isEqualTo(SigningKey.of(NEW));
  }

  @Test
  void rotationStateRestoredFromStoredValuesSignsTheSame() {
    Subscription rotated = original().rotateSecret(NEW, NOW, Duration.ofHours(24));
    // What a registry keeps in its rows: each key's value and expiry, read back after a restart.
    List<SigningKey> rows = rotated.signingKeys().stream()
        .map(k -> new SigningKey(k.value(), k.expiresAt() == null ? null : Instant.parse(k.expiresAt().toString())))
        .toList();
    Subscription restored = Subscription.builder().id("shipping").endpoint("https://shipping.example/hooks")
        .signingKeys(rows).build();

    assertThat(restored).isEqualTo(rotated);
    for (Instant at : List.of(NOW, NOW.plus(Duration.ofHours(23)), NOW.plus(Duration.ofHours(25)))) {
      assertThat(signaturesAt(restored, at)).containsExactly(signaturesAt(rotated, at));
    }
  }

  @Test
  void rotatingAgainDropsExpiredKeysAndNeverLengthensAGracePeriod() {
    String third = Signer.generateSecret();
    Subscription twice = original().rotateSecret(NEW, NOW, Duration.ofHours(24))
        .rotateSecret(third, NOW.plus(Duration.ofHours(1)), Duration.ofHours(48));

    assertThat(twice.signingKeys()).containsExactly(new SigningKey(SPEC_SECRET, NOW.plus(Duration.ofHours(24))),
        new SigningKey(NEW, NOW.plus(Duration.ofHours(49))), SigningKey.of(third));
    assertThat(twice.rotateSecret(SPEC_SECRET, NOW.plus(Duration.ofHours(50)), Duration.ZERO).signingKeys())
        .containsExactly(new SigningKey(third, NOW.plus(Duration.ofHours(50))), SigningKey.of(SPEC_SECRET));
  }

  @Test
  void rotatingFromHmacToEd25519SignsBothUntilTheOldOneEndsAndAReceiverWithEitherKeyAccepts() {
    Ed25519KeyPair pair = Signer.generateEd25519KeyPair();
    Subscription rotated = original().rotateSecret(pair.signingKey(), NOW, Duration.ofHours(1));
    String header = rotated.signer().sign(SPEC_ID, NOW.getEpochSecond(), SPEC_BODY);
    Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);

    assertThat(header.split(" ")).hasSize(2);
    assertThat(header.split(" ")[1]).startsWith("v1a,");
    assertThatCode(() -> WebhookVerifier.create(SPEC_SECRET).withClock(clock)
        .verify(SPEC_ID, "" + NOW.getEpochSecond(), header, SPEC_BODY)).doesNotThrowAnyException();
    assertThatCode(() -> WebhookVerifier.create(pair.publicKey()).withClock(clock)
        .verify(SPEC_ID, "" + NOW.getEpochSecond(), header, SPEC_BODY)).doesNotThrowAnyException();
  }

  @Test
  void keysThatAllExpireAreRefusedAtBuild() {
    assertThatThrownBy(() -> Subscription.builder().endpoint("https://a.example/h")
        .signingKeys(List.of(new SigningKey(SPEC_SECRET, NOW))).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("secret: every key has an expiry");
  }

  @Test
  void aMalformedNewSecretFailsTheRotationNamingIt() {
    assertThatThrownBy(() -> original().rotateSecret("whsec_AAAA", NOW, Duration.ofHours(1)))
        .hasMessageStartingWith("secret #2 decodes to 3 bytes");
  }

  @Test
  void aSubscriptionWithItsOwnSignerCannotRotateSecrets() {
    Subscription custom = Subscription.builder().endpoint("https://a.example/h").signer((id, ts, body) -> "v1a,x").build();

    assertThatThrownBy(() -> custom.rotateSecret(NEW)).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("rotate its keys there");
  }

  @Test
  void aSignerAndSecretsTogetherAreRefusedAtBuild() {
    assertThatThrownBy(() -> Subscription.builder().endpoint("https://a.example/h").secret(SPEC_SECRET)
        .signer((id, ts, body) -> "v1a,x").build())
        .hasMessageContaining("set either secret(s) or signer(...), not both");
  }

  @Test
  void theKeyNeverShowsInToString() {
    Subscription rotated = original().rotateSecret(NEW, NOW, Duration.ofHours(1));

    assertThat(rotated.signingKeys().toString()).doesNotContain(SPEC_SECRET.substring(6)).doesNotContain(NEW.substring(6))
        .contains("whsec_…, expiresAt=");
  }
}
