package dev.hookpost;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The envelope's timestamp text is exactly what java.time's ISO_INSTANT writes. */
class Rfc3339Test {
  static String iso(Instant t) {
    return DateTimeFormatter.ISO_INSTANT.format(t);
  }

  @Test
  void writesWholeSecondsWithoutAFraction() {
    assertThat(Rfc3339.format(Instant.parse("2026-11-23T01:27:07Z"))).isEqualTo("2026-11-23T01:27:07Z");
  }

  @Test
  void writesFractionsInGroupsOfThreeDigits() {
    assertThat(Rfc3339.format(Instant.parse("2026-11-23T01:27:07.120Z"))).isEqualTo("2026-11-23T01:27:07.120Z");
    assertThat(Rfc3339.format(Instant.parse("2026-11-23T01:27:07.000450Z"))).isEqualTo("2026-11-23T01:27:07.000450Z");
    assertThat(Rfc3339.format(Instant.parse("2026-11-23T01:27:07.000000001Z")))
        .isEqualTo("2026-11-23T01:27:07.000000001Z");
  }

  @Test
  void agreesWithIsoInstantAtTheEdges() {
    for (String t : new String[] {"1970-01-01T00:00:00Z", "1969-12-31T23:59:59.999999999Z", "2024-02-29T12:00:00Z",
        "0000-01-01T00:00:00Z", "9999-12-31T23:59:59.999Z", "+10000-01-01T00:00:00Z", "-0001-06-15T08:30:00Z"}) {
      Instant instant = Instant.parse(t);
      assertThat(Rfc3339.format(instant)).as(t).isEqualTo(iso(instant));
    }
    assertThat(Rfc3339.format(Instant.MIN)).isEqualTo(iso(Instant.MIN));
    assertThat(Rfc3339.format(Instant.MAX)).isEqualTo(iso(Instant.MAX));
  }

  @Test
  void agreesWithIsoInstantOnRandomInstants() {
    SplittableRandom random = new SplittableRandom(20261123L);
    long min = Instant.parse("0000-01-01T00:00:00Z").getEpochSecond();
    long max = Instant.parse("9999-12-31T23:59:59Z").getEpochSecond();
    for (int i = 0; i < 100_000; i++) {
      int nanos = switch (i % 4) {
        case 0 -> 0;
        case 1 -> random.nextInt(1_000) * 1_000_000;
        case 2 -> random.nextInt(1_000_000) * 1_000;
        default -> random.nextInt(1_000_000_000);
      };
      Instant instant = Instant.ofEpochSecond(random.nextLong(min, max + 1), nanos);
      assertThat(Rfc3339.format(instant)).isEqualTo(iso(instant));
    }
  }
}
