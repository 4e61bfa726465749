package dev.hookpost.micrometer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hookpost.DeliveryOutcome;
import dev.hookpost.Subscription;
import org.junit.jupiter.api.Test;

/** The bounded subscription tag and the outcome names: pure. */
class SubscriptionTagsTest {
  @Test
  void keepsTheFirstIdsSeenForeverAndCallsTheRestOther() {
    SubscriptionTags tags = SubscriptionTags.upTo(2);

    assertThat(tags.value("a")).isEqualTo("a");
    assertThat(tags.value("b")).isEqualTo("b");
    assertThat(tags.value("c")).isEqualTo(SubscriptionTags.OTHER);
    assertThat(tags.value("a")).isEqualTo("a");
  }

  @Test
  void withoutABoundThereIsNoSubscriptionTag() {
    Subscription s = Subscription.builder().endpoint("https://receiver.example/a").secret(dev.hookpost.Signer
        .generateSecret()).build();

    assertThat(SubscriptionTags.none().tags(s)).isEmpty();
  }

  @Test
  void outcomeNamesAreSnakeCase() {
    Subscription s = Subscription.builder().endpoint("https://receiver.example/a").secret(dev.hookpost.Signer
        .generateSecret()).build();

    assertThat(HookpostMetrics.outcomeName(new DeliveryOutcome.GaveUp("evt_1", s, 0, null, "full")))
        .isEqualTo("gave_up");
    assertThat(HookpostMetrics.outcomeName(new DeliveryOutcome.Skipped("evt_1", s, 0, "disabled")))
        .isEqualTo("skipped");
  }
}
