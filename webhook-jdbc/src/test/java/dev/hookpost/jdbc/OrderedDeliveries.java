package dev.hookpost.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hookpost.Event;
import dev.hookpost.RetryPolicy;
import dev.hookpost.Subscription;
import dev.hookpost.WebhookHeaders;
import dev.hookpost.WebhookPublisher;
import dev.hookpost.spi.DeliveryStore;
import dev.hookpost.spi.Transport;
import dev.hookpost.spi.TransportResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import javax.sql.DataSource;

/**
 * Sends events with ordering keys to a receiver that fails 30% of attempts at random and answers
 * after 0-2 ms, then checks that for every key and subscription the order of first successful
 * deliveries is the send order, and that no two deliveries of one key were ever in flight to one
 * endpoint at once. Closes the publishers it made. Used by {@link OrderingKeysTest} and
 * {@link PostgresDeliveryStoreTest}.
 */
final class OrderedDeliveries implements AutoCloseable {
  private static final int KEYS = 6;
  private static final int PER_KEY = 8;
  private static final List<String> SUBSCRIPTIONS = List.of("shipping", "billing");
  private static final RetryPolicy MANY_QUICK_RETRIES = RetryPolicy.fixedSchedule(
      Collections.nCopies(40, Duration.ofMillis(5)).toArray(new Duration[0]));

  private static final AtomicInteger TABLES = new AtomicInteger();
  private final FlakyReceiver receiver = new FlakyReceiver(new Random(19));
  private final List<WebhookPublisher> publishers = new ArrayList<>();

  @Override
  public void close() {
    for (WebhookPublisher p : publishers) {
        int[] c = EngineCaches.of(p);
      p.close();
    }
    receiver.answers.shutdownNow();
  }

  /** One publisher on the in-memory store sends every event. */
  void oneInMemoryPublisher() {
    WebhookPublisher p = publisher(DeliveryStore.inMemory());
    for (Event e : events()) {
      p.send(e);
    }
  }

  /**
   * Two publishers, each with its own store over {@code database}, send the events in turn; half
   * way one is closed and replaced by a new one (a restart).
   */
  void twoInstancesAndARestart(Supplier<DataSource> database) {
    String prefix = "ordered" + TABLES.incrementAndGet() + "_";
    Supplier<WebhookPublisher> instance = () -> publisher(
        JdbcDeliveryStore.builder(new PooledDataSource(database.get(), 4)).tablePrefix(prefix).build());
    WebhookPublisher a = instance.get();
    WebhookPublisher b = instance.get();
    List<Event> events = events();
    for (int i = 0; i < events.size(); i++) {
      if (i == events.size() / 2) {
        a.close(); // waits for its attempts on the wire, hands the rest back to the store
        a = instance.get();
      }
      (i % 2 == 0 ? a : b).send(events.get(i));
    }
  }

  private WebhookPublisher publisher(DeliveryStore store) {
    WebhookPublisher.Builder builder = WebhookPublisher.builder().store(store).transport(receiver.transport())
        .retryPolicy(MANY_QUICK_RETRIES).pollInterval(Duration.ofMillis(50)).lease(Duration.ofMinutes(5));
    for (String s : SUBSCRIPTIONS) {
      builder.subscription(Subscription.builder().id(s).endpoint("https://" + s + ".example/hooks")
          .secret("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").build());
    }
    WebhookPublisher p = builder.build();
    publishers.add(p);
    return p;
  }

  /** {@code PER_KEY} events of each of {@code KEYS} keys, the keys interleaved. */
  private List<Event> events() {
    List<Event> events = new ArrayList<>();
    for (int i = 0; i < PER_KEY; i++) {
      for (int k = 0; k < KEYS; k++) {
        Event e = Event.of("order.updated", Map.of("n", i)).withId("evt_k" + k + "_" + i).withOrderingKey("order-" + k);
        receiver.keyOf.put(e.id(), e.orderingKey());
        receiver.sent.computeIfAbsent(e.orderingKey(), x -> new ArrayList<>()).add(e.id());
        events.add(e);
      }
    }
    return events;
  }

  /** Waits until every delivery succeeded once, and checks the order of first successes per key. */
  void assertDeliveredInSendOrder() throws InterruptedException {
    assertThat(receiver.allDelivered.await(90, TimeUnit.SECONDS)).as("every delivery succeeded once").isTrue();
    System.out.printf("ordering keys: %d requests, %d failed at random%n", receiver.requests.get(),
        receiver.failed.get());
    assertThat(receiver.failed.get()).as("attempts the receiver failed").isPositive();
    for (String s : SUBSCRIPTIONS) {
      for (int k = 0; k < KEYS; k++) {
        String key = "order-" + k;
        assertThat(receiver.firstSuccesses.get("https://" + s + ".example/hooks|" + key))
            .as("first successes of %s at %s", key, s).isEqualTo(receiver.sent.get(key));
      }
    }
    assertThat(receiver.overlaps.get()).as("times two deliveries of one key were in flight to one endpoint").isZero();
  }

  /** A receiver that fails 30% of attempts, answering on its own threads after 0-2 ms. Thread-safe. */
  static final class FlakyReceiver {
    final Random random;
    final ScheduledExecutorService answers = Executors.newScheduledThreadPool(2);
    final Map<String, String> keyOf = new ConcurrentHashMap<>();
    final Map<String, List<String>> sent = new HashMap<>();
    final Map<String, AtomicInteger> inFlight = new ConcurrentHashMap<>();
    final Map<String, List<String>> firstSuccesses = new ConcurrentHashMap<>();
    final Set<String> succeeded = ConcurrentHashMap.newKeySet();
    final AtomicInteger overlaps = new AtomicInteger();
    final AtomicInteger requests = new AtomicInteger();
    final AtomicInteger failed = new AtomicInteger();
    final CountDownLatch allDelivered = new CountDownLatch(KEYS * PER_KEY * SUBSCRIPTIONS.size());

    FlakyReceiver(Random random) {
      this.random = random;
    }

    Transport transport() {
      return request -> {
        requests.incrementAndGet();
        String id = request.header(WebhookHeaders.ID);
        String lane = request.endpoint() + "|" + keyOf.get(id);
        AtomicInteger lanes = inFlight.computeIfAbsent(lane, x -> new AtomicInteger());
        if (lanes.incrementAndGet() > 1) {
          overlaps.incrementAndGet();
        }
        boolean ok;
        int delay;
        synchronized (random) {
          ok = random.nextInt(10) >= 3;
          delay = random.nextInt(3);
        }
        CompletableFuture<TransportResponse> answer = new CompletableFuture<>();
        answers.schedule(() -> {
          lanes.decrementAndGet();
          if (!ok) {
            failed.incrementAndGet();
          } else if (succeeded.add(request.endpoint() + "|" + id)) {
            firstSuccesses.computeIfAbsent(lane, x -> Collections.synchronizedList(new ArrayList<>())).add(id);
            allDelivered.countDown();
          }
          answer.complete(TransportResponse.of(ok ? 204 : 500));
        }, delay, TimeUnit.MILLISECONDS);
        return answer;
      };
    }
  }
}
