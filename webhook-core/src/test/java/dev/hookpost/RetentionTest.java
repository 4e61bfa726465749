package dev.hookpost;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class RetentionTest {
  private static final Instant NOW = Instant.parse("2030-01-31T00:00:00Z");

  @Test
  void defaultsKeepDeliveredSevenDaysAndDeadLettersThirty() {
    Retention r = Retention.defaults();

    assertThat(r.deliveredBefore(NOW)).contains(NOW.minus(Duration.ofDays(7)));
    assertThat(r.deadLettersBefore(NOW)).contains(NOW.minus(Duration.ofDays(30)));
    assertThat(r.keepsForever()).isFalse();
  }

  @Test
  void foreverHasNoCutOff() {
    assertThat(Retention.forever().keepsForever()).isTrue();
    assertThat(Retention.forever().deliveredBefore(NOW)).isEmpty();
    assertThat(Retention.of(Duration.ofDays(1), null).deadLettersBefore(NOW)).isEmpty();
  }

  @Test
  void aRetentionBelowAnHourIsRefusedNamingTheField() {
    assertThatThrownBy(() -> Retention.of(Duration.ofDays(1), Duration.ofMinutes(5)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("deadLetters").hasMessageContaining("PT5M");
  }
}
