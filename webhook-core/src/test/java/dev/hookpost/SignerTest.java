package dev.hookpost;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SignerTest {
  // The Standard Webhooks reference test vector (standard-webhooks/standard-webhooks, libraries).
  static final String SPEC_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
  static final String SPEC_ID = "msg_p5jXN8AQM9LWM0D4loKWxJek";
  static final long SPEC_TIMESTAMP = 1614265330;
  static final byte[] SPEC_BODY = "{\"test\": 2432232314}".getBytes(StandardCharsets.UTF_8);
  static final String SPEC_SIGNATURE = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";

  @Test
  void matchesTheSpecTestVectorByteForByte() {
    assertThat(Signer.standardWebhooks(SPEC_SECRET).sign(SPEC_ID, SPEC_TIMESTAMP, SPEC_BODY))
        .isEqualTo(SPEC_SIGNATURE);
  }

  @Test
  void signsWithEverySecretDuringRotation() throws Exception {
    String other = Signer.generateSecret();
    String header = Signer.standardWebhooks(SPEC_SECRET, other).sign(SPEC_ID, SPEC_TIMESTAMP, SPEC_BODY);

    assertThat(header.split(" ")).containsExactly(SPEC_SIGNATURE,
        reference(other, SPEC_ID, SPEC_TIMESTAMP, SPEC_BODY));
  }

  @Test
  void signersWithDifferentSecretsTakingTurnsOnOneThreadEachUseTheirOwn() throws Exception {
    String other = Signer.generateSecret();
    Signer a = Signer.standardWebhooks(SPEC_SECRET);
    Signer b = Signer.standardWebhooks(other);

    assertThat(a.sign(SPEC_ID, SPEC_TIMESTAMP, SPEC_BODY)).isEqualTo(SPEC_SIGNATURE);
    assertThat(b.sign(SPEC_ID, SPEC_TIMESTAMP, SPEC_BODY))
        .isEqualTo(reference(other, SPEC_ID, SPEC_TIMESTAMP, SPEC_BODY));
    assertThat(a.sign(SPEC_ID, SPEC_TIMESTAMP, SPEC_BODY)).isEqualTo(SPEC_SIGNATURE);
  }

  @Test
  void signsCorrectlyFromManyThreadsAtOnce() throws Exception {
    Signer signer = Signer.standardWebhooks(SPEC_SECRET);
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(4);
    try {
      java.util.List<java.util.concurrent.Future<Boolean>> checks = new java.util.ArrayList<>();
      for (int t = 0; t < 4; t++) {
        checks.add(pool.submit(() -> {
          for (int i = 0; i < 2_000; i++) {
            byte[] body = ("{\"n\":" + i + "}").getBytes(StandardCharsets.UTF_8);
            String id = "msg_" + i;
            if (!signer.sign(id, SPEC_TIMESTAMP + i, body)
                .equals(reference(SPEC_SECRET, id, SPEC_TIMESTAMP + i, body))) {
              return false;
            }
          }
          return true;
        }));
      }
      for (java.util.concurrent.Future<Boolean> check : checks) {
        assertThat(check.get(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void signsAnIdWithCharactersBeyondAsciiOverItsUtf8Bytes() throws Exception {
    String id = "msg_é€😀_end";

    assertThat(Signer.standardWebhooks(SPEC_SECRET).sign(id, SPEC_TIMESTAMP, SPEC_BODY))
        .isEqualTo(reference(SPEC_SECRET, id, SPEC_TIMESTAMP, SPEC_BODY));
  }

  @Test
  void signsAVeryLongIdAndThenAShortOneOnTheSameThread() throws Exception {
    Signer signer = Signer.standardWebhooks(SPEC_SECRET);
    String longId = "msg_" + "x".repeat(5_000);

    assertThat(signer.sign(longId, SPEC_TIMESTAMP, SPEC_BODY))
        .isEqualTo(reference(SPEC_SECRET, longId, SPEC_TIMESTAMP, SPEC_BODY));
    assertThat(signer.sign(SPEC_ID, SPEC_TIMESTAMP, SPEC_BODY)).isEqualTo(SPEC_SIGNATURE);
  }

  @Test
  void signsALongerIdAfterAShorterOneOnTheSameThread() throws Exception {
    Signer signer = Signer.standardWebhooks(SPEC_SECRET);
    String longerId = "msg_" + "y".repeat(300);

    assertThat(signer.sign("m", 1, SPEC_BODY)).isEqualTo(reference(SPEC_SECRET, "m", 1, SPEC_BODY));
    assertThat(signer.sign(longerId, SPEC_TIMESTAMP, SPEC_BODY))
        .isEqualTo(reference(SPEC_SECRET, longerId, SPEC_TIMESTAMP, SPEC_BODY));
  }

  @ParameterizedTest
  @ValueSource(longs = {0, 9, 10, 999_999_999_999_999_999L, Long.MAX_VALUE, -1, Long.MIN_VALUE})
  void signsEveryTimestampAsItsDecimalDigits(long timestamp) throws Exception {
    assertThat(Signer.standardWebhooks(SPEC_SECRET).sign(SPEC_ID, timestamp, SPEC_BODY))
        .isEqualTo(reference(SPEC_SECRET, SPEC_ID, timestamp, SPEC_BODY));
  }

  /** The v1 signature of {@code id.timestamp.body} computed the plain way, with a fresh Mac. */
  private static String reference(String secret, String id, long timestamp, byte[] body) throws Exception {
    javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
    mac.init(new javax.crypto.spec.SecretKeySpec(Base64.getDecoder().decode(secret.substring(6)), "HmacSHA256"));
    mac.update((id + "." + timestamp + ".").getBytes(StandardCharsets.UTF_8));
    return "v1," + Base64.getEncoder().encodeToString(mac.doFinal(body));
  }

  @Test
  void generatedSecretsAreWhsecAnd32RandomBytes() {
    String a = Signer.generateSecret();

    assertThat(a).startsWith("whsec_").isNotEqualTo(Signer.generateSecret());
    assertThat(Base64.getDecoder().decode(a.substring(6))).hasSize(32);
  }

  @Test
  void rejectsASecretWithoutThePrefix() {
    assertThatThrownBy(() -> Signer.standardWebhooks("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("secret must start with 'whsec_'")
        .hasMessageContaining("Signer.generateSecret()");
  }

  @Test
  void rejectsASecretThatIsNotBase64() {
    assertThatThrownBy(() -> Signer.standardWebhooks("whsec_not*base64!"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("secret is not valid base64");
  }

  @Test
  void rejectsASecretOfEightBytes() {
    String eight = "whsec_" + Base64.getEncoder().encodeToString(new byte[8]);

    assertThatThrownBy(() -> Signer.standardWebhooks(eight))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("decodes to 8 bytes")
        .hasMessageContaining("24 to 64");
  }

  @Test
  void rejectsASecretOfSixtyFiveBytes() {
    String long65 = "whsec_" + Base64.getEncoder().encodeToString(new byte[65]);

    assertThatThrownBy(() -> Signer.standardWebhooks(long65)).hasMessageContaining("decodes to 65 bytes");
  }

  @Test
  void rejectsNoSecretAtAll() {
    assertThatThrownBy(() -> Signer.standardWebhooks()).hasMessageContaining("secret is required");
  }

  @Test
  void namesWhichRotatedSecretIsMalformed() {
    assertThatThrownBy(() -> Signer.standardWebhooks(SPEC_SECRET, "whsec_AAAA"))
        .hasMessageStartingWith("secret #2 decodes to 3 bytes");
  }
}
