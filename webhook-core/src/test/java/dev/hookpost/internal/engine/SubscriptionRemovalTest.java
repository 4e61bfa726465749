package dev.hookpost.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hookpost.DeliveryOutcome;
import dev.hookpost.Event;
import dev.hookpost.RetryPolicy;
import dev.hookpost.SendHandle;
import dev.hookpost.WebhookPublisher;
import dev.hookpost.spi.DeliveryQuery;
import dev.hookpost.spi.DeliveryState;
import dev.hookpost.spi.TransportResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Removing a subscription ends every delivery of it, whatever it was doing then: each accepted
 * send ends in exactly one outcome, and none waits for an id that will not come back.
 */
class SubscriptionRemovalTest extends EngineFixture {
  private static final String REMOVED = "subscription was removed";

  @Test
  void deliveriesClaimedWhenTheSubscriptionIsRemovedEndSkippedAndTheQueuedOnesAreNotSent() {
    transport.then(transport.hold()); // the first attempt is on the wire; the others wait for the endpoint's slot
    try (WebhookPublisher p = builder().maxConcurrencyPerEndpoint(1).subscription(sub("shipping")).build()) {
      List<SendHandle> sends = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        sends.add(p.send(Event.of("order.created", Map.of())));
      }

      p.subscriptions().remove("shipping");
      transport.held().get(0).complete(TransportResponse.of(503)); // would be retried in 5 s
      time.advance(Duration.ofMinutes(1));

      for (SendHandle send : sends) {
        assertThat(send.outcomes().join()).singleElement().isInstanceOfSatisfying(DeliveryOutcome.Skipped.class,
            s -> assertThat(s.reason()).isEqualTo(REMOVED));
      }
      assertThat(transport.requests()).as("only the one on the wire reached the endpoint").hasSize(1);
      assertThat(heard).hasSize(3);
      assertThat(p.deliveries().find(DeliveryQuery.inState(DeliveryState.PENDING))).isEmpty();
    }
  }

  @Test
  void sendsRacingTheRemovalEachEndInExactlyOneOutcome() throws Exception {
    for (int round = 0; round < 100; round++) {
      List<DeliveryOutcome> told = new java.util.concurrent.CopyOnWriteArrayList<>();
      try (WebhookPublisher p = WebhookPublisher.builder().transport(request -> CompletableFuture.completedFuture(
              TransportResponse.of(503))).retryPolicy(RetryPolicy.fixedSchedule(Duration.ofHours(1)))
          .listener(new dev.hookpost.DeliveryListener() {
            @Override
            public void onOutcome(DeliveryOutcome outcome) {
              told.add(outcome);
            }
          }).subscription(sub("shipping")).shutdownTimeout(Duration.ZERO).build()) {
        int removeAfter = round % 20;
        CountDownLatch halfway = new CountDownLatch(1);
        Thread remover = new Thread(() -> {
          awaitQuietly(halfway);
          p.subscriptions().remove("shipping");
        });
        remover.start();
        List<SendHandle> sends = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
          if (i == removeAfter) {
            halfway.countDown();
          }
          sends.add(p.send(Event.of("order.created", Map.of())));
        }
        remover.join();

        int deliveries = 0;
        for (SendHandle send : sends) {
          List<DeliveryOutcome> outcomes = send.outcomes().get(10, TimeUnit.SECONDS);
          assertThat(outcomes).as("round %d: none if sent after the removal, else one", round).hasSizeLessThan(2)
              .allSatisfy(o -> assertThat(o).isInstanceOfSatisfying(DeliveryOutcome.Skipped.class,
                  s -> assertThat(s.reason()).isEqualTo(REMOVED)));
          deliveries += outcomes.size();
        }
        assertThat(told).as("round %d: each delivery's outcome told once", round).hasSize(deliveries);
        assertThat(p.deliveries().find(DeliveryQuery.inState(DeliveryState.PENDING))).isEmpty();
      }
    }
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
