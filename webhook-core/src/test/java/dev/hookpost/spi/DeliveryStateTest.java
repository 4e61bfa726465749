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
  void deliveredAndSkippedAreFinal() {
    for (DeliveryState next : DeliveryState.values()) {
      assertThat(DeliveryState.DELIVERED.canMoveTo(next)).isFalse();
      assertThat(DeliveryState.SKIPPED.canMoveTo(next)).isFalse();
    }
  }

  @Test
  void deadLettersMayOnlyGoBackToPending() {
    assertThat(DeliveryState.sources(DeliveryState.PENDING))
        .isEqualTo(EnumSet.of(DeliveryState.PENDING, DeliveryState.FAILED, DeliveryState.REJECTED));
    assertThat(DeliveryState.FAILED.canMoveTo(DeliveryState.DELIVERED)).isFalse();
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
