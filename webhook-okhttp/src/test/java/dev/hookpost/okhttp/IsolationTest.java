package dev.hookpost.okhttp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hookpost.DeliveryOutcome;
import dev.hookpost.Event;
import dev.hookpost.RetryPolicy;
import dev.hookpost.SendHandle;
import dev.hookpost.WebhookPublisher;
import dev.hookpost.testing.Answer;
import dev.hookpost.testing.FakeWebhookReceiver;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** One endpoint that never answers must not delay deliveries to a healthy one. */
class IsolationTest {
  @RegisterExtension
  static FakeWebhookReceiver hanging = FakeWebhookReceiver.create();

  @RegisterExtension
  static FakeWebhookReceiver healthy = FakeWebhookReceiver.create();

  @Test
  void aHealthyEndpointsDeliveriesCompleteWhileAHangingOnesTimeOut() throws Exception {
    hanging.defaultAnswer(Answer.hang());
    OkHttpTransport transport = OkHttpTransport.builder().addressGuard(healthy.addressGuard())
        .readTimeout(Duration.ofMillis(500)).build();
    List<CompletableFuture<List<DeliveryOutcome>>> toHanging = new ArrayList<>();
    List<CompletableFuture<List<DeliveryOutcome>>> toHealthy = new ArrayList<>();
    try (WebhookPublisher publisher = WebhookPublisher.builder().transport(transport)
        .subscription(hanging.subscription().toBuilder().eventTypes("slow.*").build())
        .subscription(healthy.subscription().toBuilder().eventTypes("fast.*").build())
        .maxConcurrencyPerEndpoint(4).retryPolicy(RetryPolicy.none()).shutdownTimeout(Duration.ZERO).build()) {
      for (int i = 0; i < 24; i++) {
        toHanging.add(publisher.send(Event.of("slow.thing", Map.of("n", i))).outcomes());
        SendHandle fast = publisher.send(Event.of("fast.thing", Map.of("n", i)));
        toHealthy.add(fast.outcomes());
      }

      CompletableFuture.allOf(toHealthy.toArray(CompletableFuture[]::new)).get(20, TimeUnit.SECONDS);
      long hangingDone = toHanging.stream().filter(CompletableFuture::isDone).count();

      assertThat(toHealthy).allSatisfy(f -> assertThat(f.join().get(0)).isInstanceOf(DeliveryOutcome.Delivered.class));
      assertThat(hangingDone).as("hanging deliveries finished when the healthy ones were all done")
          .isLessThan(24);
      CompletableFuture.allOf(toHanging.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
      assertThat(toHanging).allSatisfy(f -> assertThat(f.join().get(0)).isInstanceOfSatisfying(
          DeliveryOutcome.GaveUp.class, g -> assertThat(g.lastError()).containsInstanceOf(SocketTimeoutException.class)));
    }
    assertThat(healthy.deliveries()).hasSize(24);
  }
}
