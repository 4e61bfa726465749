package dev.hookpost.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hookpost.Attempt;
import dev.hookpost.RetryPolicy;
import dev.hookpost.spi.DeliveryState;
import dev.hookpost.spi.EndpointRefusedException;
import dev.hookpost.spi.TransportResponse;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What follows an attempt, decided without clock, store or threads. */
class VerdictTest {
  static final Instant T = Instant.parse("2026-12-01T00:00:00Z");
  static final RetryPolicy FIVE_SECONDS = RetryPolicy.fixedSchedule(Duration.ofSeconds(5));

  static Attempt answered(int number, int status) {
    return Attempt.answered(number, T, Duration.ZERO, TransportResponse.of(status), null);
  }

  @Test
  void a2xxAnswerEndsTheDeliveryDelivered() {
    assertThat(Verdict.of(answered(1, 204), FIVE_SECONDS)).isEqualTo(new Verdict.End(DeliveryState.DELIVERED, null, null));
  }

  @Test
  void aRefusedEndpointEndsItRejectedWithoutAskingThePolicy() {
    Attempt refused = Attempt.failed(1, T, Duration.ZERO, new EndpointRefusedException("127.0.0.1 is loopback"));

    Verdict v = Verdict.of(refused, failed -> {
      throw new AssertionError("the policy was asked");
    });

    assertThat(v).isEqualTo(new Verdict.End(DeliveryState.REJECTED, "127.0.0.1 is loopback", null));
  }

  @Test
  void gone410EndsItFailedAndDisablesTheSubscription() {
    assertThat(Verdict.of(answered(1, 410), FIVE_SECONDS)).isInstanceOfSatisfying(Verdict.End.class, e -> {
      assertThat(e.state()).isEqualTo(DeliveryState.FAILED);
      assertThat(e.disable()).contains("410 Gone");
    });
  }

  @Test
  void aFailureThePolicyRetriesIsRetriedAfterItsDelay() {
    assertThat(Verdict.of(answered(1, 503), FIVE_SECONDS)).isEqualTo(new Verdict.Retry(Duration.ofSeconds(5)));
  }

  @Test
  void aNetworkErrorIsRetriedLikeAFailedAnswer() {
    Attempt error = Attempt.failed(1, T, Duration.ZERO, new IOException("connection reset"));

    assertThat(Verdict.of(error, FIVE_SECONDS)).isEqualTo(new Verdict.Retry(Duration.ofSeconds(5)));
  }

  @Test
  void whenThePolicyStopsTheDeliveryEndsFailedNamingTheLastAnswer() {
    assertThat(Verdict.of(answered(2, 500), RetryPolicy.none())).isInstanceOfSatisfying(Verdict.End.class, e -> {
      assertThat(e.state()).isEqualTo(DeliveryState.FAILED);
      assertThat(e.reason()).contains("gave up after 2 attempt(s)", "HTTP 500");
      assertThat(e.disable()).isNull();
    });
  }

  @Test
  void aPolicyThatThrowsEndsTheDeliveryFailedInsteadOfLosingIt() {
    Verdict v = Verdict.of(answered(1, 503), failed -> {
      throw new IllegalStateException("bug in the policy");
    });

    assertThat(v).isInstanceOfSatisfying(Verdict.End.class, e -> {
      assertThat(e.state()).isEqualTo(DeliveryState.FAILED);
      assertThat(e.reason()).contains("bug in the policy");
    });
  }

  @Test
  void aDelayLongerThanThirtyDaysIsCutToThirtyDays() {
    assertThat(Verdict.of(answered(1, 503), failed -> Optional.of(Duration.ofDays(400))))
        .isEqualTo(new Verdict.Retry(Verdict.MAX_DELAY));
  }

  @Test
  void aNegativeDelayMeansAtOnce() {
    assertThat(Verdict.of(answered(1, 503), failed -> Optional.of(Duration.ofSeconds(-3))))
        .isEqualTo(new Verdict.Retry(Duration.ZERO));
  }
}
