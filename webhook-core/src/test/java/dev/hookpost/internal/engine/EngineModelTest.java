package dev.hookpost.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hookpost.DeliveryListener;
import dev.hookpost.DeliveryOutcome;
import dev.hookpost.Event;
import dev.hookpost.RetryPolicy;
import dev.hookpost.SendHandle;
import dev.hookpost.Subscription;
import dev.hookpost.WebhookPublisher;
import dev.hookpost.spi.DeliveryQuery;
import dev.hookpost.spi.DeliveryState;
import dev.hookpost.spi.DeliveryStore;
import dev.hookpost.spi.StoredDelivery;
import dev.hookpost.spi.TransportResponse;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A randomized model of the engine: several publishers share one store; they send thousands of
 * events, endpoints answer at random (2xx, 5xx, 410, network errors, answers held and released
 * later, after their publisher may have closed), and publishers are closed and restarted at
 * random. At every step, and at the end, the invariant holds: every accepted delivery ends
 * exactly once (one end taken by the store, one final outcome heard across all publishers), and
 * until it ends it is in the store, pending. Every handle completes. Deterministic per seed:
 * manual time, no threads.
 */
class EngineModelTest {
  private static final List<String> SUBSCRIPTIONS = List.of("a", "b", "c");
  private static final Map<String, DeliveryOutcome> lastOutcome = new ConcurrentHashMap<>();
  /** Per publisher instance: outcomes heard per delivery (Abandoned included); never more than one. */
  private static final List<Map<String, AtomicInteger>> perPublisher = new java.util.concurrent.CopyOnWriteArrayList<>();

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
  void everyAcceptedDeliveryEndsExactlyOnceAndStaysInTheStoreUntilItDoes(long seed) {
    Random random = new Random(seed);
    ManualTime time = new ManualTime();
    CountingStore store = new CountingStore(DeliveryStore.inMemory());
    Map<String, AtomicInteger> finalOutcomes = new ConcurrentHashMap<>();
    lastOutcome.clear();
    perPublisher.clear();
    List<CompletableFuture<TransportResponse>> late = new ArrayList<>();
    Map<String, SendHandle> handles = new HashMap<>();
    List<String> accepted = new ArrayList<>();
    WebhookPublisher[] publishers = new WebhookPublisher[3];
    for (int i = 0; i < publishers.length; i++) {
      publishers[i] = publisher(random, time, store, finalOutcomes, late);
    }

    for (int step = 0; step < 3_000; step++) {
      int action = random.nextInt(100);
      int which = random.nextInt(publishers.length);
      if (action < 70) {
        Event e = Event.of("order.created", Map.of("step", step));
        handles.put(e.id(), publishers[which].send(e));
        for (String s : SUBSCRIPTIONS) {
          accepted.add(StoredDelivery.idOf(e.id(), s));
        }
      } else if (action < 88) {
        time.advance(Duration.ofMillis(random.nextInt(8_000)));
      } else if (action < 95 && !late.isEmpty()) {
        late.remove(random.nextInt(late.size())).complete(TransportResponse.of(random.nextBoolean() ? 204 : 503));
      } else if (action >= 95) {
        publishers[which].shutdown(Duration.ZERO);
        publishers[which] = publisher(random, time, store, finalOutcomes, late);
      }
      if (step % 100 == 0) {
        assertNotEndedAreStillPending(store, accepted, finalOutcomes);
      }
    }

    for (WebhookPublisher p : publishers) {
      p.shutdown(Duration.ZERO);
    }
    late.forEach(f -> f.complete(TransportResponse.of(204))); // after their publisher closed: change nothing
    assertNotEndedAreStillPending(store, accepted, finalOutcomes);
    try (WebhookPublisher last = WebhookPublisher.builder().store(store).clock(time.clock())
        .scheduler(time.scheduler()).shutdownTimeout(Duration.ZERO)
        .transport(new ScriptedTransport()).listener(counting(finalOutcomes)).registry(registry()).build()) {
      time.advance(Duration.ofMinutes(5));
    }

    assertThat(store.find(DeliveryQuery.inState(DeliveryState.PENDING))).as("left pending").isEmpty();
    for (String id : accepted) {
      assertThat(finalOutcomes.get(id)).as("final outcomes heard for %s", id).hasValue(1);
      int ends = store.ends.getOrDefault(id, 0);
      if (ends == 0) { // decided at send, never stored: its subscription was disabled there (a 410 elsewhere)
        assertThat(lastOutcome.get(id)).as("outcome of %s, never stored", id)
            .isInstanceOf(DeliveryOutcome.Skipped.class).extracting(DeliveryOutcome::attempts).isEqualTo(0);
      } else {
        assertThat(ends).as("ends the store took for %s", id).isEqualTo(1);
      }
    }
    assertThat(handles.values()).allSatisfy(h -> assertThat(h.outcomes()).isDone());
    assertThat(perPublisher).allSatisfy(heard -> assertThat(heard).allSatisfy(
        (id, n) -> assertThat(n.get()).as("outcomes one publisher reported for %s", id).isEqualTo(1)));
  }

