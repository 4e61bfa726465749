package dev.hookpost.examples.spring;

import dev.hookpost.DeliveryOutcome;
import dev.hookpost.SendHandle;
import dev.hookpost.Signer;
import dev.hookpost.examples.spring.shipping.ShippingApplication;
import dev.hookpost.examples.spring.shipping.ShippingController;
import dev.hookpost.examples.spring.shop.OrderService;
import dev.hookpost.examples.spring.shop.ShopApplication;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The shop-to-shipping example as two Spring Boot applications in one JVM: the shipping service
 * (a web application on 127.0.0.1 whose controller sees only verified webhooks) and the shop
 * (which places orders in {@code @Transactional} methods and sends {@code order.created}
 * through the starter's JDBC outbox). One order fails inside its transaction: its webhook is
 * never sent. The shipping service answers its first request 503, so a retry shows; a forged
 * request is answered 401 before its controller runs. Ends by itself.
 *
 * <p>Run: {@code mvn -B -q -pl examples/spring-boot -am compile exec:java}
 */
public final class ShopToShippingSpringBoot {
  private ShopToShippingSpringBoot() {}

  public static void main(String[] args) throws Exception {
    String secret = Signer.generateSecret(); // shared by the two services out of band
    try (ConfigurableApplicationContext shipping = new SpringApplicationBuilder(ShippingApplication.class)
        .properties("spring.config.name=shipping", "shipping.secret=" + secret)
        .run(args)) {
      int port = ((WebServerApplicationContext) shipping).getWebServer().getPort();
      List<SendHandle> sent = new ArrayList<>();
      try (ConfigurableApplicationContext shop = new SpringApplicationBuilder(ShopApplication.class)
          .properties("spring.config.name=shop", "shipping.secret=" + secret,
              "shipping.url=http://127.0.0.1:" + port + "/webhooks/orders")
          .run(args)) {
        OrderService orders = shop.getBean(OrderService.class);
        for (String orderId : List.of("A-1001", "A-1002", "A-1003")) {
          try {
            SendHandle handle = orders.place(orderId, orderId.equals("A-1002") ? 0 : 2);
            System.out.printf("shop:     order %s committed with its order.created %s%n", orderId, handle.eventId());
            sent.add(handle);
          } catch (IllegalArgumentException e) {
            System.out.printf("shop:     order %s rolled back (%s): its webhook is never sent%n", orderId, e.getMessage());
          }
        }
        for (SendHandle handle : sent) {
          for (DeliveryOutcome outcome : handle.outcomes().get(30, TimeUnit.SECONDS)) {
            System.out.printf("shop:     %s -> %s%n", handle.eventId(), describe(outcome));
            if (!(outcome instanceof DeliveryOutcome.Delivered)) {
              throw new IllegalStateException("the example expects every committed order delivered: " + outcome);
            }
          }
        }
        System.out.printf("shop:     orders in the database: %s%n", orders.orderIds());
      } // closing the shop's context closes its publisher
      System.out.printf("forger:   shipping answered %s%n", forge(port));
      ShippingController controller = shipping.getBean(ShippingController.class);
      System.out.printf("shipping: %d requests reached the controller, %d orders to ship: %s%n",
          controller.requests(), controller.orders().size(), controller.orders());
      if (controller.orders().size() != 2) { // so that CI, which runs this example, fails when it goes wrong
        throw new IllegalStateException("expected the 2 committed orders to ship, got " + controller.orders());
      }
    }
  }

  /** Posts an order.created signed with a secret the shipping service does not know. */
  private static String forge(int port) throws Exception {
    String body = "{\"type\":\"order.created\",\"timestamp\":\"2026-01-01T00:00:00Z\",\"data\":{\"orderId\":\"X-1\"}}";
    long now = System.currentTimeMillis() / 1000;
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/webhooks/orders"))
        .header("content-type", "application/json")
        .header("webhook-id", "msg_forged")
        .header("webhook-timestamp", Long.toString(now))
        .header("webhook-signature", Signer.standardWebhooks(Signer.generateSecret())
            .sign("msg_forged", now, body.getBytes(StandardCharsets.UTF_8)))
        .POST(HttpRequest.BodyPublishers.ofString(body))
        .build();
    HttpResponse<String> response = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
    return response.statusCode() + " " + response.body();
  }

  private static String describe(DeliveryOutcome outcome) {
    if (outcome instanceof DeliveryOutcome.Delivered d) {
      return "delivered to " + d.subscription().id() + " after " + d.attempts() + " attempt(s), HTTP " + d.status();
    }
    return outcome.toString();
  }
}
