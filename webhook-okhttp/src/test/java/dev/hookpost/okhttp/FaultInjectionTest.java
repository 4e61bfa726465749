package dev.hookpost.okhttp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hookpost.DeliveryOutcome;
import dev.hookpost.Event;
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
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * 2,000 events to three subscriptions through a receiver that randomly answers 503, 429 with
 * Retry-After, resets connections and stalls: every event reaches every subscription with a
 * valid signature, none is lost, and a webhook id arrives twice only after a failed answer.
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
    WebhookPublisher.Builder b = WebhookPublisher.builder()
        .transport(OkHttpTransport.builder().addressGuard(receiver.addressGuard())
            .readTimeout(Duration.ofMillis(300)).build())
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
    int accepted = 0;
    int duplicates = 0;
    for (List<ReceivedDelivery> requests : byDelivery.values()) {
      List<ReceivedDelivery> ok = requests.stream().filter(d -> d.answer().equals("204")).toList();
      assertThat(ok).as("accepted requests for %s", requests.get(0)).hasSize(1);
      assertThat(ok.get(0).signatureValid()).as("signature of %s", ok.get(0)).isTrue();
      // Anything before the accepted request was answered with a failure: no duplicate without a cause.
      assertThat(requests.get(requests.size() - 1)).isSameAs(ok.get(0));
      accepted++;
      duplicates += requests.size() - 1;
    }
    System.out.printf("fault injection: %d events, %d deliveries delivered, %d requests in all, %d repeated"
        + " webhook ids (each after a 503, 429, reset or stall), 0 lost%n", EVENTS, accepted,
        receiver.deliveries().size(), duplicates);
  }
}
