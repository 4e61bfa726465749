package dev.hookpost;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.KeyPairGenerator;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Random;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;
import org.junit.jupiter.api.Test;

class Ed25519SigningTest {
  // The Standard Webhooks v1a test vector: standard-webhooks/standard-webhooks,
  // libraries/go/webhook_asymmetric_test.go, TestAsymmetricWebhookSign (raw 32-byte key).
  static final String SPEC_SIGNING_KEY = "whsk_VEVTVFNJR05JTkdLRVlET05PVFVTRVRISVNGT1JBTlk=";
  static final String SPEC_ID = "msg_p5jXN8AQM9LWM0D4loKWxJek";
  static final long SPEC_TIMESTAMP = 1614265330;
  static final byte[] SPEC_BODY = "{\"test\": 2432232314}".getBytes(StandardCharsets.UTF_8);
  static final String SPEC_V1A =
      "v1a,tQ9V2XOqn7jL/DQenEFpqIugdBVtiMmER5mhSkXBNwM0mkATuDe6KYYUuxqtaiHeYGb7KaaBRdM5WqyeFiL8Ag==";
  static final byte[] PKCS8_HEAD = HexFormat.of().parseHex("302e020100300506032b657004220420");
  static final byte[] SPKI_HEAD = HexFormat.of().parseHex("302a300506032b6570032100");

  static byte[] raw(String key) {
    return Base64.getDecoder().decode(key.substring(5));
  }

  static String withHead(String prefix, byte[] head, byte[] raw) {
    byte[] der = new byte[head.length + raw.length];
    System.arraycopy(head, 0, der, 0, head.length);
    System.arraycopy(raw, 0, der, head.length, raw.length);
    return prefix + Base64.getEncoder().encodeToString(der);
  }

  /** The spec key's public half, computed by BouncyCastle, as {@code whpk_} + raw base64. */
  static String specPublicKey() {
    byte[] pub = new Ed25519PrivateKeyParameters(raw(SPEC_SIGNING_KEY)).generatePublicKey().getEncoded();
    return "whpk_" + Base64.getEncoder().encodeToString(pub);
  }

  static WebhookVerifier verifierAt(long timestamp, String... keys) {
    return WebhookVerifier.create(keys).withClock(Clock.fixed(Instant.ofEpochSecond(timestamp), ZoneOffset.UTC));
  }

  @Test
  void matchesTheSpecV1aTestVectorByteForByte() {
    assertThat(Signer.standardWebhooks(SPEC_SIGNING_KEY).sign(SPEC_ID, SPEC_TIMESTAMP, SPEC_BODY)).isEqualTo(SPEC_V1A);
  }

  @Test
  void signsTheSameWithTheKeyWrittenAsPkcs8Der() {
    String der = withHead("whsk_", PKCS8_HEAD, raw(SPEC_SIGNING_KEY));

    assertThat(Signer.standardWebhooks(der).sign(SPEC_ID, SPEC_TIMESTAMP, SPEC_BODY)).isEqualTo(SPEC_V1A);
  }

  @Test
  void verifiesTheSpecVectorWithThePublicKeyRawOrAsSpkiDer() {
    String spki = withHead("whpk_", SPKI_HEAD, raw(specPublicKey()));

    assertThatCode(() -> verifierAt(SPEC_TIMESTAMP, specPublicKey()).verify(SPEC_ID, "" + SPEC_TIMESTAMP, SPEC_V1A, SPEC_BODY))
        .doesNotThrowAnyException();
    assertThatCode(() -> verifierAt(SPEC_TIMESTAMP, spki).verify(SPEC_ID, "" + SPEC_TIMESTAMP, SPEC_V1A, SPEC_BODY))
        .doesNotThrowAnyException();
  }

  @Test
  void generatesAPairOfRawKeysThatSignAndVerify() {
    Ed25519KeyPair pair = Signer.generateEd25519KeyPair();
    String header = Signer.standardWebhooks(pair.signingKey()).sign(SPEC_ID, SPEC_TIMESTAMP, SPEC_BODY);

    assertThat(pair.signingKey()).startsWith("whsk_");
    assertThat(pair.publicKey()).startsWith("whpk_");
    assertThat(raw(pair.signingKey())).hasSize(32);
    assertThat(raw(pair.publicKey())).hasSize(32);
    assertThat(pair.toString()).doesNotContain(pair.signingKey());
    assertThatCode(() -> verifierAt(SPEC_TIMESTAMP, pair.publicKey()).verify(SPEC_ID, "" + SPEC_TIMESTAMP, header, SPEC_BODY))
        .doesNotThrowAnyException();
  }

