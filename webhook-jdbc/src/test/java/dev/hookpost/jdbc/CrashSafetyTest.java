package dev.hookpost.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hookpost.DeliveryListener;
import dev.hookpost.DeliveryOutcome;
import dev.hookpost.spi.DeliveryQuery;
import dev.hookpost.spi.DeliveryState;
import dev.hookpost.WebhookPublisher;
import dev.hookpost.okhttp.OkHttpTransport;
import dev.hookpost.testing.Answer;
import dev.hookpost.testing.FakeWebhookReceiver;
import dev.hookpost.testing.ReceivedDelivery;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Issue 5, item 4: a publisher killed with SIGKILL loses no event. A child JVM enqueues
 * {@value #EVENTS} events in a {@link JdbcDeliveryStore} and starts delivering them to a slow
 * receiver; the test kills it at a kill point, starts a new publisher on the same database, and
 * checks that every event reached the receiver with a valid signature. Duplicates (the killed
 * publisher's last attempts, which reached the receiver but whose end it never recorded) are
 * allowed, and printed.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CrashSafetyTest {
  private static final int EVENTS = 200;
  /** Short, so the new publisher takes over the killed one's deliveries quickly. */
  private static final Duration KILLED_LEASE = Duration.ofSeconds(2);
  /** Attempts in flight at once, per publisher: few, so the kill points fall mid-stream. */
  private static final int CONCURRENCY = 2;
  private static final String SUBSCRIPTION = "receiver";
  /** The publishers, as the header {@link CrashChild#INSTANCE_HEADER} of their requests names them. */
  private static final String KILLED = "killed";
  private static final String NEW = "new";

  @RegisterExtension
  static final FakeWebhookReceiver receiver = FakeWebhookReceiver.create();
  @RegisterExtension
  static final EmbeddedPostgresServer postgres = new EmbeddedPostgresServer();
  private static int runs;

  @TempDir
  Path dir;

  /** When the child is killed, after it printed READY (every event committed in the store). */
  enum KillPoint {
    RIGHT_AFTER_READY(0),
    AFTER_A_QUARTER_RECEIVED(0.25),
    AFTER_THREE_QUARTERS_RECEIVED(0.75);

    final double received;

    KillPoint(double received) {
      this.received = received;
    }

    @Override
    public String toString() {
      return received == 0 ? "right after READY" : "after " + Math.round(received * 100) + "% received";
    }
  }

  /** Where the store lives: a JDBC URL both processes can open. */
  private record Database(String name, String url, String user, String password, String tablePrefix) {}

  /** What a kill-and-recover run produced. */
  private record Run(int exitStatus, int receivedBeforeKill, int leftPending, List<DeliveryOutcome> outcomes,
      List<ReceivedDelivery> received, List<String> storedDelivered, List<String> storedPending) {

    Set<String> distinctIds() {
      return received.stream().map(ReceivedDelivery::webhookId).collect(Collectors.toSet());
    }

    Set<String> idsWithValidSignature() {
      return received.stream().filter(ReceivedDelivery::signatureValid).map(ReceivedDelivery::webhookId)
          .collect(Collectors.toSet());
    }

    int duplicates() {
      return received.size() - distinctIds().size();
    }

    /** For each event that arrived more than once, which publishers sent it, in order of arrival. */
    Map<String, List<String>> sendersOfDuplicates() {
      Map<String, List<String>> senders = received.stream().collect(Collectors.groupingBy(
          ReceivedDelivery::webhookId, Collectors.mapping(d -> d.header(CrashChild.INSTANCE_HEADER).orElse("?"),
              Collectors.toList())));
      senders.values().removeIf(s -> s.size() == 1);
      return senders;
    }
  }

  @BeforeEach
  void slowReceiver() {
    receiver.defaultAnswer(Answer.ok().after(Duration.ofMillis(50)));
  }

  @ParameterizedTest(name = "killed {0}")
  @EnumSource(KillPoint.class)
  void noEventIsLostWhenThePublisherIsKilledOnAnH2FileDatabase(KillPoint killPoint) throws Exception {
    // WRITE_DELAY=0: H2 2.x writes committed transactions to its file in the background, up to
    // WRITE_DELAY (default 500 ms) after the commit, so a SIGKILL loses the last commits (in a first
    // run, 85 of 200 events that the child had committed before printing READY). With 0, each commit
    // is written to the file before it returns. See JdbcDeliveryStore's class comment.
    //
    // Locking: the child opens the file first and is killed holding it; then this JVM opens it.
    // H2 2.x locks with FILE_LOCK=FS by default (FILE, with its .lock.db, only under AUTO_SERVER):
    // an OS lock on the .mv.db file through FileChannel.tryLock, which the kernel releases when the
    // process dies, so no stale lock blocks the second opener and the URL needs no lock setting.
    Database h2 = new Database("H2", "jdbc:h2:file:" + dir.resolve("outbox").toAbsolutePath() + ";WRITE_DELAY=0", "sa",
        "", "hookpost_");

    Run run = killAndRecover(h2, killPoint);

    assertEveryEventArrivedAtLeastOnce(run, h2, killPoint);
  }

  @ParameterizedTest(name = "killed {0}")
  @EnumSource(KillPoint.class)
  void noEventIsLostWhenThePublisherIsKilledOnPostgres(KillPoint killPoint) throws Exception {
    Database pg = new Database("PostgreSQL", postgres.jdbcUrl(), "postgres", "",
        "crash" + (++runs) + "_");

    Run run = killAndRecover(pg, killPoint);

    assertEveryEventArrivedAtLeastOnce(run, pg, killPoint);
  }

  private void assertEveryEventArrivedAtLeastOnce(Run run, Database db, KillPoint killPoint) {
    Set<String> sent = IntStream.range(0, EVENTS).mapToObj(i -> idPrefix(db, killPoint) + i)
        .collect(Collectors.toSet());
    System.out.printf("%s, kill %s: %d events, %d received before the kill, %d left pending, %d delivered,"
            + " %d duplicates%n", db.name(), killPoint, EVENTS, run.receivedBeforeKill(), run.leftPending(),
        run.distinctIds().size(), run.duplicates());

    assertThat(run.exitStatus()).as("the child's exit status: killed by SIGKILL")
        .isEqualTo(ChildPublisher.KILLED_BY_SIGKILL);
    assertThat(run.outcomes()).as("what the new publisher finished").hasSize(run.leftPending())
        .allMatch(o -> o instanceof DeliveryOutcome.Delivered);
    assertThat(run.received()).as("every request the receiver got has a valid signature")
        .allMatch(ReceivedDelivery::signatureValid);
    assertThat(run.idsWithValidSignature()).as("events that reached the receiver").isEqualTo(sent);
    assertThat(run.storedPending()).as("deliveries still pending in the store").isEmpty();
    assertThat(run.storedDelivered()).as("deliveries recorded as delivered").hasSize(EVENTS);
    // Only the killed publisher's last attempts come twice, once from it and once from the new
    // one: per endpoint slot, one in flight and one answered whose end it had not yet recorded.
    assertThat(run.duplicates()).as("duplicates").isLessThanOrEqualTo(2 * CONCURRENCY);
    assertThat(run.sendersOfDuplicates()).as("who sent each duplicated event")
        .allSatisfy((id, senders) -> assertThat(senders).containsExactly(KILLED, NEW));
  }

  /**
   * Runs the child publisher until the kill point, kills it with SIGKILL, then delivers what it
   * left with a new publisher in this JVM on the same database.
   */
  private Run killAndRecover(Database db, KillPoint killPoint) throws Exception {
    String ids = idPrefix(db, killPoint);
    int exitStatus;
    try (ChildPublisher child = ChildPublisher.start(dir, Map.ofEntries(
        Map.entry("url", db.url()), Map.entry("user", db.user()), Map.entry("password", db.password()),
        Map.entry("tablePrefix", db.tablePrefix()), Map.entry("endpoint", receiver.url()),
        Map.entry("secret", receiver.secret()), Map.entry("subscription", SUBSCRIPTION),
        Map.entry("instance", KILLED), Map.entry("idPrefix", ids), Map.entry("events", Integer.toString(EVENTS)),
        Map.entry("leaseSeconds", Long.toString(KILLED_LEASE.toSeconds())),
        // maxInFlight 1,024, the default: the child claims all events at once, and those that wait
        // behind the endpoint past half their lease go back to the store and are claimed again, so
        // the kill finds deliveries in every state: queued, in flight, answered, handed back.
        Map.entry("concurrency", Integer.toString(CONCURRENCY)), Map.entry("maxInFlight", "1024")))) {
      child.awaitReady(Duration.ofSeconds(30));
      if (killPoint.received > 0) {
        receiver.awaitDeliveries((int) (EVENTS * killPoint.received), Duration.ofSeconds(30));
      }
      exitStatus = child.kill();
    }
    int receivedBeforeKill = receiver.deliveries().size();

    DataSource dataSource = CrashChild.dataSource(db.url(), db.user(), db.password());
    List<DeliveryOutcome> outcomes = Collections.synchronizedList(new ArrayList<>());
    ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2);
    Connection keepOpen = dataSource.getConnection(); // H2: the database stays open until the end
    try {
      JdbcDeliveryStore store = JdbcDeliveryStore.builder(dataSource).tablePrefix(db.tablePrefix()).build();
      int leftPending = store.find(DeliveryQuery.inState(DeliveryState.PENDING)).size();
      CountDownLatch finished = new CountDownLatch(leftPending);
      WebhookPublisher publisher = WebhookPublisher.builder()
          .store(store)
          .scheduler(scheduler)
          .lease(Duration.ofSeconds(30))
          .pollInterval(Duration.ofMillis(50))
          .maxConcurrencyPerEndpoint(CONCURRENCY * 2)
          .transport(OkHttpTransport.builder().addressGuard(receiver.addressGuard()).build())
          .subscription(CrashChild.subscription(SUBSCRIPTION, receiver.url(), receiver.secret(), NEW))
          .listener(new DeliveryListener() {
            @Override
            public void onOutcome(DeliveryOutcome outcome) {
              outcomes.add(outcome);
              finished.countDown();
            }
          })
          .build();
      try {
        boolean allFinished = finished.await(40, TimeUnit.SECONDS);
        assertThat(allFinished).as("the new publisher finished the %d deliveries left pending (it finished %d)",
            leftPending, outcomes.size()).isTrue();
      } finally {
        publisher.close();
        scheduler.shutdownNow();
        scheduler.awaitTermination(10, TimeUnit.SECONDS);
      }
      return new Run(exitStatus, receivedBeforeKill, leftPending, List.copyOf(outcomes), receiver.deliveries(),
          deliveryIds(store, DeliveryState.DELIVERED), deliveryIds(store, DeliveryState.PENDING));
    } finally {
      scheduler.shutdownNow();
      keepOpen.close();
    }
  }

  private static List<String> deliveryIds(JdbcDeliveryStore store, DeliveryState state) {
    return store.find(DeliveryQuery.inState(state)).stream().map(d -> d.deliveryId()).toList();
  }

  private static String idPrefix(Database db, KillPoint killPoint) {
    return "evt_" + db.name() + "_" + killPoint.name() + "_";
  }
}
