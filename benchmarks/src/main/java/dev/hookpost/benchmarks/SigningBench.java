package dev.hookpost.benchmarks;

import dev.hookpost.Signer;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/** Hookpost's Standard Webhooks signer against a raw, pre-initialized {@link Mac} doing the same work. */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class SigningBench {
  @Param({"1024", "65536"})
  int size;

  byte[] body;
  Signer signer;
  Mac raw;
  final String id = "evt_01JD5M3Z8QX4Y0N2V7B6T9C1RK";
  final long ts = 1_700_000_000L;

  @Setup
  public void setUp() throws Exception {
    body = new byte[size];
    ThreadLocalRandom.current().nextBytes(body);
    String secret = Signer.generateSecret();
    signer = Signer.standardWebhooks(secret);
    raw = Mac.getInstance("HmacSHA256");
    raw.init(new SecretKeySpec(Base64.getDecoder().decode(secret.substring(6)), "HmacSHA256"));
  }

  @Benchmark
  public String hookpost() {
    return signer.sign(id, ts, body);
  }

  @Benchmark
  public String rawMac() {
    raw.update((id + "." + ts + ".").getBytes(StandardCharsets.UTF_8));
    return "v1," + Base64.getEncoder().encodeToString(raw.doFinal(body));
  }
}
