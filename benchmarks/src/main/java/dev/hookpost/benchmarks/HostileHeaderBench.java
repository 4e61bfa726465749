package dev.hookpost.benchmarks;

import dev.hookpost.Signer;
import dev.hookpost.WebhookVerificationException;
import dev.hookpost.WebhookVerifier;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Base64;

/**
 * How long {@link WebhookVerifier} takes to refuse a hostile {@code webhook-signature} header: 1 MB
 * of 200,000 malformed {@code v1,x} entries, beside the loop the verifier had before (split on
 * spaces, decode each entry's base64, catch the exception) on the same header. Also the cost of
 * one ordinary {@code v1} and {@code v1a} signature and verification, for the README.
 *
 * <p>Run: {@code java -cp <core and benchmarks classes> dev.hookpost.benchmarks.HostileHeaderBench}.
 */
public final class HostileHeaderBench {
  private HostileHeaderBench() {}

  public static void main(String[] args) {
    long ts = 1_700_000_000L;
    String id = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    byte[] body = "{\"type\":\"order.created\",\"data\":{}}".getBytes(StandardCharsets.UTF_8);
    String secret = Signer.generateSecret();
    var pair = Signer.generateEd25519KeyPair();
    WebhookVerifier verifier = WebhookVerifier.create(secret, pair.publicKey())
        .withClock(Clock.fixed(Instant.ofEpochSecond(ts), ZoneOffset.UTC));
    String hostile = "v1,x ".repeat(200_000).trim();
    System.out.printf("header: %,d bytes, %,d entries%n", hostile.length(), 200_000);

    double[] ours = time(2_000, 500, () -> refused(verifier, id, ts, hostile, body));
    print("WebhookVerifier refuses it", ours);
    double[] before = time(20, 5, () -> previousLoop(hostile));
    print("the previous split-and-decode loop", before);

    Signer v1 = Signer.standardWebhooks(secret);
    Signer v1a = Signer.standardWebhooks(pair.signingKey());
    String v1Header = v1.sign(id, ts, body);
    String v1aHeader = v1a.sign(id, ts, body);
    print("sign v1 (HMAC-SHA256)", time(20_000, 5_000, () -> v1.sign(id, ts, body)));
    print("sign v1a (Ed25519)", time(2_000, 500, () -> v1a.sign(id, ts, body)));
    print("verify v1", time(20_000, 5_000, () -> verifier.verify(id, "" + ts, v1Header, body)));
    print("verify v1a", time(2_000, 500, () -> verifier.verify(id, "" + ts, v1aHeader, body)));
  }

  private static void refused(WebhookVerifier verifier, String id, long ts, String header, byte[] body) {
    try {
      verifier.verify(id, "" + ts, header, body);
      throw new AssertionError("accepted a hostile header");
    } catch (WebhookVerificationException expected) {
      // the answer we time
    }
  }

  /** WebhookVerifier's loop before the cap, for comparison (its HMAC work for the one secret included). */
  private static void previousLoop(String header) {
    int decoded = 0;
    for (String candidate : header.trim().split(" +")) {
      int comma = candidate.indexOf(',');
      if (comma < 0 || !candidate.substring(0, comma).equals("v1")) {
        continue;
      }
      try {
        decoded += Base64.getDecoder().decode(candidate.substring(comma + 1)).length;
      } catch (IllegalArgumentException e) {
        continue;
      }
    }
    if (decoded < 0) {
      throw new AssertionError();
    }
  }

  /** Milliseconds per call, sorted, after {@code warmup} untimed calls. */
  private static double[] time(int runs, int warmup, Runnable call) {
    for (int i = 0; i < warmup; i++) {
      call.run();
    }
    double[] ms = new double[runs];
    for (int i = 0; i < runs; i++) {
      long start = System.nanoTime();
      call.run();
      ms[i] = (System.nanoTime() - start) / 1e6;
    }
    Arrays.sort(ms);
    return ms;
  }

  private static void print(String what, double[] ms) {
    System.out.printf("%-38s median %.4f ms  p99 %.4f ms  max %.4f ms  (%d runs)%n", what, ms[ms.length / 2],
        ms[(int) (ms.length * 0.99)], ms[ms.length - 1], ms.length);
  }
}