  @Test
  void bouncyCastleAndHookpostSignAlikeAndVerifyEachOtherOverRandomMessages() {
    Random random = new Random(17);
    for (int i = 0; i < 200; i++) {
      byte[] seed = new byte[32];
      random.nextBytes(seed);
      Ed25519PrivateKeyParameters bcKey = new Ed25519PrivateKeyParameters(seed);
      String signingKey = "whsk_" + Base64.getEncoder().encodeToString(seed);
      String publicKey = "whpk_" + Base64.getEncoder().encodeToString(bcKey.generatePublicKey().getEncoded());
      String id = "msg_" + randomText(random);
      long timestamp = random.nextInt(2_000_000_000);
      byte[] body = new byte[random.nextInt(4096)];
      random.nextBytes(body);
      byte[] signed = (id + "." + timestamp + ".").getBytes(StandardCharsets.UTF_8);
      byte[] content = new byte[signed.length + body.length];
      System.arraycopy(signed, 0, content, 0, signed.length);
      System.arraycopy(body, 0, content, signed.length, body.length);

      String ours = Signer.standardWebhooks(signingKey).sign(id, timestamp, body);
      Ed25519Signer bcVerifier = new Ed25519Signer();
      bcVerifier.init(false, new Ed25519PublicKeyParameters(raw(publicKey)));
      bcVerifier.update(content, 0, content.length);
      assertThat(bcVerifier.verifySignature(Base64.getDecoder().decode(ours.substring(4)))).as("BC verifies #%d", i).isTrue();

      Ed25519Signer bcSigner = new Ed25519Signer();
      bcSigner.init(true, bcKey);
      bcSigner.update(content, 0, content.length);
      String theirs = "v1a," + Base64.getEncoder().encodeToString(bcSigner.generateSignature());
      assertThat(theirs).as("Ed25519 is deterministic: same signature #%d", i).isEqualTo(ours);
      assertThatCode(() -> verifierAt(timestamp, publicKey).verify(id, "" + timestamp, theirs, body))
          .as("Hookpost verifies BC's #%d", i).doesNotThrowAnyException();
    }
  }

  private static String randomText(Random random) {
    StringBuilder s = new StringBuilder();
    int n = 1 + random.nextInt(40);
    for (int i = 0; i < n; i++) {
      s.appendCodePoint(random.nextInt(10) == 0 ? 0xe9 + random.nextInt(300) : 'a' + random.nextInt(26));
    }
    return s.toString();
  }

  @Test
  void rejectsASigningKeyThatIsNotBase64NamingTheField() {
    assertThatThrownBy(() -> Subscription.builder().endpoint("https://a.example/h").secret("whsk_not*base64!").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("secret is not valid base64 after 'whsk_'")
        .hasMessageContaining("Signer.generateEd25519KeyPair()");
  }

  @Test
  void rejectsASigningKeyOfThirtyOneBytesNamingTheFormat() {
    String short31 = "whsk_" + Base64.getEncoder().encodeToString(new byte[31]);

    assertThatThrownBy(() -> Subscription.builder().endpoint("https://a.example/h")
        .secrets(Signer.generateSecret(), short31).build())
        .hasMessageStartingWith("secret #2 decodes to 31 bytes that are not an Ed25519 signing key")
        .hasMessageContaining("raw 32-byte key or of its PKCS#8 DER encoding");
  }

  @Test
  void rejectsAnEd448KeyInPkcs8() throws Exception {
    byte[] ed448 = KeyPairGenerator.getInstance("Ed448").generateKeyPair().getPrivate().getEncoded();
    String key = "whsk_" + Base64.getEncoder().encodeToString(ed448);

    assertThatThrownBy(() -> Signer.standardWebhooks(key)).hasMessageContaining("not an Ed25519 signing key");
  }

  @Test
  void rejectsAMalformedPublicKeyNamingTheFormat() {
    String bad = "whpk_" + Base64.getEncoder().encodeToString(new byte[20]);

    assertThatThrownBy(() -> WebhookVerifier.create(Signer.generateSecret(), bad))
        .hasMessageStartingWith("secret #2 decodes to 20 bytes that are not an Ed25519 public key")
        .hasMessageContaining("SubjectPublicKeyInfo");
  }

  @Test
  void refusesASigningKeyOnTheReceiverSide() {
    assertThatThrownBy(() -> WebhookVerifier.create(SPEC_SIGNING_KEY))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("whpk_ public key");
  }
}
