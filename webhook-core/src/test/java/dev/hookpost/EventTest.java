package dev.hookpost;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EventTest {

  @Test
  void generatesAnEvtPrefixedUlidId() {
    assertThat(Event.of("order.created", Map.of()).id()).matches("evt_[0-9A-HJKMNP-TV-Z]{26}");
  }

  @Test
  void generatedIdsAreUniqueAndSortByCreationTime() {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      ids.add(Ids.newId("evt_", 1_700_000_000_000L + i));
    }
    assertThat(ids).isSorted().doesNotHaveDuplicates();
    HashSet<String> many = new HashSet<>();
    for (int i = 0; i < 10_000; i++) {
      many.add(Event.of("t", null).id());
    }
    assertThat(many).hasSize(10_000);
  }

  @Test
  void keepsAnIdTheApplicationSets() {
    Event e = Event.of("order.created", Map.of()).withId("order-A-1001");

    assertThat(e.id()).isEqualTo("order-A-1001");
  }

  @Test
  void rejectsAMissingType() {
    assertThatThrownBy(() -> Event.of(null, Map.of()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("event type is required");
  }

  @Test
  void rejectsABlankType() {
    assertThatThrownBy(() -> Event.of("  ", Map.of())).hasMessageContaining("event type must not be blank");
  }

  @Test
  void rejectsATypeLongerThan255Characters() {
    assertThatThrownBy(() -> Event.of("a".repeat(256), Map.of()))
        .hasMessageContaining("event type is 256 characters long; at most 255");
  }

  @Test
  void rejectsATypeWithASpaceAndSaysWhatIsAllowed() {
    assertThatThrownBy(() -> Event.of("order created", Map.of()))
        .hasMessageContaining("event type 'order created' has a character outside [A-Za-z0-9_.-]");
  }

  @Test
  void rejectsAnIdWithForbiddenCharacters() {
    Event e = Event.of("order.created", Map.of());

    assertThatThrownBy(() -> e.withId("evt/1\n"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("event id 'evt/1\\u000a' has a character outside");
  }

  @Test
  void rejectsAMissingTimestamp() {
    assertThatThrownBy(() -> new Event("evt_1", "t", null, null)).hasMessageContaining("event timestamp is required");
  }

  @Test
  void acceptsTheFullAllowedAlphabet() {
    Event e = new Event("Ab-9_.x", "Z.y-0_", Instant.EPOCH, null);

    assertThat(e.type()).isEqualTo("Z.y-0_");
  }

  @Test
  void carriesATenantAndAnOrderingKeyThroughCopies() {
    Event e = Event.of("order.updated", null).forTenant("acme").withOrderingKey("order-A-1").withId("evt_1");

    assertThat(e.tenant()).isEqualTo("acme");
    assertThat(e.orderingKey()).isEqualTo("order-A-1");
    assertThat(Event.of("order.updated", null).tenant()).isNull();
  }

  @Test
  void rejectsATenantWithAControlCharacter() {
    assertThatThrownBy(() -> Event.of("order.created", null).forTenant("ac\nme"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("event tenant 'ac\\u000ame' holds a control character");
  }

  @Test
  void rejectsABlankOrderingKey() {
    assertThatThrownBy(() -> Event.of("order.created", null).withOrderingKey(""))
        .hasMessageContaining("event ordering key must not be blank; pass null for none");
  }
}
