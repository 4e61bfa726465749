package dev.hookpost.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.EnumSet;
import org.junit.jupiter.api.Test;

/** The one rule of which state changes a delivery may make. */
class DeliveryStateTest {

  @Test
  void aPendingDeliveryMayBeRescheduledOrEndInAnyFinalState() {
    for (DeliveryState next : DeliveryState.values()) {
      assertThat(DeliveryState.PENDING.canMoveTo(next)).as("PENDING -> %s", next).isTrue();
    }
  }

  @Test
  void deliveredIsFinal() {
    for (DeliveryState next : DeliveryState.values()) {
      assertThat(DeliveryState.DELIVERED.canMoveTo(next)).isFalse();
    }
  }

  @Test
  void deadLettersAndSkippedMayOnlyGoBackToPending() {
    assertThat(DeliveryState.sources(DeliveryState.PENDING)).isEqualTo(EnumSet.of(DeliveryState.PENDING,
        DeliveryState.FAILED, DeliveryState.REJECTED, DeliveryState.SKIPPED));
    assertThat(DeliveryState.FAILED.canMoveTo(DeliveryState.DELIVERED)).isFalse();
    assertThat(DeliveryState.SKIPPED.canMoveTo(DeliveryState.DELIVERED)).isFalse();
  }

  @Test
  void onlyAPendingDeliveryCanEnd() {
    assertThat(DeliveryState.sources(DeliveryState.DELIVERED)).containsExactly(DeliveryState.PENDING);
  }

  @Test
  void aForbiddenChangeNamesBothStates() {
    assertThatThrownBy(() -> DeliveryState.DELIVERED.checkMove(DeliveryState.FAILED))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("from DELIVERED to FAILED").hasMessageContaining("final");
  }
}
