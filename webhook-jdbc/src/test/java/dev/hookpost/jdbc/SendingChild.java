package dev.hookpost.jdbc;

import dev.hookpost.AddressGuard;
import dev.hookpost.Event;
import dev.hookpost.RetryPolicy;
import dev.hookpost.Subscription;
import dev.hookpost.WebhookPublisher;
import dev.hookpost.okhttp.OkHttpTransport;
import java.io.PrintStream;
import java.sql.Connection;
import java.time.Duration;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;

/**
 * A publisher killed while it sends: run in a child JVM by {@link KillWhileSendingTest}. Two
 * threads send events as fast as they can; every 4th goes through {@code send(event, connection)}
 * in a transaction of its own that is committed, or rolled back one time in three. After each
 * {@code send} (or commit) returns it prints {@code ACK <id>}, after each rollback {@code RB <id>},
 * so the parent knows which events were accepted whenever it kills this process.
 *
 * <p>Arguments ({@code name=value}): {@code url}, {@code user}, {@code password},
 * {@code endpoint}, {@code secret}, {@code idPrefix}, {@code readmeStyle} (true: the subscription
 * is built without an id, as the README does). It exits when its stdin closes (the parent died).
 */
public final class SendingChild {
  static final String EVENT_TYPE = "order.created";
  /** Lease and call timeout: short, so the next process takes over the killed one's claims soon. */
  static final Duration CALL_TIMEOUT = Duration.ofSeconds(1);
  static final Duration LEASE = Duration.ofSeconds(2);

  private SendingChild() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> arg = new HashMap<>();
    for (String a : args) {
      int eq = a.indexOf('=');
      arg.put(a.substring(0, eq), a.substring(eq + 1));
    }
    CrashChild.exitWithParent();
    DataSource dataSource = CrashChild.dataSource(arg.get("url"), arg.get("user"), arg.get("password"));
    WebhookPublisher publisher = publisher(JdbcDeliveryStore.create(dataSource),
        subscription(arg.get("endpoint"), arg.get("secret"), Boolean.parseBoolean(arg.get("readmeStyle"))));
    PrintStream out = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), true);
    String prefix = arg.get("idPrefix");
    AtomicInteger next = new AtomicInteger();
    Runnable sender = () -> {
      try (Connection tx = dataSource.getConnection()) {
        tx.setAutoCommit(false);
        while (true) {
          int i = next.getAndIncrement();
          Event event = Event.of(EVENT_TYPE, Map.of("n", i)).withId(prefix + i);
          if (i % 4 != 3) {
            publisher.send(event);
            out.println("ACK " + event.id());
          } else {
            publisher.send(event, tx);
            if (i % 12 == 11) {
              tx.rollback();
              out.println("RB " + event.id());
            } else {
              tx.commit();
              out.println("ACK " + event.id());
            }
          }
        }
      } catch (Exception e) {
        e.printStackTrace();
        System.exit(4);
      }
    };
    Thread a = new Thread(sender, "sender-a");
    Thread b = new Thread(sender, "sender-b");
    a.start();
    b.start();
    a.join();
  }

  /** The subscription every process builds: the README's way (no id) or with a fixed id. */
  static Subscription subscription(String endpoint, String secret, boolean readmeStyle) {
    Subscription.Builder b = Subscription.builder().endpoint(endpoint).secret(secret).eventTypes("order.*");
    return readmeStyle ? b.build() : b.id("receiver").build();
  }

  /** A publisher as the children and the parent's drain run it: short lease, quick retries. */
  static WebhookPublisher publisher(JdbcDeliveryStore store, Subscription subscription) {
    Duration[] retries = Collections.nCopies(30, Duration.ofMillis(100)).toArray(Duration[]::new);
    return WebhookPublisher.builder()
        .store(store)
        .lease(LEASE)
        .pollInterval(Duration.ofMillis(50))
        .retryPolicy(RetryPolicy.fixedSchedule(retries))
        .transport(OkHttpTransport.builder().callTimeout(CALL_TIMEOUT)
            .addressGuard(AddressGuard.publicOnly().allowing("127.0.0.1")).build())
        .subscription(subscription)
        .build();
  }
}
