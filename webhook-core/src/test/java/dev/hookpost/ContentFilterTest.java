package dev.hookpost;

import static dev.hookpost.ContentFilter.and;
import static dev.hookpost.ContentFilter.eq;
import static dev.hookpost.ContentFilter.exists;
import static dev.hookpost.ContentFilter.gt;
import static dev.hookpost.ContentFilter.gte;
import static dev.hookpost.ContentFilter.in;
import static dev.hookpost.ContentFilter.lt;
import static dev.hookpost.ContentFilter.lte;
import static dev.hookpost.ContentFilter.not;
import static dev.hookpost.ContentFilter.or;
import static dev.hookpost.ContentFilter.prefix;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The filter language: each operator on a serialized envelope, its JSON form, and its errors. */
class ContentFilterTest {
  static final byte[] ORDER = ("{\"type\":\"order.created\",\"timestamp\":\"2026-12-03T10:00:00Z\",\"data\":"
      + "{\"country\":\"DE\",\"total\":120.5,\"items\":3,\"sku\":\"ABC-123\",\"note\":null,\"a/b\":1}}")
      .getBytes(StandardCharsets.UTF_8);

  static boolean on(ContentFilter f) {
    return f.matches(ORDER);
  }

  @Test
  void eqComparesStringsBooleansAndNumbersByValue() {
    assertThat(on(eq("/data/country", "DE"))).isTrue();
    assertThat(on(eq("/data/country", "AT"))).isFalse();
    assertThat(on(eq("/data/items", 3.0))).isTrue();
    assertThat(on(eq("/data/note", null))).isTrue();
    assertThat(on(eq("/type", "order.created"))).isTrue();
  }

  @Test
  void inMatchesAnyOfItsValues() {
    assertThat(on(in("/data/country", "AT", "DE"))).isTrue();
    assertThat(on(in("/data/country", "AT", "CH"))).isFalse();
  }

  @Test
  void comparisonsOrderNumbersAsNumbersAndStringsLexicographically() {
    assertThat(on(gt("/data/total", 100))).isTrue();
    assertThat(on(gte("/data/items", 3))).isTrue();
    assertThat(on(lt("/data/items", 3))).isFalse();
    assertThat(on(lte("/data/total", 120.5))).isTrue();
    assertThat(on(gte("/timestamp", "2026-12-01"))).isTrue();
    assertThat(on(gt("/data/country", 1))).as("a string never compares with a number").isFalse();
  }

  @Test
  void existsCountsJsonNullAsPresent() {
    assertThat(on(exists("/data/note"))).isTrue();
    assertThat(on(exists("/data/missing"))).isFalse();
  }

  @Test
  void prefixMatchesStringsOnly() {
    assertThat(on(prefix("/data/sku", "ABC-"))).isTrue();
    assertThat(on(prefix("/data/items", "3"))).isFalse();
  }

  @Test
  void aMissingPathMatchesNothingButNot() {
    assertThat(on(eq("/data/missing", null))).isFalse();
    assertThat(on(lt("/data/missing", 5))).isFalse();
    assertThat(on(not(eq("/data/missing", "x")))).isTrue();
  }

  @Test
  void escapedPointerSegmentsReachKeysWithSlashes() {
    assertThat(on(eq("/data/a~1b", 1))).isTrue();
  }

  @Test
  void andOrNotCombine() {
    assertThat(on(and(eq("/data/country", "DE"), gt("/data/total", 100)))).isTrue();
    assertThat(on(and(eq("/data/country", "DE"), gt("/data/total", 200)))).isFalse();
    assertThat(on(or(eq("/data/country", "AT"), gt("/data/total", 100)))).isTrue();
    assertThat(on(not(or(eq("/data/country", "AT"), eq("/data/country", "CH"))))).isTrue();
  }

