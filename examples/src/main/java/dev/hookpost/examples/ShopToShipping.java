package dev.hookpost.examples;

import com.sun.net.httpserver.HttpServer;
import dev.hookpost.AddressGuard;
import dev.hookpost.Attempt;
import dev.hookpost.DeliveryListener;
import dev.hookpost.DeliveryOutcome;
import dev.hookpost.Event;
import dev.hookpost.spi.StoredDelivery;
import dev.hookpost.RetryPolicy;
import dev.hookpost.SendHandle;
import dev.hookpost.Signer;
import dev.hookpost.Subscription;
import dev.hookpost.WebhookPublisher;
import dev.hookpost.WebhookVerificationException;
import dev.hookpost.WebhookVerifier;
import dev.hookpost.okhttp.OkHttpTransport;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The headline example: a shop publishes {@code order.created} webhooks; a shipping service (a
 * real HTTP server on 127.0.0.1, inside this program) verifies each signature and prints what it
 * received. Its first answer is a 503, so the retry shows. Ends by itself.
 *
 * <p>Run: {@code mvn -B -q -pl examples -am compile exec:java}
 */
public final class ShopToShipping {
  private ShopToShipping() {}

  public static void main(String[] args) throws Exception {
    String secret = Signer.generateSecret(); // shared with the shipping service out of band
    try (ShippingService shipping = ShippingService.start(secret)) {
      Subscription subscription = Subscription.builder()
          .id("shipping")
          .endpoint(shipping.url())
          .secret(secret)
          .eventTypes("order.*")
          .build();

      try (WebhookPublisher publisher = WebhookPublisher.builder()
          .transport(OkHttpTransport.builder() // the shipping service here is on loopback: allow it
              .addressGuard(AddressGuard.publicOnly().allowing("127.0.0.1"))
              .build())
          .subscription(subscription)
          .retryPolicy(RetryPolicy.exponentialBackoff().initialDelay(Duration.ofMillis(500)).maxAttempts(5).build())
          .listener(new DeliveryListener() {
            @Override
            public void onRetryScheduled(StoredDelivery delivery, Subscription s, Attempt failed, Duration delay) {
              System.out.printf("shop:     %s attempt %d got %s; retrying in %d ms%n", delivery.eventId(), failed.number(),
                  failed.describe(), delay.toMillis());
            }
          })
          .build()) {

        List<SendHandle> sent = new ArrayList<>();
        for (String orderId : List.of("A-1001", "A-1002", "A-1003")) {
          SendHandle handle = publisher.send(Event.of("order.created", Map.of("orderId", orderId, "items", 2)));
          System.out.printf("shop:     sent order.created %s as %s%n", orderId, handle.eventId());
          sent.add(handle);
        }
        for (SendHandle handle : sent) {
          for (DeliveryOutcome outcome : handle.outcomes().get(30, TimeUnit.SECONDS)) {
            System.out.printf("shop:     %s -> %s%n", handle.eventId(), describe(outcome));
          }
        }
      }
      System.out.printf("shipping: %d requests, %d verified, %d rejected%n", shipping.requests.get(),
          shipping.verified.get(), shipping.rejected.get());
    }
  }

  private static String describe(DeliveryOutcome outcome) {
    if (outcome instanceof DeliveryOutcome.Delivered d) {
      return "delivered to " + d.subscription().id() + " after " + d.attempts() + " attempt(s), HTTP " + d.status();
    }
    return outcome.toString();
  }

  /** The receiving side: verify the raw body, then answer. The first request gets a 503. */
  static final class ShippingService implements AutoCloseable {
    final HttpServer server;
    final AtomicInteger requests = new AtomicInteger();
    final AtomicInteger verified = new AtomicInteger();
    final AtomicInteger rejected = new AtomicInteger();

    private ShippingService(HttpServer server) {
      this.server = server;
    }

    static ShippingService start(String secret) throws IOException {
      WebhookVerifier verifier = WebhookVerifier.create(secret);
      HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 0);
      ShippingService service = new ShippingService(server);
      server.createContext("/webhooks", exchange -> {
        byte[] body;
        try (InputStream in = exchange.getRequestBody()) {
          body = in.readAllBytes();
        }
        int n = service.requests.incrementAndGet();
        String id = exchange.getRequestHeaders().getFirst("webhook-id");
        int status;
        if (n == 1) {
          status = 503;
          System.out.printf("shipping: %s arrived; answering 503 (busy) so the shop retries%n", id);
        } else {
          try {
            verifier.verify(exchange.getRequestHeaders(), body);
            service.verified.incrementAndGet();
            status = 204;
            System.out.printf("shipping: verified %s %s%n", id, new String(body, StandardCharsets.UTF_8));
          } catch (WebhookVerificationException e) {
            service.rejected.incrementAndGet();
            status = 400;
            System.out.printf("shipping: rejected %s: %s%n", id, e.reason());
          }
        }
        exchange.sendResponseHeaders(status, -1);
        exchange.close();
      });
      server.start();
      return service;
    }

    String url() {
      return "http://127.0.0.1:" + server.getAddress().getPort() + "/webhooks";
    }

    @Override
    public void close() {
      server.stop(0);
    }
  }
}
