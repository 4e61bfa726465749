package dev.hookpost.internal.engine;

import dev.hookpost.spi.AttemptRecord;
import dev.hookpost.spi.DeliveryState;
import dev.hookpost.spi.DeliveryStore;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Forwards to a store and counts, per delivery, the ends the store took (its gate). */
final class CountingStore extends ForwardingStore {
  final Map<String, Integer> ends = new ConcurrentHashMap<>();

  CountingStore(DeliveryStore inner) {
    super(inner);
  }

  @Override
  public boolean finish(String id, String owner, DeliveryState state, AttemptRecord attempt, Instant first,
      String reason) {
    boolean took = super.finish(id, owner, state, attempt, first, reason);
    if (took) {
      ends.merge(id, 1, Integer::sum);
    }
    return took;
  }
}
