package dev.hookpost.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hookpost.DeliveryListener;
import dev.hookpost.DeliveryOutcome;
import dev.hookpost.Event;
import dev.hookpost.Subscription;
import dev.hookpost.WebhookPublisher;
import dev.hookpost.spi.AttemptInterceptor;
import dev.hookpost.spi.DeliveryQuery;
import dev.hookpost.spi.DeliveryState;
import dev.hookpost.spi.TransportResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What an {@link AttemptInterceptor} keeps at send time and sees of every attempt; and the listener's start. */
class AttemptInterceptorTest {
  final VirtualTime time = VirtualTime.start();
  final RecordingTransport transport = RecordingTransport.create(dev.hookpost.Signer.generateSecret(), time.clock());
  final Subscription shipping = transport.subscription("https://receiver.example/hooks");
  final List<String> seen = Collections.synchronizedList(new ArrayList<>());
  WebhookPublisher publisher;

  /** Keeps {@code key=value} at send; on every attempt notes what it sees and puts it on the request. */
  AttemptInterceptor keeping(String key, String value) {
    return new AttemptInterceptor() {
      @Override
      public Map<String, String> capture(Event event) {
        return Map.of(key, value);
      }

      @Override
      public CompletableFuture<TransportResponse> intercept(Chain chain) {
        seen.add(key + " attempt " + chain.attempt() + " of " + chain.delivery().eventType() + " to "
            + chain.subscription().id() + " sees " + chain.delivery().metadata().get(key));
        String kept = chain.delivery().metadata().get(key);
        return chain.proceed(kept == null ? chain.request() : chain.request().withHeader("x-" + key, kept));
      }
    };
  }

  WebhookPublisher.Builder builder() {
    return WebhookPublisher.builder().transport(transport).subscription(shipping).clock(time.clock())
        .scheduler(time.scheduler());
  }

  @AfterEach
  void close() {
    if (publisher != null) {
      publisher.shutdown(Duration.ZERO);
    }
  }

  @Test
  void whatCaptureKeptAtSendReachesEveryAttemptIncludingARetry() {
    transport.respondWith(Answer.status(503));
    publisher = builder().interceptor(keeping("request-id", "r-42")).build();

    publisher.send(Event.of("order.created", Map.of()));
    time.advance(Duration.ofSeconds(5));

    assertThat(seen).containsExactly(
        "request-id attempt 1 of order.created to " + shipping.id() + " sees r-42",
        "request-id attempt 2 of order.created to " + shipping.id() + " sees r-42");
    assertThat(transport.deliveries()).allSatisfy(d -> assertThat(d.header("x-request-id")).contains("r-42"));
    WebhookAssertions.assertThat(transport).allSignaturesValid();
  }

  @Test
  void interceptorsRunInTheOrderAddedAndShareTheMergedMetadata() {
    publisher = builder().interceptor(keeping("first", "1")).interceptor(keeping("second", "2")).build();

    publisher.send(Event.of("order.created", Map.of()));

    assertThat(seen).containsExactly("first attempt 1 of order.created to " + shipping.id() + " sees 1",
        "second attempt 1 of order.created to " + shipping.id() + " sees 2");
    assertThat(transport.deliveries().get(0).header("x-first")).contains("1");
    assertThat(transport.deliveries().get(0).header("x-second")).contains("2");
  }

  @Test
  void aCaptureThatThrowsLeavesItsPairsOutAndTheEventIsStillDelivered() {
    AttemptInterceptor broken = new AttemptInterceptor() {
      @Override
      public Map<String, String> capture(Event event) {
        throw new IllegalStateException("no context");
      }

      @Override
      public CompletableFuture<TransportResponse> intercept(Chain chain) {
        seen.add("metadata " + chain.delivery().metadata());
        return chain.proceed(chain.request());
      }
    };
    publisher = builder().interceptor(broken).build();

    List<DeliveryOutcome> outcomes = publisher.send(Event.of("order.created", Map.of())).outcomes().join();

    assertThat(outcomes).singleElement().isInstanceOf(DeliveryOutcome.Delivered.class);
    assertThat(seen).containsExactly("metadata {}");
  }

  @Test
  void metadataOverEightKibIsNotKeptAndTheEventIsStillDelivered() {
    publisher = builder().interceptor(keeping("big", "x".repeat(8 * 1024))).build();

    List<DeliveryOutcome> outcomes = publisher.send(Event.of("order.created", Map.of())).outcomes().join();

    assertThat(outcomes).singleElement().isInstanceOf(DeliveryOutcome.Delivered.class);
    assertThat(seen).containsExactly("big attempt 1 of order.created to " + shipping.id() + " sees null");
  }

  @Test
  void metadataJustUnderTheLimitIsKept() {
    publisher = builder().interceptor(keeping("big", "x".repeat(8 * 1024 - 3))).build();

    publisher.send(Event.of("order.created", Map.of())).outcomes().join();

    assertThat(transport.deliveries().get(0).header("x-big")).hasValueSatisfying(v -> assertThat(v).hasSize(8 * 1024 - 3));
  }

  @Test
  void anInterceptorThatThrowsFailsTheAttemptWhichIsRetried() {
    int[] calls = {0};
    AttemptInterceptor flaky = chain -> {
      if (calls[0]++ == 0) {
        throw new IllegalStateException("tracer broke");
      }
      return chain.proceed(chain.request());
    };
    publisher = builder().interceptor(flaky).build();

    var handle = publisher.send(Event.of("order.created", Map.of()));
    time.advance(Duration.ofSeconds(5));

    assertThat(handle.outcomes().join()).singleElement().isInstanceOfSatisfying(DeliveryOutcome.Delivered.class,
        d -> assertThat(d.attempts()).isEqualTo(2));
    assertThat(transport.deliveries()).hasSize(1);
  }

  @Test
  void listenersHearTheStartOnceWithThePublisherBeforeBuildReturns() {
    AtomicReference<WebhookPublisher> started = new AtomicReference<>();
    DeliveryListener listener = new DeliveryListener() {
      @Override
      public void onStart(WebhookPublisher p) {
        assertThat(started.getAndSet(p)).isNull();
      }
    };

    publisher = builder().listener(listener).build();

    assertThat(started.get()).isSameAs(publisher);
  }

  @Test
  void deliveriesCountsWhatTheStoreHolds() {
    transport.defaultAnswer(Answer.status(503));
    publisher = builder().build();

    for (int i = 0; i < 3; i++) {
      publisher.send(Event.of("order.created", Map.of()));
    }

    assertThat(publisher.deliveries().count(DeliveryQuery.inState(DeliveryState.PENDING).limit(1))).isEqualTo(3);
    assertThat(publisher.deliveries().count(DeliveryQuery.deadLetters())).isZero();
  }
}
