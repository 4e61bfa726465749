package dev.hookpost;

import static dev.hookpost.SignerTest.SPEC_BODY;
import static dev.hookpost.SignerTest.SPEC_ID;
import static dev.hookpost.SignerTest.SPEC_SECRET;
import static dev.hookpost.SignerTest.SPEC_SIGNATURE;
import static dev.hookpost.SignerTest.SPEC_TIMESTAMP;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hookpost.WebhookVerificationException.Reason;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WebhookVerifierTest {
  final WebhookVerifier verifier = WebhookVerifier.create(SPEC_SECRET)
      .withClock(Clock.fixed(Instant.ofEpochSecond(SPEC_TIMESTAMP), ZoneOffset.UTC));

  static Map<String, List<String>> headers(String id, String ts, String sig) {
    Map<String, List<String>> h = new HashMap<>();
    h.put("webhook-id", List.of(id));
    h.put("webhook-timestamp", List.of(ts));
    h.put("webhook-signature", List.of(sig));
    return h;
  }

  Reason reasonOf(Runnable call) {
    try {
      call.run();
    } catch (WebhookVerificationException e) {
      return e.reason();
    }
    throw new AssertionError("expected a WebhookVerificationException");
  }

  @Test
  void acceptsTheSpecTestVector() {
    assertThatCode(() -> verifier.verify(headers(SPEC_ID, "" + SPEC_TIMESTAMP, SPEC_SIGNATURE), SPEC_BODY))
        .doesNotThrowAnyException();
  }

  @Test
  void matchesHeaderNamesInAnyCase() {
    Map<String, List<String>> h = Map.of("Webhook-Id", List.of(SPEC_ID), "WEBHOOK-TIMESTAMP",
        List.of("" + SPEC_TIMESTAMP), "webhook-Signature", List.of(SPEC_SIGNATURE));

    assertThatCode(() -> verifier.verify(h, SPEC_BODY)).doesNotThrowAnyException();
  }

  @Test
  void acceptsWhenAnyOfSeveralSignaturesMatches() {
    String sigs = "v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc= v2,abc " + SPEC_SIGNATURE + " v1,not-base64!";

    assertThatCode(() -> verifier.verify(SPEC_ID, "" + SPEC_TIMESTAMP, sigs, SPEC_BODY)).doesNotThrowAnyException();
  }

  @Test
  void acceptsAMessageSignedWithTheOldSecretWhenGivenBoth() {
    WebhookVerifier both = WebhookVerifier.create(Signer.generateSecret(), SPEC_SECRET)
        .withClock(Clock.fixed(Instant.ofEpochSecond(SPEC_TIMESTAMP), ZoneOffset.UTC));

    assertThatCode(() -> both.verify(SPEC_ID, "" + SPEC_TIMESTAMP, SPEC_SIGNATURE, SPEC_BODY))
        .doesNotThrowAnyException();
  }

  @Test
  void acceptsASecretWithoutThePrefixAsTheOfficialLibrariesDo() {
    WebhookVerifier bare = WebhookVerifier.create(SPEC_SECRET.substring(6))
        .withClock(Clock.fixed(Instant.ofEpochSecond(SPEC_TIMESTAMP), ZoneOffset.UTC));

    assertThatCode(() -> bare.verify(SPEC_ID, "" + SPEC_TIMESTAMP, SPEC_SIGNATURE, SPEC_BODY))
        .doesNotThrowAnyException();
  }

  @Test
  void rejectsABodyChangedByOneByte() {
    byte[] changed = "{\"test\": 2432232315}".getBytes(StandardCharsets.UTF_8);

    assertThat(reasonOf(() -> verifier.verify(SPEC_ID, "" + SPEC_TIMESTAMP, SPEC_SIGNATURE, changed)))
        .isEqualTo(Reason.NO_MATCHING_SIGNATURE);
  }

  @Test
  void rejectsAReSerializedBody() {
    byte[] reformatted = "{\"test\":2432232314}".getBytes(StandardCharsets.UTF_8);

    assertThat(reasonOf(() -> verifier.verify(SPEC_ID, "" + SPEC_TIMESTAMP, SPEC_SIGNATURE, reformatted)))
        .isEqualTo(Reason.NO_MATCHING_SIGNATURE);
  }

  @Test
  void ignoresSignaturesOfOtherVersions() {
    String v2 = "v2" + SPEC_SIGNATURE.substring(2);

    assertThat(reasonOf(() -> verifier.verify(SPEC_ID, "" + SPEC_TIMESTAMP, v2, SPEC_BODY)))
        .isEqualTo(Reason.NO_MATCHING_SIGNATURE);
  }

  @Test
  void rejectsAMissingHeaderAndNamesIt() {
    Map<String, List<String>> h = headers(SPEC_ID, "" + SPEC_TIMESTAMP, SPEC_SIGNATURE);
    h.remove("webhook-timestamp");

    assertThatThrownBy(() -> verifier.verify(h, SPEC_BODY))
        .isInstanceOf(WebhookVerificationException.class)
        .hasMessageContaining("webhook-timestamp header is missing");
    assertThat(reasonOf(() -> verifier.verify(h, SPEC_BODY))).isEqualTo(Reason.MISSING_HEADER);
  }

  @Test
  void rejectsANonNumericTimestamp() {
    assertThat(reasonOf(() -> verifier.verify(SPEC_ID, "yesterday", SPEC_SIGNATURE, SPEC_BODY)))
        .isEqualTo(Reason.INVALID_TIMESTAMP);
  }

  @Test
  void rejectsATimestampOlderThanTheTolerance() {
    WebhookVerifier later = verifier.withClock(
        Clock.fixed(Instant.ofEpochSecond(SPEC_TIMESTAMP).plus(Duration.ofMinutes(5)).plusSeconds(1), ZoneOffset.UTC));

    assertThat(reasonOf(() -> later.verify(SPEC_ID, "" + SPEC_TIMESTAMP, SPEC_SIGNATURE, SPEC_BODY)))
        .isEqualTo(Reason.TIMESTAMP_TOO_OLD);
  }

  @Test
  void acceptsATimestampJustInsideTheTolerance() {
    WebhookVerifier later = verifier.withClock(
        Clock.fixed(Instant.ofEpochSecond(SPEC_TIMESTAMP).plus(Duration.ofMinutes(5)), ZoneOffset.UTC));

    assertThatCode(() -> later.verify(SPEC_ID, "" + SPEC_TIMESTAMP, SPEC_SIGNATURE, SPEC_BODY))
        .doesNotThrowAnyException();
  }

  @Test
  void rejectsATimestampTooFarInTheFuture() {
    WebhookVerifier earlier = verifier.withClock(
        Clock.fixed(Instant.ofEpochSecond(SPEC_TIMESTAMP).minus(Duration.ofMinutes(6)), ZoneOffset.UTC));

    assertThat(reasonOf(() -> earlier.verify(SPEC_ID, "" + SPEC_TIMESTAMP, SPEC_SIGNATURE, SPEC_BODY)))
        .isEqualTo(Reason.TIMESTAMP_TOO_NEW);
  }

  @Test
  void aHugeToleranceDoesNotOverflowIntoRejectingEverything() {
    WebhookVerifier lax = verifier.withTolerance(Duration.ofSeconds(Long.MAX_VALUE));

    assertThatCode(() -> lax.verify(SPEC_ID, "" + SPEC_TIMESTAMP, SPEC_SIGNATURE, SPEC_BODY)).doesNotThrowAnyException();
  }

  @Test
  void rejectsANegativeTolerance() {
    assertThatThrownBy(() -> verifier.withTolerance(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("tolerance");
  }

  @Test
  void verifiesV1aWithAPublicKeyAndV1WithASecretInOneVerifier() {
    Ed25519KeyPair pair = Signer.generateEd25519KeyPair();
    String v1a = Signer.standardWebhooks(pair.signingKey()).sign(SPEC_ID, SPEC_TIMESTAMP, SPEC_BODY);
    WebhookVerifier both = WebhookVerifier.create(pair.publicKey(), SPEC_SECRET)
        .withClock(Clock.fixed(Instant.ofEpochSecond(SPEC_TIMESTAMP), ZoneOffset.UTC));

    assertThatCode(() -> both.verify(SPEC_ID, "" + SPEC_TIMESTAMP, v1a, SPEC_BODY)).doesNotThrowAnyException();
    assertThatCode(() -> both.verify(SPEC_ID, "" + SPEC_TIMESTAMP, SPEC_SIGNATURE, SPEC_BODY)).doesNotThrowAnyException();
  }

  @Test
  void aV1SignatureIsNotAcceptedByAVerifierHoldingOnlyPublicKeysAndTheReasonSaysWhy() {
    WebhookVerifier publicOnly = WebhookVerifier.create(Signer.generateEd25519KeyPair().publicKey())
        .withClock(Clock.fixed(Instant.ofEpochSecond(SPEC_TIMESTAMP), ZoneOffset.UTC));

    assertThatThrownBy(() -> publicOnly.verify(SPEC_ID, "" + SPEC_TIMESTAMP, SPEC_SIGNATURE, SPEC_BODY))
        .isInstanceOf(WebhookVerificationException.class)
        .hasMessageContaining("under the 0 secret(s) (v1) and 1 public key(s) (v1a) held")
        .hasMessageContaining("1 looked at, 1 skipped as malformed, of another version, or of a scheme with no key");
  }

  @Test
  void aV1aSignatureByAnotherKeyIsRejected() {
    String other = Signer.standardWebhooks(Signer.generateEd25519KeyPair().signingKey())
        .sign(SPEC_ID, SPEC_TIMESTAMP, SPEC_BODY);
    WebhookVerifier v = WebhookVerifier.create(Signer.generateEd25519KeyPair().publicKey())
        .withClock(Clock.fixed(Instant.ofEpochSecond(SPEC_TIMESTAMP), ZoneOffset.UTC));

    assertThat(reasonOf(() -> v.verify(SPEC_ID, "" + SPEC_TIMESTAMP, other, SPEC_BODY)))
        .isEqualTo(Reason.NO_MATCHING_SIGNATURE);
  }

  @Test
  void skipsMalformedEntriesOfEveryShapeAndStillFindsTheGoodOne() {
    String junk = "v1,x v1a, v1, , v1,!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!! v1,============================================"
        + " v1a,AAAA v1a" + "A".repeat(88) + " x,y ,,";

    assertThatCode(() -> verifier.verify(SPEC_ID, "" + SPEC_TIMESTAMP, junk + " " + SPEC_SIGNATURE, SPEC_BODY))
        .doesNotThrowAnyException();
  }

  @Test
  void looksAtTheFirstSixteenSignaturesOnly() {
    String fifteen = "v1,x ".repeat(WebhookVerifier.MAX_SIGNATURES - 1);

    assertThatCode(() -> verifier.verify(SPEC_ID, "" + SPEC_TIMESTAMP, fifteen + SPEC_SIGNATURE, SPEC_BODY))
        .doesNotThrowAnyException();
    assertThatThrownBy(() -> verifier.verify(SPEC_ID, "" + SPEC_TIMESTAMP, "v1,x " + fifteen + SPEC_SIGNATURE, SPEC_BODY))
        .isInstanceOf(WebhookVerificationException.class)
        .hasMessageContaining("only the first 16 signatures are looked at");
  }

  @Test
  void aMegabyteOfMalformedEntriesIsRejectedWithTheReason() {
    String huge = "v1,x ".repeat(200_000) + SPEC_SIGNATURE;

    assertThat(reasonOf(() -> verifier.verify(SPEC_ID, "" + SPEC_TIMESTAMP, huge, SPEC_BODY)))
        .isEqualTo(Reason.NO_MATCHING_SIGNATURE);
  }
}
