package dev.hookpost.benchmarks;

import dev.hookpost.DeliveryOutcome;
import dev.hookpost.spi.DeliveryStore;
import dev.hookpost.Event;
import dev.hookpost.SendHandle;
import dev.hookpost.Signer;
import dev.hookpost.Subscription;
import dev.hookpost.spi.TransportResponse;
import dev.hookpost.WebhookPublisher;
import dev.hookpost.jdbc.JdbcDeliveryStore;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.h2.jdbcx.JdbcDataSource;

/**
 * Events per second enqueued by {@code send} and delivered, through the in-memory store, H2 on a
 * file, and a real PostgreSQL, with a transport that answers 204 at once so the store is what is
 * measured. Prints {@code RESULT} lines.
 *
 * <pre>java dev.hookpost.benchmarks.StoreBench [events]</pre>
 */
public final class StoreBench {
  private StoreBench() {}

  public static void main(String[] args) throws Exception {
    int events = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
    int pgEvents = args.length > 1 ? Integer.parseInt(args[1]) : events; // fsync-bound: ~130 events/s here
    measure("memory", DeliveryStore.inMemory(), events);
    Path dir = Files.createTempDirectory("hookpost-h2");
    JdbcDataSource h2 = new JdbcDataSource();
    h2.setURL("jdbc:h2:file:" + dir.resolve("bench") + ";DB_CLOSE_DELAY=-1");
    measure("h2", JdbcDeliveryStore.create(h2), events);
    try (EmbeddedPostgres pg = EmbeddedPostgres.builder().start()) {
      measure("postgresql", JdbcDeliveryStore.create(pg.getPostgresDatabase()), pgEvents);
    }
    System.exit(0);
  }

  static void measure(String name, DeliveryStore store, int events) throws Exception {
    String secret = Signer.generateSecret();
    try (WebhookPublisher p = WebhookPublisher.builder()
        .transport(r -> CompletableFuture.completedFuture(TransportResponse.of(204)))
        .subscription(Subscription.builder().id("bench").endpoint("https://receiver.example/hook").secret(secret).build())
        .store(store).pollInterval(Duration.ofMillis(20)).maxConcurrencyPerEndpoint(32)
        .maxPendingDeliveries(10_000_000).maxPendingPerSubscription(10_000_000).build()) {
      List<CompletableFuture<List<DeliveryOutcome>>> all = new ArrayList<>(events);
      long t0 = System.nanoTime();
      for (int i = 0; i < events; i++) {
        SendHandle h = p.send(Event.of("order.created", Payloads.oneKib(i)));
        all.add(h.outcomes());
      }
      long enqueued = System.nanoTime();
      CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(10, TimeUnit.MINUTES);
      long delivered = System.nanoTime();
      System.out.printf("RESULT figure=store-enqueue-%s impl=hookpost value=%.1f%n", name,
          events / ((enqueued - t0) / 1e9));
      System.out.printf("RESULT figure=store-delivered-%s impl=hookpost value=%.1f%n", name,
          events / ((delivered - t0) / 1e9));
    }
  }
}
