package dev.hookpost.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hookpost.Attempt;
import dev.hookpost.DeliveryOutcome;
import dev.hookpost.Subscription;
import dev.hookpost.spi.DeliveryState;
import dev.hookpost.spi.StoredDelivery;
import dev.hookpost.testing.PublisherReports.AttemptSeen;
import dev.hookpost.testing.PublisherReports.Snapshot;
import java.net.ConnectException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The words of a failed wait, one cause at a time, without sockets or threads. */
class DiagnosisTest {
  static final String URL = "http://127.0.0.1:4000/webhooks";
  static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
  static final Subscription RECEIVERS = Subscription.builder().id("r").endpoint(URL).secret(SECRET).build();
  static final Subscription ELSEWHERE = Subscription.builder().id("e").endpoint("http://127.0.0.1:4001/hooks?token=t")
      .secret(SECRET).build();
  static final String REFUSAL = "refused to connect to 127.0.0.1 (127.0.0.1): loopback addresses are not allowed"
      + " by default";

  static Snapshot told(List<AttemptSeen> attempts, DeliveryOutcome... outcomes) {
    return new Snapshot(true, attempts, List.of(outcomes));
  }

  static List<String> causes(String message) {
    return message.substring(message.indexOf("Likely causes")).lines().skip(1).toList();
  }

  @Test
  void withoutTheListenerSaysSoAndListsTheCausesByLikelihoodGuardFirst() {
    String message = Diagnosis.nothingArrived(URL, 0, new Snapshot(false, List.of(), List.of()));

    assertThat(message).contains("The receiver at " + URL + " saw no connection at all")
        .contains("The publisher was not given receiver.listener()")
        .contains(".listener(receiver.listener())");
    assertThat(causes(message)).hasSize(4);
    assertThat(causes(message).get(0)).startsWith("  1. The publisher's address guard refused 127.0.0.1")
        .contains("receiver.publisher()").contains("receiver.addressGuard()")
        .contains("OkHttpTransport.builder().addressGuard(receiver.addressGuard()).build()");
    assertThat(causes(message).get(1)).startsWith("  2. The subscription points at another URL").contains(URL)
        .contains("receiver.subscription()");
    assertThat(causes(message).get(2)).startsWith("  3. The publisher was closed before the attempt");
    assertThat(causes(message).get(3)).startsWith("  4. The subscription's event types do not match");
  }

  @Test
  void aRejectedOutcomeIsQuotedWithItsReasonAndConfirmsTheGuard() {
    String message = Diagnosis.nothingArrived(URL, 0,
        told(List.of(), new DeliveryOutcome.Rejected("evt_1", RECEIVERS, 1, REFUSAL)));

    assertThat(message).contains("The publisher reported (through receiver.listener()):\n  - Rejected event evt_1 to "
        + URL + " after 1 attempt(s): " + REFUSAL);
    assertThat(causes(message).get(0)).startsWith("  1. The publisher's address guard refused 127.0.0.1")
        .endsWith("(seen above: Rejected event evt_1 to " + URL + "). Fix: build the publisher with"
        + " receiver.publisher(), or give its transport receiver.addressGuard(), e.g."
        + " OkHttpTransport.builder().addressGuard(receiver.addressGuard()).build().");
  }

  @Test
  void anAttemptAtAnotherAddressPutsTheWrongUrlFirstAndHidesTheQuery() {
    Attempt failed = Attempt.failed(1, Instant.EPOCH, Duration.ZERO, new ConnectException("Connection refused"));
    String message = Diagnosis.nothingArrived(URL, 0, told(List.of(new AttemptSeen("evt_1",
        Diagnosis.endpoint(ELSEWHERE), failed.describe()))));

    assertThat(message).contains("  - attempt at event evt_1 to http://127.0.0.1:4001/hooks: ConnectException:"
        + " Connection refused").doesNotContain("token=t");
    assertThat(causes(message).get(0)).startsWith("  1. The subscription points at another URL than the"
        + " receiver's " + URL + " (seen above: attempt at event evt_1 to http://127.0.0.1:4001/hooks");
    assertThat(causes(message).get(1)).startsWith("  2. The publisher's address guard");
  }

  @Test
  void anAbandonedOutcomePutsTheClosedPublisherFirst() {
    StoredDelivery d = new StoredDelivery("evt_1/r", "evt_1", "order.created", new byte[0], "r",
        DeliveryState.PENDING, 0, Instant.EPOCH, null, Instant.EPOCH, 0, null, Instant.EPOCH);
    String message = Diagnosis.nothingArrived(URL, 0,
        told(List.of(), new DeliveryOutcome.Abandoned(d, RECEIVERS, 0, "the publisher was closed")));

    assertThat(message).contains("  - Abandoned event evt_1 to " + URL + " after 0 attempt(s): the publisher was"
        + " closed");
    assertThat(causes(message).get(0)).startsWith("  1. The publisher was closed before the attempt (seen above: Abandoned event evt_1")
        .contains("keep it open until the wait returns");
  }

  @Test
  void aPublisherThatReportedNothingPutsTheEventTypeFilterFirst() {
    String message = Diagnosis.nothingArrived(URL, 0, told(List.of()));

    assertThat(message).contains("The publisher (through receiver.listener()) reported no attempt and no outcome.");
    assertThat(causes(message).get(0)).startsWith("  1. The subscription's event types do not match the event's"
        + " type, so no delivery was made (seen above: the publisher reported no attempt and no outcome)")
        .contains("leave eventTypes unset");
  }

  @Test
  void anAttemptIsLeftOutOnceItsDeliveryHasAnOutcome() {
    Attempt refused = Attempt.failed(1, Instant.EPOCH, Duration.ZERO, new IllegalStateException("refused"));
    String message = Diagnosis.nothingArrived(URL, 0, told(
        List.of(new AttemptSeen("evt_1", URL, refused.describe()), new AttemptSeen("evt_2", URL, refused.describe())),
        new DeliveryOutcome.Rejected("evt_1", RECEIVERS, 1, REFUSAL)));

    assertThat(message).doesNotContain("attempt at event evt_1").contains("attempt at event evt_2");
  }

  @Test
  void connectionsWithoutARequestAreCounted() {
    assertThat(Diagnosis.nothingArrived(URL, 2, told(List.of())))
        .contains("The receiver at " + URL + " accepted 2 connection(s) but no complete HTTP request on them.");
  }

  @Test
  void quotesAtMostTenReportsAndCountsTheRest() {
    DeliveryOutcome[] many = new DeliveryOutcome[12];
    for (int i = 0; i < many.length; i++) {
      many[i] = new DeliveryOutcome.Rejected("evt_" + i, RECEIVERS, 1, REFUSAL);
    }
    String message = Diagnosis.nothingArrived(URL, 0, told(List.of(), many));

    assertThat(message).contains("evt_9").doesNotContain("evt_10").contains("  - … and 2 more");
  }

  @Test
  void afterSomeDeliveriesOnlyTroubleIsQuoted() {
    assertThat(Diagnosis.reported(told(List.of(), new DeliveryOutcome.Delivered("evt_1", RECEIVERS, 1, 204,
        Duration.ZERO)))).isEmpty();
    assertThat(Diagnosis.reported(told(List.of(), new DeliveryOutcome.GaveUp("evt_2", RECEIVERS, 0, null,
        "too many failing deliveries")))).contains("GaveUp event evt_2 to " + URL + " after 0 attempt(s): too many");
  }
}
