package dev.hookpost.internal.engine;

import dev.hookpost.spi.DeliveryStore;
import java.util.concurrent.atomic.AtomicBoolean;

/** A store that throws from every call once {@code broken} is set (the database went away). */
final class FailingStore extends ForwardingStore {
  private final AtomicBoolean broken;

  FailingStore(DeliveryStore inner, AtomicBoolean broken) {
    super(inner);
    this.broken = broken;
  }

  @Override
  void beforeEach() {
    if (broken.get()) {
      throw new IllegalStateException("the database is down");
    }
  }
}
