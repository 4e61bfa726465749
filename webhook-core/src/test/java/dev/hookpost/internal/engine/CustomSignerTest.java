package dev.hookpost.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.hookpost.Attempt;
import dev.hookpost.DeliveryListener;
import dev.hookpost.DeliveryOutcome;
import dev.hookpost.Event;
import dev.hookpost.SendHandle;
import dev.hookpost.Signer;
import dev.hookpost.Subscription;
import dev.hookpost.WebhookHeaders;
import dev.hookpost.WebhookPublisher;
import dev.hookpost.spi.StoredDelivery;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A subscription's own signer (a KMS, say): used for every attempt, and a failing or slow one holds up nobody else. */
@Timeout(30) // a signer run inline would hang these tests: fail them instead
class CustomSignerTest extends EngineFixture {
  final BlockingQueue<Attempt> retried = new LinkedBlockingQueue<>();
  final BlockingQueue<DeliveryOutcome> outcomes = new LinkedBlockingQueue<>();
  final DeliveryListener listener = new DeliveryListener() {
    @Override
    public void onRetryScheduled(StoredDelivery delivery, Subscription subscription, Attempt failed, Duration delay) {
      retried.add(failed);
    }

    @Override
    public void onOutcome(DeliveryOutcome outcome) {
      outcomes.add(outcome);
    }
  };

  static Subscription signedBy(String id, Signer signer) {
    return Subscription.builder().id(id).endpoint("https://" + id + ".example/hooks").signer(signer).build();
  }

  WebhookPublisher publisher(Subscription... subscriptions) {
    WebhookPublisher.Builder b = builder().listener(listener);
    for (Subscription s : subscriptions) {
      b.subscription(s);
    }
    return b.build();
  }

  @Test
  void everyAttemptIsSignedByTheSubscriptionsOwnSignerWithItsIdAndTimestamp() throws Exception {
    BlockingQueue<String> calls = new LinkedBlockingQueue<>();
    Signer kms = (id, timestamp, body) -> {
      calls.add(id + "." + timestamp);
      return "v1a,from-kms-" + calls.size();
    };
    transport.then(ScriptedTransport.status(503));
    try (WebhookPublisher p = publisher(signedBy("kms", kms))) {
      SendHandle handle = p.send(Event.of("order.created", Map.of()));
      assertThat(retried.poll(5, TimeUnit.SECONDS)).isNotNull();
      time.advance(Duration.ofSeconds(5));

      assertThat(handle.outcomes().get(5, TimeUnit.SECONDS).get(0)).isInstanceOf(DeliveryOutcome.Delivered.class);
    }
    assertThat(transport.requests()).extracting(r -> r.header(WebhookHeaders.SIGNATURE))
        .containsExactly("v1a,from-kms-1", "v1a,from-kms-2");
    assertThat(calls).containsExactlyElementsOf(transport.requests().stream()
        .map(r -> r.header(WebhookHeaders.ID) + "." + r.header(WebhookHeaders.TIMESTAMP)).toList());
  }

  @Test
  void aSignerThatThrowsFailsTheAttemptWithTheReasonAndIsRetried() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    Signer flaky = (id, timestamp, body) -> {
      if (calls.incrementAndGet() == 1) {
        throw new IllegalStateException("KMS unavailable");
      }
      return "v1a,ok";
    };
    try (WebhookPublisher p = publisher(signedBy("kms", flaky))) {
      SendHandle handle = p.send(Event.of("order.created", Map.of()));
      Attempt first = retried.poll(5, TimeUnit.SECONDS);
      time.advance(Duration.ofSeconds(5));

      assertThat(first.describe()).contains("the signer of subscription 'kms' failed").contains("KMS unavailable");
      assertThat(handle.outcomes().get(5, TimeUnit.SECONDS).get(0))
          .isInstanceOfSatisfying(DeliveryOutcome.Delivered.class, d -> assertThat(d.attempts()).isEqualTo(2));
    }
    assertThat(transport.requests()).hasSize(1);
  }

  @Test
  void aSignerReturningNoHeaderFailsTheAttemptWithTheReason() throws Exception {
    try (WebhookPublisher p = publisher(signedBy("kms", (id, timestamp, body) -> null))) {
      p.send(Event.of("order.created", Map.of()));

      assertThat(retried.poll(5, TimeUnit.SECONDS).describe())
          .contains("the signer of subscription 'kms' returned null instead of a webhook-signature value");
    }
    assertThat(transport.requests()).isEmpty();
  }

  @Test
  void aSlowSignerHoldsUpNeitherSendNorOtherEndpoints() throws Exception {
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    Signer slow = (id, timestamp, body) -> {
      entered.countDown();
      try {
        release.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return "v1a,slow";
    };
    try (WebhookPublisher p = publisher(signedBy("kms", slow), sub("fast"))) {
      List<SendHandle> handles = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> List.of(
          p.send(Event.of("order.created", Map.of("n", 1))), p.send(Event.of("order.created", Map.of("n", 2))),
          p.send(Event.of("order.created", Map.of("n", 3)))));
      assertThat(entered.await(5, TimeUnit.SECONDS)).isTrue();

      for (int i = 0; i < 3; i++) {
        assertThat(outcomes.poll(5, TimeUnit.SECONDS))
            .isInstanceOfSatisfying(DeliveryOutcome.Delivered.class, d -> assertThat(d.subscription().id()).isEqualTo("fast"));
      }
      assertThat(release.getCount()).as("the slow signer is still signing").isEqualTo(1);
      release.countDown();
      for (SendHandle h : handles) {
        assertThat(h.outcomes().get(5, TimeUnit.SECONDS)).allMatch(o -> o instanceof DeliveryOutcome.Delivered);
      }
    }
  }

  @Test
  void aSignerThatDoesNotAnswerWithinTenSecondsFailsTheAttemptIsInterruptedAndTheRetrySucceeds() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    CountDownLatch entered = new CountDownLatch(1);
    CompletableFuture<Boolean> interrupted = new CompletableFuture<>();
    Signer stuck = (id, timestamp, body) -> {
      if (calls.incrementAndGet() == 1) {
        entered.countDown();
        try {
          new CountDownLatch(1).await();
        } catch (InterruptedException e) {
          interrupted.complete(true);
        }
      }
      return "v1a,late-or-not";
    };
    try (WebhookPublisher p = publisher(signedBy("kms", stuck))) {
      SendHandle handle = p.send(Event.of("order.created", Map.of()));
      assertThat(entered.await(5, TimeUnit.SECONDS)).isTrue();
      time.advance(CustomSigning.TIMEOUT);

      assertThat(retried.poll(5, TimeUnit.SECONDS).describe())
          .contains("the signer of subscription 'kms' did not answer within 10 s");
      assertThat(interrupted.get(5, TimeUnit.SECONDS)).isTrue();
      time.advance(Duration.ofSeconds(5));
      assertThat(handle.outcomes().get(5, TimeUnit.SECONDS).get(0))
          .isInstanceOfSatisfying(DeliveryOutcome.Delivered.class, d -> assertThat(d.attempts()).isEqualTo(2));
    }
    assertThat(transport.requests()).extracting(r -> r.header(WebhookHeaders.SIGNATURE)).containsExactly("v1a,late-or-not");
  }
}