  private static void assertNotEndedAreStillPending(CountingStore store, List<String> accepted,
      Map<String, AtomicInteger> finalOutcomes) {
    List<String> open = accepted.stream().filter(id -> !finalOutcomes.containsKey(id)).toList();
    Map<String, DeliveryState> states = new HashMap<>();
    store.lookup(open).forEach(d -> states.put(d.deliveryId(), d.state()));
    for (String id : open) {
      assertThat(states.get(id)).as("%s, not ended yet", id).isEqualTo(DeliveryState.PENDING);
    }
  }

  private static WebhookPublisher publisher(Random random, ManualTime time, DeliveryStore store,
      Map<String, AtomicInteger> finalOutcomes, List<CompletableFuture<TransportResponse>> late) {
    ScriptedTransport transport = new ScriptedTransport().byDefault(request -> {
      int r = random.nextInt(100);
      if (r < 60) {
        return CompletableFuture.completedFuture(TransportResponse.of(204));
      } else if (r < 80) {
        return CompletableFuture.completedFuture(TransportResponse.of(503));
      } else if (r < 83) {
        return CompletableFuture.completedFuture(TransportResponse.of(410));
      } else if (r < 92) {
        return CompletableFuture.failedFuture(new IOException("connection reset"));
      }
      CompletableFuture<TransportResponse> held = new CompletableFuture<>();
      late.add(held);
      return held;
    });
    return WebhookPublisher.builder().store(store).clock(time.clock()).scheduler(time.scheduler())
        .shutdownTimeout(Duration.ZERO).transport(transport).registry(registry())
        .retryPolicy(RetryPolicy.fixedSchedule(Duration.ofSeconds(1), Duration.ofSeconds(5)))
        .maxConcurrencyPerEndpoint(1 + random.nextInt(4)).listener(counting(finalOutcomes)).build();
  }

  /** A fresh registry per publisher (410 disables a subscription in that publisher's registry only). */
  private static dev.hookpost.SubscriptionRegistry registry() {
    dev.hookpost.SubscriptionRegistry r = dev.hookpost.SubscriptionRegistry.inMemory();
    for (String s : SUBSCRIPTIONS) {
      r.add(Subscription.builder().id(s).endpoint("https://" + s + ".example/hooks").secret(EngineFixture.SECRET)
          .build());
    }
    return r;
  }

  private static DeliveryListener counting(Map<String, AtomicInteger> finalOutcomes) {
    Map<String, AtomicInteger> mine = new ConcurrentHashMap<>();
    perPublisher.add(mine);
    return new DeliveryListener() {
      @Override
      public void onOutcome(DeliveryOutcome o) {
        mine.computeIfAbsent(StoredDelivery.idOf(o.eventId(), o.subscription().id()), k -> new AtomicInteger())
            .incrementAndGet();
        if (!(o instanceof DeliveryOutcome.Abandoned)) {
          lastOutcome.put(StoredDelivery.idOf(o.eventId(), o.subscription().id()), o);
          finalOutcomes.computeIfAbsent(StoredDelivery.idOf(o.eventId(), o.subscription().id()),
              k -> new AtomicInteger()).incrementAndGet();
        }
      }
    };
  }
}
