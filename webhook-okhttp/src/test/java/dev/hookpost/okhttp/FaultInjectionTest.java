package dev.hookpost.okhttp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hookpost.Attempt;
import dev.hookpost.DeliveryListener;
import dev.hookpost.DeliveryOutcome;
import dev.hookpost.Event;
import dev.hookpost.spi.StoredDelivery;
import dev.hookpost.RetryPolicy;
import dev.hookpost.SendHandle;
import dev.hookpost.Subscription;
import dev.hookpost.WebhookPublisher;
import dev.hookpost.testing.Answer;
import dev.hookpost.testing.FakeWebhookReceiver;
import dev.hookpost.testing.ReceivedDelivery;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * 2,000 events to three subscriptions through a receiver that randomly answers 503, 429 with
 * Retry-After, resets connections and stalls: every event reaches every subscription with a
 * valid signature, none is lost, and a webhook id arrives again only after the sender saw that
 * attempt fail (a failure status, a reset, or a timeout, even when the receiver had answered 2xx
 * too late).
 */
class FaultInjectionTest {
  static final int EVENTS = 2_000;

  @RegisterExtension
  static FakeWebhookReceiver receiver = FakeWebhookReceiver.create();

  /** 75 % accept, 10 % 503, 5 % 429 + Retry-After, 5 % reset, 5 % stall past the read timeout. */
  static Supplier<Answer> faults(long seed) {
    Random random = new Random(seed);
    return () -> {
      int roll;
      synchronized (random) {
        roll = random.nextInt(100);
      }
      if (roll < 75) {
        return Answer.ok();
      } else if (roll < 85) {
        return Answer.status(503);
      } else if (roll < 90) {
        return Answer.tooManyRequests(Duration.ofSeconds(1));
      } else if (roll < 95) {
        return Answer.dropConnection();
      }
      return Answer.hang();
    };
  }

  @Test
  @Timeout(value = 240, unit = TimeUnit.SECONDS)
  void everyEventReachesEverySubscriptionDespiteFaults() throws Exception {
    receiver.defaultAnswer(faults(20261122L));
    List<Subscription> subs = List.of(receiver.subscription("/a"), receiver.subscription("/b"),
        receiver.subscription("/c").toBuilder().eventTypes("order.*").build());
    Map<String, List<Attempt>> attempts = new ConcurrentHashMap<>();
    WebhookPublisher.Builder b = WebhookPublisher.builder()
        .listener(new DeliveryListener() {
          @Override
          public void onAttempt(StoredDelivery delivery, Subscription subscription, Attempt attempt) {
            attempts.computeIfAbsent(delivery.eventId() + " " + subscription.endpoint().getPath(),
                k -> new CopyOnWriteArrayList<>()).add(attempt);
          }
        })
        .transport(OkHttpTransport.builder().addressGuard(receiver.addressGuard())
            .readTimeout(Duration.ofMillis(500)).build())
        .retryPolicy(RetryPolicy.exponentialBackoff().initialDelay(Duration.ofMillis(20))
            .maxDelay(Duration.ofMillis(200)).maxAttempts(40).build());
    subs.forEach(b::subscription);
    List<SendHandle> handles = new ArrayList<>(EVENTS);
    List<CompletableFuture<List<DeliveryOutcome>>> outcomes = new ArrayList<>(EVENTS);

    try (WebhookPublisher publisher = b.build()) {
      for (int i = 0; i < EVENTS; i++) {
        SendHandle h = publisher.send(Event.of(i % 2 == 0 ? "order.created" : "invoice.paid", Map.of("n", i)));
        handles.add(h);
        outcomes.add(h.outcomes());
      }
      CompletableFuture.allOf(outcomes.toArray(CompletableFuture[]::new)).get(200, TimeUnit.SECONDS);
    }

    int expected = EVENTS * 2 + EVENTS / 2; // /a and /b hear everything, /c only orders
    List<DeliveryOutcome> all = outcomes.stream().flatMap(f -> f.join().stream()).toList();
    assertThat(all).hasSize(expected).allMatch(o -> o instanceof DeliveryOutcome.Delivered);

    Map<String, List<ReceivedDelivery>> byDelivery = receiver.deliveries().stream()
        .collect(Collectors.groupingBy(d -> d.webhookId() + " " + d.path(), HashMap::new, Collectors.toList()));
    assertThat(byDelivery).hasSize(expected);
    int repeats = 0;
    int repeatsAfterLate2xx = 0;
    for (Map.Entry<String, List<ReceivedDelivery>> e : byDelivery.entrySet()) {
      List<ReceivedDelivery> requests = e.getValue();
      List<Attempt> sent = attempts.get(e.getKey());
      ReceivedDelivery last = requests.get(requests.size() - 1);
      assertThat(requests).as("requests received for %s", e.getKey()).hasSameSizeAs(sent);
      assertThat(last.answer()).as("the last request for %s", e.getKey()).isEqualTo("204");
      assertThat(last.signatureValid()).as("signature of %s", last).isTrue();
      assertThat(sent.get(sent.size() - 1).succeeded()).isTrue();
      for (int i = 0; i < sent.size() - 1; i++) {
        Attempt failed = sent.get(i);
        assertThat(failed.succeeded()).as("attempt %d of %s was retried, so it failed", i + 1, e.getKey()).isFalse();
        if (requests.get(i).answer().equals("204")) { // receiver said yes, the sender did not hear it in time
          assertThat(failed.error()).as("a repeated 2xx for %s follows a timeout or reset", e.getKey()).isPresent();
          repeatsAfterLate2xx++;
        }
      }
      repeats += requests.size() - 1;
    }
    System.out.printf("fault injection: %d events, %d deliveries, all delivered, 0 lost; %d requests in all;"
        + " %d repeated webhook ids, each after a failed attempt; %d of them repeat an accepted delivery"
        + " (2xx answered after the sender's timeout)%n", EVENTS, byDelivery.size(), receiver.deliveries().size(),
        repeats, repeatsAfterLate2xx);
  }
}
