package dev.hookpost.jdbc;

import dev.hookpost.AddressGuard;
import dev.hookpost.Event;
import dev.hookpost.Subscription;
import dev.hookpost.WebhookPublisher;
import dev.hookpost.okhttp.OkHttpTransport;
import java.sql.Connection;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The publisher that gets killed: run in a child JVM by {@link ChildPublisher}. It opens a
 * {@link JdbcDeliveryStore} on the database the parent names, starts a publisher with the
 * OkHttp transport towards the parent's fake receiver, sends {@code events} events with ids
 * {@code idPrefix + 0 ..} in one transaction, prints {@value #READY} once it committed, and then
 * keeps delivering until the parent kills it with SIGKILL.
 *
 * <p>Arguments are {@code name=value} pairs: {@code url}, {@code user}, {@code password},
 * {@code tablePrefix}, {@code endpoint}, {@code secret}, {@code subscription}, {@code instance}
 * (sent as header {@value #INSTANCE_HEADER}), {@code idPrefix}, {@code events},
 * {@code leaseSeconds}, {@code concurrency}, {@code maxInFlight}.
 *
 * <p>It never outlives its parent: it exits when its stdin closes (the parent died) or after
 * {@value #MAX_LIFE_SECONDS} s, whichever comes first.
 */
public final class CrashChild {
  /** The line printed once every event is enqueued (committed in the database). */
  static final String READY = "READY";
  /** The subscription header naming which publisher instance sent a request. */
  static final String INSTANCE_HEADER = "x-test-instance";
  static final String EVENT_TYPE = "order.created";
  private static final long MAX_LIFE_SECONDS = 120;

  private CrashChild() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> arg = new HashMap<>();
    for (String a : args) {
      int eq = a.indexOf('=');
      arg.put(a.substring(0, eq), a.substring(eq + 1));
    }
    exitWithParent();

    DataSource dataSource = dataSource(arg.get("url"), arg.get("user"), arg.get("password"));
    // H2 closes a file database when its last connection closes; hold one until the kill.
    Connection keepOpen = dataSource.getConnection();
    JdbcDeliveryStore store = JdbcDeliveryStore.builder(dataSource).tablePrefix(arg.get("tablePrefix")).build();
    Duration lease = Duration.ofSeconds(Long.parseLong(arg.get("leaseSeconds")));
    WebhookPublisher publisher = WebhookPublisher.builder()
        .store(store)
        .lease(lease)
        .pollInterval(Duration.ofMillis(50))
        .maxConcurrencyPerEndpoint(Integer.parseInt(arg.get("concurrency")))
        .maxInFlight(Integer.parseInt(arg.get("maxInFlight")))
        .transport(OkHttpTransport.builder().callTimeout(lease.dividedBy(2))
            .addressGuard(AddressGuard.publicOnly().allowing("127.0.0.1")).build())
        .subscription(subscription(arg.get("subscription"), arg.get("endpoint"), arg.get("secret"),
            arg.get("instance")))
        .build();

    // All events in one transaction (the outbox API): none is visible to the dispatcher before the
    // commit, so "killed right after READY" means before any attempt, not after the first few.
    int events = Integer.parseInt(arg.get("events"));
    try (Connection tx = dataSource.getConnection()) {
      tx.setAutoCommit(false);
      for (int i = 0; i < events; i++) {
        publisher.send(event(arg.get("idPrefix"), i), tx);
      }
      tx.commit();
    }
    System.out.println(READY);
    System.out.flush();
    Thread.sleep(MAX_LIFE_SECONDS * 1000); // delivering on the publisher's threads until killed
    keepOpen.close();
    System.exit(2);
  }

  /** The i-th event of a run: the same id and data whichever process sends it. */
  static Event event(String idPrefix, int i) {
    return Event.of(EVENT_TYPE, Map.of("orderId", "A-" + i)).withId(idPrefix + i);
  }

  /** The one subscription both publishers deliver to; {@code instance} marks which one sent a request. */
  static Subscription subscription(String id, String endpoint, String secret, String instance) {
    return Subscription.builder().id(id).endpoint(endpoint).secret(secret)
        .header(INSTANCE_HEADER, instance).build();
  }

  /** An unpooled DataSource for a SQLite, H2 or PostgreSQL JDBC URL. */
  static DataSource dataSource(String url, String user, String password) {
    if (url.startsWith("jdbc:sqlite:")) {
      org.sqlite.SQLiteDataSource sqlite = new org.sqlite.SQLiteDataSource();
      sqlite.setUrl(url);
      return sqlite;
    }
    if (url.startsWith("jdbc:h2:")) {
      JdbcDataSource h2 = new JdbcDataSource();
      h2.setURL(url);
      h2.setUser(user);
      h2.setPassword(password);
      return h2;
    }
    PGSimpleDataSource pg = new PGSimpleDataSource();
    pg.setURL(url);
    pg.setUser(user);
    pg.setPassword(password);
    return pg;
  }

  /** Exits as soon as the parent's end of stdin closes, so a crashed test leaves no child behind. */
  static void exitWithParent() {
    Thread watch = new Thread(() -> {
      try {
        while (System.in.read() != -1) {
          // the parent writes nothing; EOF means it is gone
        }
      } catch (java.io.IOException ignored) {
        // same as EOF
      }
      System.exit(3);
    }, "exit-with-parent");
    watch.setDaemon(true);
    watch.start();
  }
}
