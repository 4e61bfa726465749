package dev.hookpost.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SqliteTimesTest {
  private static final DateTimeFormatter REFERENCE = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'")
      .withZone(ZoneOffset.UTC);

  @Test
  void writesTheSameTextAsTheFormatterForRandomInstantsOfEveryCentury() {
    SplittableRandom random = new SplittableRandom(18);
    for (int i = 0; i < 100_000; i++) {
      Instant t = Instant.ofEpochSecond(random.nextLong(-100_000_000_000L, 300_000_000_000L), random.nextInt(1_000_000_000));
      assertThat(SqliteTimes.format(t)).as("%s", t).isEqualTo(REFERENCE.format(t));
    }
  }

  @Test
  void writesTheEdgesOfTheFastRangeLikeTheFormatter() {
    for (Instant t : new Instant[] {Instant.EPOCH, Instant.parse("1999-12-31T23:59:59.999Z"),
        Instant.parse("2024-02-29T12:00:00.001Z"), Instant.parse("9999-12-31T23:59:59.999Z"),
        Instant.parse("+10000-01-01T00:00:00Z"), Instant.ofEpochSecond(-1, 999_999_999)}) {
      assertThat(SqliteTimes.format(t)).as("%s", t).isEqualTo(REFERENCE.format(t));
    }
  }

  @Test
  void readsBackWhatItWrites() {
    Instant t = Instant.parse("2031-07-04T05:06:07.089Z");
    assertThat(SqliteTimes.parse(SqliteTimes.format(t)).toInstant()).isEqualTo(t);
  }
}
