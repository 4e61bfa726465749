package dev.hookpost.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hookpost.Subscription;
import dev.hookpost.spi.DeliveryStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The failing count is read from the store off the sending thread, once per interval, and then stands. */
class BacklogLimitTest {
  private static final Subscription SUB = EngineFixture.sub("shipping");
  private static final long INTERVAL = Duration.ofSeconds(1).toNanos();

  private final AtomicInteger storeCount = new AtomicInteger(5);
  private final AtomicInteger reads = new AtomicInteger();
  private final DeliveryStore store = new ForwardingStore(DeliveryStore.inMemory()) {
    @Override
    public int countFailing(String subscriptionId) {
      reads.incrementAndGet();
      return storeCount.get();
    }
  };
  private final List<Runnable> reader = new ArrayList<>();
  private long now;
  private final BacklogLimit limit = new BacklogLimit(store, 5, Duration.ofNanos(INTERVAL), () -> now, reader::add);

  @Test
  void theSendingThreadNeverAsksTheStoreItHandsOneReadPerIntervalToTheReader() {
    for (int i = 0; i < 100; i++) {
      assertThat(limit.check(SUB)).isNull(); // nothing read yet: only this publisher's own changes count
    }

    assertThat(reads).hasValue(0);
    assertThat(reader).hasSize(1);
  }

  @Test
  void theStoresCountDecidesOnceReadAndThisPublishersChangesAddToIt() {
    limit.check(SUB);
    reader.remove(0).run(); // the store says 5: full

    assertThat(limit.check(SUB)).contains("already has 5 failing deliveries", "maxPendingPerSubscription 5");
    limit.add(SUB.id(), -1);
    assertThat(limit.check(SUB)).isNull();
    assertThat(reader).as("no second read within the interval").isEmpty();
  }

  @Test
  void aCountOlderThanTheIntervalIsReadAgainAndCorrectsTheCache() {
    limit.check(SUB);
    reader.remove(0).run();
    storeCount.set(0); // another publisher's deliveries ended

    now += INTERVAL;
    assertThat(limit.check(SUB)).as("the old count stands until the read lands").isNotNull();
    reader.remove(0).run();

    assertThat(limit.check(SUB)).isNull();
    assertThat(reads).hasValue(2);
  }
}