  @Test
  void theJsonFormReadsBackToAnEqualFilter() {
    ContentFilter f = and(in("/data/country", "DE", "AT"), not(exists("/data/refund")), gte("/data/total", 100),
        or(prefix("/data/sku", "ABC"), eq("/data/vip", true)));

    ContentFilter back = ContentFilter.parse(f.toJson());

    assertThat(back).isEqualTo(f);
    assertThat(on(back)).isTrue();
    assertThat(ContentFilter.parse("{\"op\":\"eq\",\"path\":\"/data/country\",\"value\":\"DE\"}"))
        .isEqualTo(eq("/data/country", "DE"));
  }

  @Test
  void aPathThatIsNotAJsonPointerIsRefusedWithTheFix() {
    assertThatThrownBy(() -> eq("data.country", "DE")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("filter path 'data.country' is not a JSON pointer; start it with '/'");
    assertThatThrownBy(() -> exists("/data/a~2")).hasMessageContaining("has a '~' not followed by 0 or 1");
  }

  @Test
  void malformedFiltersAreRefusedNamingTheProblem() {
    assertThatThrownBy(() -> in("/data/country")).hasMessageContaining("needs at least one value");
    assertThatThrownBy(() -> and()).hasMessageContaining("filter and() needs at least one filter");
    assertThatThrownBy(() -> gt("/data/total", true)).hasMessageContaining("compares with a number or a string");
    assertThatThrownBy(() -> eq("/data/x", java.util.List.of(1))).hasMessageContaining("takes a string, number");
    assertThatThrownBy(() -> ContentFilter.parse("{\"op\":\"like\",\"path\":\"/x\"}"))
        .hasMessageContaining("unknown op 'like'");
    assertThatThrownBy(() -> ContentFilter.parse("{\"op\":\"eq\",\"path\":\"/x\"}")).hasMessageContaining("needs a \"value\"");
    assertThatThrownBy(() -> ContentFilter.parse("{\"op\":\"exists\"}")).hasMessageContaining("filter exists needs a path");
    assertThatThrownBy(() -> ContentFilter.parse("{op")).hasMessageContaining("filter is not valid JSON");
  }

  @Test
  void theJsonFormIsReadStrictlyNamingWhatIsWrong() {
    assertThatThrownBy(() -> ContentFilter.parse("{\"op\":\"exists\",\"path\":\"/a\"} {\"op\":\"x\"}"))
        .hasMessageContaining("filter is not valid JSON").hasMessageContaining("Trailing token");
    assertThatThrownBy(() -> ContentFilter.parse("{\"op\":\"eq\",\"path\":\"/a\",\"value\":1,\"value\":2}"))
        .hasMessageContaining("filter is not valid JSON").hasMessageContaining("Duplicate field 'value'");
    assertThatThrownBy(() -> ContentFilter.parse("{\"op\":\"exists\",\"path\":\"/a\",\"vlaue\":1}"))
        .hasMessageContaining("has an unknown key \"vlaue\"");
    assertThatThrownBy(() -> ContentFilter.parse("{\"op\":\"not\"}"))
        .hasMessageContaining("needs \"filter\": {...}, the filter it negates");
    assertThatThrownBy(() -> ContentFilter.parse("{\"op\":\"prefix\",\"path\":\"/a\",\"value\":5}"))
        .hasMessageContaining("needs a string \"value\" to compare prefixes with, not 5");
  }

  @Test
  void aMalformedFilterInItsJsonFormFailsAtBuildNamingTheSubscriptionAndTheProblem() {
    Subscription.Builder b = SubscriptionTest.valid().id("de-orders")
        .filter("{\"op\":\"eq\",\"path\":\"country\",\"value\":\"DE\"}");

    assertThatThrownBy(b::build).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("subscription de-orders: filter path 'country' is not a JSON pointer");
  }

  @Test
  void aSubscriptionKeepsItsFilterThroughToBuilder() {
    Subscription s = SubscriptionTest.valid().filter("{\"op\":\"exists\",\"path\":\"/data/vip\"}").build();

    assertThat(s.filter()).contains(exists("/data/vip"));
    assertThat(s.toBuilder().build()).isEqualTo(s);
  }
}
