package dev.hookpost.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class RetryAfterTest {
  static final Instant NOW = Instant.parse("2015-10-21T07:28:00Z");

  @Test
  void readsDelaySeconds() {
    assertThat(RetryAfter.parse("120", NOW)).isEqualTo(Duration.ofMinutes(2));
  }

  @Test
  void readsAnHttpDateRelativeToTheClock() {
    assertThat(RetryAfter.parse("Wed, 21 Oct 2015 07:30:00 GMT", NOW)).isEqualTo(Duration.ofMinutes(2));
  }

  @Test
  void anHttpDateInThePastMeansNoWait() {
    assertThat(RetryAfter.parse("Wed, 21 Oct 2015 07:00:00 GMT", NOW)).isEqualTo(Duration.ZERO);
  }

  @Test
  void readsTheObsoleteRfc850AndAsctimeDates() {
    assertThat(RetryAfter.parse("Wednesday, 21-Oct-15 07:30:00 GMT", NOW)).isEqualTo(Duration.ofMinutes(2));
    assertThat(RetryAfter.parse("Wed Oct 21 07:30:00 2015", NOW)).isEqualTo(Duration.ofMinutes(2));
  }

  @Test
  void capsAHugeDelayAtADay() {
    assertThat(RetryAfter.parse("99999999999999999999", NOW)).isEqualTo(Duration.ofDays(1));
    assertThat(RetryAfter.parse("604800", NOW)).isEqualTo(Duration.ofDays(1));
  }

  @Test
  void ignoresGarbage() {
    assertThat(RetryAfter.parse("soon", NOW)).isNull();
    assertThat(RetryAfter.parse("-5", NOW)).isNull();
    assertThat(RetryAfter.parse("", NOW)).isNull();
    assertThat(RetryAfter.parse(null, NOW)).isNull();
  }
}
