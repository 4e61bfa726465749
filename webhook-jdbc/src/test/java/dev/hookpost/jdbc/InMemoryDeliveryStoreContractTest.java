package dev.hookpost.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hookpost.spi.DeliveryStore;
import org.junit.jupiter.api.Test;

/** The contract against the default store, so the JDBC stores are held to what it does. */
class InMemoryDeliveryStoreContractTest extends DeliveryStoreContract {
  @Override
  DeliveryStore newStore(MutableClock clock) {
    return DeliveryStore.inMemory();
  }

  @Test
  void isNotDurable() {
    assertThat(store.durable()).isFalse();
  }
}
