package dev.hookpost.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hookpost.WebhookPublisher;
import dev.hookpost.spi.DeliveryStore;
import dev.hookpost.spi.Transport;
import dev.hookpost.spi.TransportRequest;
import dev.hookpost.spi.TransportResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** Issue 23, item 3: leases that outlast their attempts, claims sized to what can start, quiet hand-backs. */
class ClaimsAndLeasesTest extends EngineFixture {
  static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");

  /** A store that says it is durable (the check is about stores shared across processes). */
  static DeliveryStore durable() {
    return new ForwardingStore(DeliveryStore.inMemory()) {
      @Override
      public boolean durable() {
        return true;
      }
    };
  }

  static Transport withCallTimeout(Duration call) {
    return new Transport() {
      @Override
      public CompletableFuture<TransportResponse> send(TransportRequest request) {
        return CompletableFuture.completedFuture(TransportResponse.of(204));
      }

      @Override
      public Optional<Duration> callTimeout() {
        return Optional.of(call);
      }
    };
  }

  @Test
  void buildRefusesALeaseNotTwiceTheTransportsCallTimeoutNamingBoth() {
    WebhookPublisher.Builder b = builder().store(durable()).transport(withCallTimeout(Duration.ofSeconds(15)))
        .lease(Duration.ofSeconds(20));

    assertThatThrownBy(b::build).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("lease PT20S").hasMessageContaining("call timeout PT15S")
        .hasMessageContaining(".lease(PT30S)");
  }

  @Test
  void aLeaseOfTwiceTheCallTimeoutIsAccepted() {
    builder().store(durable()).transport(withCallTimeout(Duration.ofSeconds(15))).lease(Duration.ofSeconds(30))
        .build().close();
  }

  @Test
  void aClaimHoldsAboutWhatTheEndpointsCanStartNotTheWholeCapacity() {
    assertThat(Dispatcher.claimCapacity(1024, 8, 1)).as("one endpoint: 8 on the wire, 32 waiting").isEqualTo(40);
    assertThat(Dispatcher.claimCapacity(1024, 8, 0)).as("no endpoint yet").isEqualTo(40);
    assertThat(Dispatcher.claimCapacity(1024, 8, 10)).isEqualTo(400);
    assertThat(Dispatcher.claimCapacity(1024, 8, 1_000)).as("never above maxInFlight").isEqualTo(1024);
  }

  @Test
  void handBacksAreSummarizedAtWarnAtMostOnceAMinuteAndOnlyWhenFrequent() {
    HandBacks counts = new HandBacks();
    for (int i = 0; i < HandBacks.OFTEN - 1; i++) {
      assertThat(counts.handedBack(T0.plusMillis(i))).isZero();
    }
    assertThat(counts.handedBack(T0.plusSeconds(30))).as("frequent, but the minute is not over").isZero();
    assertThat(counts.handedBack(T0.plusSeconds(60))).as("the summary").isEqualTo(HandBacks.OFTEN + 1);
    assertThat(counts.handedBack(T0.plusSeconds(61))).as("a fresh minute").isZero();
    assertThat(counts.handedBack(T0.plusSeconds(200))).as("a few in a quiet minute: no summary").isZero();
  }

  @Test
  void theWaitOfAnUnregisteredSubscriptionIsLoggedOnceAMinute() {
    assertThat(Unregistered.logDue(null, T0)).isTrue();
    assertThat(Unregistered.logDue(T0, T0.plusSeconds(59))).isFalse();
    assertThat(Unregistered.logDue(T0, T0.plusSeconds(60))).isTrue();
    assertThat(Unregistered.recheckAt(T0, Duration.ofMillis(500))).isEqualTo(T0.plusSeconds(10));
  }
}
