package dev.hookpost;

import dev.hookpost.spi.TransportResponse;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {
  static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  static Attempt status(int number, int status, Duration since) {
    return Attempt.answered(number, T0.plus(since), since, TransportResponse.of(status), null);
  }

  static Attempt status(int number, int status) {
    return status(number, status, Duration.ZERO);
  }

  static Attempt retryAfter(int number, Duration retryAfter) {
    return Attempt.answered(number, T0, Duration.ZERO, TransportResponse.of(429), retryAfter);
  }

  @Test
  void standardScheduleIsTheStandardWebhooksSchedule() {
    RetryPolicy p = RetryPolicy.standardSchedule();
    List<Duration> delays = new ArrayList<>();
    for (int n = 1; ; n++) {
      Optional<Duration> d = p.nextDelay(status(n, 503));
      if (d.isEmpty()) {
        break;
      }
      delays.add(d.get());
    }
    assertThat(delays).containsExactly(Duration.ofSeconds(5), Duration.ofMinutes(5), Duration.ofMinutes(30),
        Duration.ofHours(2), Duration.ofHours(5), Duration.ofHours(10), Duration.ofHours(10));
  }

  @Test
  void noneNeverRetries() {
    assertThat(RetryPolicy.none().nextDelay(status(1, 503))).isEmpty();
  }

  @Test
  void exponentialBackoffWithFullJitterStaysUnderTheGrowingBound() {
    RetryPolicy top = RetryPolicy.exponentialBackoff().initialDelay(Duration.ofSeconds(1)).multiplier(2)
        .maxDelay(Duration.ofSeconds(10)).random(() -> 0.999999).build();

    assertThat(top.nextDelay(status(1, 503))).hasValueSatisfying(d -> assertThat(d).isBetween(
        Duration.ofMillis(999), Duration.ofSeconds(1)));
    assertThat(top.nextDelay(status(3, 503))).hasValueSatisfying(d -> assertThat(d).isBetween(
        Duration.ofMillis(3999), Duration.ofSeconds(4)));
    assertThat(top.nextDelay(status(8, 503))).hasValueSatisfying(d -> assertThat(d).isBetween(
        Duration.ofMillis(9999), Duration.ofSeconds(10)));
  }

  @Test
  void fullJitterCanChooseAnyDelayFromZero() {
    RetryPolicy bottom = RetryPolicy.exponentialBackoff().random(() -> 0.0).build();
    RetryPolicy middle = RetryPolicy.exponentialBackoff().random(() -> 0.5).build();

    assertThat(bottom.nextDelay(status(4, 503))).contains(Duration.ZERO);
    assertThat(middle.nextDelay(status(4, 503))).contains(Duration.ofSeconds(4));
  }

  @Test
  void exponentialBackoffStopsAtMaxAttempts() {
    RetryPolicy p = RetryPolicy.exponentialBackoff().maxAttempts(3).build();

    assertThat(p.nextDelay(status(2, 503))).isPresent();
    assertThat(p.nextDelay(status(3, 503))).isEmpty();
  }

  @Test
  void exponentialBackoffStopsWhenTheNextTryWouldPassMaxTotalTime() {
    RetryPolicy p = RetryPolicy.exponentialBackoff().maxTotalTime(Duration.ofMinutes(10)).random(() -> 0.5)
        .initialDelay(Duration.ofMinutes(2)).maxDelay(Duration.ofMinutes(2)).build();

    assertThat(p.nextDelay(status(2, 503, Duration.ofMinutes(8)))).contains(Duration.ofMinutes(1));
    assertThat(p.nextDelay(status(2, 503, Duration.ofMinutes(9).plusSeconds(1)))).isEmpty();
  }

  @Test
  void retriesNetworkErrorsToo() {
    Attempt timeout = Attempt.failed(1, T0, Duration.ZERO, new IOException("timeout"));

    assertThat(RetryPolicy.standardSchedule().nextDelay(timeout)).contains(Duration.ofSeconds(5));
  }

  @Test
  void honoursALongerRetryAfter() {
    assertThat(RetryPolicy.standardSchedule().nextDelay(retryAfter(1, Duration.ofSeconds(30))))
        .contains(Duration.ofSeconds(30));
  }

  @Test
  void keepsItsOwnDelayWhenRetryAfterIsShorter() {
    assertThat(RetryPolicy.standardSchedule().nextDelay(retryAfter(2, Duration.ofSeconds(30))))
        .contains(Duration.ofMinutes(5));
  }

  @Test
  void capsRetryAfterAtThePolicysMaxDelay() {
    RetryPolicy p = RetryPolicy.exponentialBackoff().maxDelay(Duration.ofMinutes(1)).random(() -> 0).build();

    assertThat(p.nextDelay(retryAfter(1, Duration.ofDays(3)))).contains(Duration.ofMinutes(1));
    assertThat(RetryPolicy.fixedSchedule(Duration.ofSeconds(1), Duration.ofSeconds(2))
        .nextDelay(retryAfter(1, Duration.ofDays(3)))).contains(Duration.ofSeconds(2));
  }

  @Test
  void giveUpWhenMakesChosenAnswersFinal() {
    RetryPolicy p = RetryPolicy.standardSchedule().giveUpWhen(a -> a.hasStatus(400));

    assertThat(p.nextDelay(status(1, 400))).isEmpty();
    assertThat(p.nextDelay(status(1, 500))).contains(Duration.ofSeconds(5));
  }

  @Test
  void fixedScheduleAllowsOneMoreAttemptThanDelays() {
    RetryPolicy p = RetryPolicy.fixedSchedule(Duration.ofSeconds(1));

    assertThat(p.nextDelay(status(1, 503))).contains(Duration.ofSeconds(1));
    assertThat(p.nextDelay(status(2, 503))).isEmpty();
  }

  @Test
  void builderRejectsBadValuesNamingThem() {
    assertThatThrownBy(() -> RetryPolicy.exponentialBackoff().maxAttempts(0))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("maxAttempts must be at least 1, was 0");
    assertThatThrownBy(() -> RetryPolicy.exponentialBackoff().multiplier(0.5))
        .hasMessageContaining("multiplier must be a finite number >= 1.0");
    assertThatThrownBy(() -> RetryPolicy.exponentialBackoff().initialDelay(Duration.ZERO))
        .hasMessageContaining("initialDelay must be a positive Duration");
    assertThatThrownBy(() -> RetryPolicy.exponentialBackoff().initialDelay(Duration.ofHours(2)).build())
        .hasMessageContaining("initialDelay (PT2H) must not exceed maxDelay (PT1H)");
    assertThatThrownBy(() -> RetryPolicy.fixedSchedule(Duration.ofSeconds(-1)))
        .hasMessageContaining("delays[0] is negative");
  }
}
