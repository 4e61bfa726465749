package dev.hookpost.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hookpost.DeliveryOutcome;
import dev.hookpost.Event;
import dev.hookpost.Signer;
import dev.hookpost.Subscription;
import dev.hookpost.Transport;
import dev.hookpost.TransportResponse;
import dev.hookpost.WebhookPublisher;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * With the in-memory store, {@code send} claims and starts its first few deliveries itself, so
 * that no thread has to wake up before the request goes out; the dispatcher takes the rest.
 */
class SendStartsAttemptsTest {
  final String secret = Signer.generateSecret();
  /** The scheduler the dispatcher runs on, counting how often it was asked to run something now. */
  final CountingScheduler scheduler = new CountingScheduler();
  final List<Thread> senders = Collections.synchronizedList(new ArrayList<>());
  /** Records the thread each request was sent from; the answer never comes. */
  final Transport hanging = request -> {
    senders.add(Thread.currentThread());
    return new CompletableFuture<>();
  };
  WebhookPublisher publisher;

  @AfterEach
  void close() {
    if (publisher != null) {
      publisher.shutdown(Duration.ZERO);
    }
    scheduler.shutdownNow();
  }

  WebhookPublisher start(Transport transport, int subscriptions) {
    WebhookPublisher.Builder b = WebhookPublisher.builder().transport(transport).scheduler(scheduler);
    for (int i = 0; i < subscriptions; i++) {
      b.subscription(Subscription.builder().id("s" + i).endpoint("https://receiver.example/" + i).secret(secret)
          .build());
    }
    publisher = b.build();
    return publisher;
  }

  @Test
  void theFirstAttemptStartsOnTheSendersThreadWithoutWakingTheDispatcher() {
    start(hanging, 1).send(Event.of("order.created", Map.of("n", 1)));

    assertThat(senders).containsExactly(Thread.currentThread());
    assertThat(scheduler.executed).hasValue(0);
  }

  @Test
  void aLargeFanOutStartsFourOnTheSendersThreadAndLeavesTheRestToTheDispatcher() throws Exception {
    start(hanging, 20).send(Event.of("order.created", Map.of("n", 1)));

    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (senders.size() < 20 && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    List<Thread> threads = List.copyOf(senders);
    assertThat(threads).hasSize(20);
    assertThat(threads.stream().filter(t -> t == Thread.currentThread())).hasSize(4);
    assertThat(scheduler.executed).hasPositiveValue();
  }

  @Test
  void aTransportThatAnswersAtOnceHasCompletedTheHandleWhenSendReturns() {
    Transport answering = request -> CompletableFuture.completedFuture(TransportResponse.of(204));

    var handle = start(answering, 1).send(Event.of("order.created", Map.of("n", 1)));

    assertThat(handle.outcomes()).isCompleted();
    assertThat(handle.outcomes().join()).singleElement().isInstanceOf(DeliveryOutcome.Delivered.class);
  }

  @Test
  void aDeliveryWhoseEndpointIsBusyWaitsInItsQueueAndStartsWhenASlotFrees() {
    List<CompletableFuture<TransportResponse>> answers = Collections.synchronizedList(new ArrayList<>());
    Transport oneAtATime = request -> {
      senders.add(Thread.currentThread());
      CompletableFuture<TransportResponse> answer = new CompletableFuture<>();
      answers.add(answer);
      return answer;
    };
    WebhookPublisher.Builder b = WebhookPublisher.builder().transport(oneAtATime).scheduler(scheduler)
        .maxConcurrencyPerEndpoint(1)
        .subscription(Subscription.builder().id("s").endpoint("https://receiver.example/").secret(secret).build());
    publisher = b.build();

    var first = publisher.send(Event.of("order.created", Map.of("n", 1)));
    var second = publisher.send(Event.of("order.created", Map.of("n", 2)));
    assertThat(senders).hasSize(1);

    answers.get(0).complete(TransportResponse.of(204));
    assertThat(senders).hasSize(2); // the freed slot went to the waiting delivery on the answering thread
    answers.get(1).complete(TransportResponse.of(204));

    assertThat(first.outcomes().join()).singleElement().isInstanceOf(DeliveryOutcome.Delivered.class);
    assertThat(second.outcomes().join()).singleElement().isInstanceOf(DeliveryOutcome.Delivered.class);
  }

  static final class CountingScheduler extends ScheduledThreadPoolExecutor {
    final AtomicInteger executed = new AtomicInteger();

    CountingScheduler() {
      super(1);
    }

    @Override
    public void execute(Runnable command) {
      executed.incrementAndGet();
      super.execute(command);
    }
  }
}
