package dev.hookpost.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hookpost.WebhookPublisher;
import dev.hookpost.spi.DeliveryQuery;
import dev.hookpost.spi.DeliveryState;
import dev.hookpost.spi.StoredDelivery;
import dev.hookpost.testing.Answer;
import dev.hookpost.testing.FakeWebhookReceiver;
import dev.hookpost.testing.ReceivedDelivery;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 23, item 4: kill -9 while sends and commits are in progress, again and again, and no
 * accepted event is lost. Each round starts a {@link SendingChild} on the same database, which
 * sends from two threads (every 4th event in a transaction of its own, committed or rolled back)
 * to a receiver that answers 503 one time in four, with the subscription built the README's way
 * (no id); the test kills it at a random moment mid-stream. After the last kill a publisher in
 * this JVM drains the store. Then every event whose {@code send} or commit had returned is
 * recorded delivered and reached the receiver with a 2xx answer, no rolled-back event reached
 * it, and the duplicates (deliveries in flight at a kill) are printed and bounded.
 *
 * <p>Rounds per engine: {@code -Dhookpost.crash.kills=N} (default 10); engines:
 * {@code -Dhookpost.crash.engines=postgresql,sqlite} (the default; {@code h2} runs H2 with
 * {@code WRITE_DELAY=0}, which is known to lose commits). See {@code webhook-jdbc/src/test/README.md}.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class KillWhileSendingTest {
  static final int KILLS = Integer.getInteger("hookpost.crash.kills", 10);
  /** Per kill, per endpoint slot (8 by default): one attempt on the wire and one answered but not yet recorded. */
  static final int MAX_DUPLICATES_PER_KILL = 2 * 8;

  @RegisterExtension
  static final FakeWebhookReceiver receiver = FakeWebhookReceiver.create();
  @RegisterExtension
  static final EmbeddedPostgresServer postgres = new EmbeddedPostgresServer();

  @TempDir
  Path dir;

  static Stream<String> engines() {
    return Stream.of(System.getProperty("hookpost.crash.engines", "postgresql,sqlite").split(","));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("engines")
  void noAcceptedEventIsLostAndNoRolledBackEventIsDeliveredThroughRepeatedKills(String engine) throws Exception {
    String url = switch (engine) {
      case "postgresql" -> postgres.jdbcUrl();
      case "sqlite" -> "jdbc:sqlite:" + dir.resolve("outbox.db").toAbsolutePath();
      case "h2" -> "jdbc:h2:file:" + dir.resolve("outbox").toAbsolutePath() + ";WRITE_DELAY=0";
      default -> throw new IllegalArgumentException("unknown engine " + engine);
    };
    String user = engine.equals("h2") ? "sa" : engine.equals("postgresql") ? "postgres" : "";
    receiver.defaultAnswer(() -> ThreadLocalRandom.current().nextInt(4) == 0 ? Answer.status(503) : Answer.ok());
    Set<String> accepted = ConcurrentHashMap.newKeySet();
    Set<String> rolledBack = ConcurrentHashMap.newKeySet();
    long seed = System.nanoTime();
    Random random = new Random(seed);

    for (int round = 0; round < KILLS; round++) {
      java.util.concurrent.CountDownLatch firstAck = new java.util.concurrent.CountDownLatch(1);
      try (ChildPublisher child = ChildPublisher.start(dir, SendingChild.class, Map.of("url", url, "user", user,
          "password", "", "endpoint", receiver.url(), "secret", receiver.secret(),
          "idPrefix", "evt_" + engine + "_" + round + "_", "readmeStyle", "true"), line -> {
            if (line.startsWith("ACK ")) {
              accepted.add(line.substring(4));
              firstAck.countDown();
            } else if (line.startsWith("RB ")) {
              rolledBack.add(line.substring(3));
            }
          })) {
        assertThat(firstAck.await(60, TimeUnit.SECONDS)).as("round %d: the child sent its first event; stderr:%n%s",
            round, child.stderr()).isTrue();
        Thread.sleep(100 + random.nextInt(900)); // the kill lands mid-stream: sends, commits, attempts
        assertThat(child.kill()).as("killed by SIGKILL").isEqualTo(ChildPublisher.KILLED_BY_SIGKILL);
      }
    }

    javax.sql.DataSource database = CrashChild.dataSource(url, user, "");
    java.sql.Connection keepOpen = database.getConnection(); // H2 closes a file database with its last connection
    JdbcDeliveryStore store = JdbcDeliveryStore.create(database);
    try (WebhookPublisher drain = SendingChild.publisher(store,
        SendingChild.subscription(receiver.url(), receiver.secret(), true))) {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
      while (!store.find(DeliveryQuery.inState(DeliveryState.PENDING).limit(1)).isEmpty()
          && System.nanoTime() < deadline) {
        Thread.sleep(100);
      }
    }

    List<StoredDelivery> pending = store.find(DeliveryQuery.inState(DeliveryState.PENDING));
    keepOpen.close();
    List<ReceivedDelivery> ok = receiver.deliveries().stream().filter(d -> d.answer().startsWith("2")).toList();
    Map<String, Long> okCount = ok.stream().collect(Collectors.groupingBy(ReceivedDelivery::webhookId,
        Collectors.counting()));
    Set<String> lost = accepted.stream().filter(id -> !okCount.containsKey(id)).collect(Collectors.toSet());
    long duplicates = okCount.values().stream().mapToLong(n -> n - 1).sum();
    Set<String> rolledBackDelivered = rolledBack.stream().filter(id -> okCount.containsKey(id)
        || receiver.deliveries().stream().anyMatch(d -> d.webhookId().equals(id))).collect(Collectors.toSet());
    System.out.printf("%s: %d kills (seed %d), %d events accepted, %d rolled back, %d lost, %d rolled-back"
            + " delivered, %d duplicates (deliveries in flight at a kill), %d requests answered 503%n", engine, KILLS,
        seed, accepted.size(), rolledBack.size(), lost.size(), rolledBackDelivered.size(), duplicates,
        receiver.deliveries().size() - ok.size());

    assertThat(lost).as("accepted events that never reached the receiver").isEmpty();
    assertThat(pending).as("deliveries left pending after the drain").isEmpty();
    assertThat(rolledBackDelivered).as("rolled-back events that reached the receiver").isEmpty();
    assertThat(ok).as("every delivered request is signed").allMatch(ReceivedDelivery::signatureValid);
    assertThat(duplicates).as("duplicates").isLessThanOrEqualTo((long) KILLS * MAX_DUPLICATES_PER_KILL);
  }

}
