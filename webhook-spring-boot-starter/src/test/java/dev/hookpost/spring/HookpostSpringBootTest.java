package dev.hookpost.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hookpost.DeliveryOutcome;
import dev.hookpost.Event;
import dev.hookpost.SendHandle;
import dev.hookpost.Signer;
import dev.hookpost.Subscription;
import dev.hookpost.WebhookPublisher;
import dev.hookpost.testing.FakeWebhookReceiver;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.actuate.autoconfigure.endpoint.EndpointAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.endpoint.web.WebEndpointAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.health.HealthContributorAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.health.HealthEndpointAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.web.server.ManagementContextAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.web.servlet.ServletManagementContextAutoConfiguration;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.autoconfigure.context.PropertyPlaceholderAutoConfiguration;
import org.springframework.boot.autoconfigure.http.HttpMessageConvertersAutoConfiguration;
import org.springframework.boot.autoconfigure.jackson.JacksonAutoConfiguration;
import org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration;
import org.springframework.boot.autoconfigure.jdbc.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.autoconfigure.jdbc.JdbcTemplateAutoConfiguration;
import org.springframework.boot.autoconfigure.transaction.TransactionAutoConfiguration;
import org.springframework.boot.autoconfigure.web.servlet.DispatcherServletAutoConfiguration;
import org.springframework.boot.autoconfigure.web.servlet.ServletWebServerFactoryAutoConfiguration;
import org.springframework.boot.autoconfigure.web.servlet.WebMvcAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * The starter in a whole Spring Boot application on a real Tomcat: a {@code @Transactional}
 * service sending through the JDBC outbox to {@link FakeWebhookReceiver}, and a controller
 * receiving webhooks behind the verification filter.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
    "hookpost.store=jdbc",
    "hookpost.jdbc.poll-interval=20ms",
    "hookpost.http.allow=127.0.0.1",
    "hookpost.receiver.secrets=" + HookpostSpringBootTest.RECEIVER_SECRET,
    "spring.datasource.url=jdbc:h2:mem:boot-test;DB_CLOSE_DELAY=-1",
    "management.endpoints.web.exposure.include=health",
    "management.endpoint.health.show-details=always",
    "logging.level.root=WARN",
    "spring.main.banner-mode=off"})
class HookpostSpringBootTest {
  static final String RECEIVER_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

  @RegisterExtension
  static FakeWebhookReceiver receiver = FakeWebhookReceiver.create();

  /** The whole list in one property source: Spring Boot does not merge a list across sources. */
  @DynamicPropertySource
  static void subscriptionToTheReceiver(DynamicPropertyRegistry registry) {
    registry.add("hookpost.subscriptions[0].id", () -> "shipping");
    registry.add("hookpost.subscriptions[0].event-types", () -> "order.*");
    registry.add("hookpost.subscriptions[0].endpoint", receiver::url);
    registry.add("hookpost.subscriptions[0].secrets", receiver::secret);
  }

  /** The auto-configurations this application needs, not all on the class path: a faster start. */
  @SpringBootConfiguration
  @ImportAutoConfiguration({
      PropertyPlaceholderAutoConfiguration.class,
      DataSourceAutoConfiguration.class, DataSourceTransactionManagerAutoConfiguration.class,
      TransactionAutoConfiguration.class, JdbcTemplateAutoConfiguration.class,
      JacksonAutoConfiguration.class, HttpMessageConvertersAutoConfiguration.class,
      ServletWebServerFactoryAutoConfiguration.class, DispatcherServletAutoConfiguration.class,
      WebMvcAutoConfiguration.class,
      EndpointAutoConfiguration.class, WebEndpointAutoConfiguration.class, HealthEndpointAutoConfiguration.class,
      HealthContributorAutoConfiguration.class, ManagementContextAutoConfiguration.class,
      ServletManagementContextAutoConfiguration.class,
      HookpostAutoConfiguration.class, HookpostReceiverAutoConfiguration.class})
  @Import({Orders.class, ShippingController.class})
  static class App {}

  /** The shop: an order and its webhook commit or roll back together. */
  static class Orders {
    private final JdbcTemplate jdbc;
    private final TransactionalWebhookSender webhooks;

    Orders(JdbcTemplate jdbc, TransactionalWebhookSender webhooks) {
      this.jdbc = jdbc;
      this.webhooks = webhooks;
      jdbc.execute("create table if not exists orders (id varchar(20) primary key)");
    }

    @Transactional
    public SendHandle place(String orderId, boolean outOfStock) {
      jdbc.update("insert into orders (id) values (?)", orderId);
      SendHandle handle = webhooks.send(Event.of("order.created", Map.of("orderId", orderId)));
      if (outOfStock) {
        throw new IllegalStateException("out of stock: " + orderId);
      }
      return handle;
    }
  }

  /** The receiving side: reached only by verified webhooks. */
  @RestController
  static class ShippingController {
    final List<VerifiedWebhook> received = new CopyOnWriteArrayList<>();
    final List<Map<String, Object>> bodies = new CopyOnWriteArrayList<>();

    @PostMapping("/webhooks/shipments")
    ResponseEntity<Void> shipments(VerifiedWebhook webhook, @RequestBody Map<String, Object> envelope) {
      received.add(webhook);
      bodies.add(envelope);
      return ResponseEntity.noContent().build();
    }
  }

  @Autowired
  Orders orders;
  @Autowired
  ShippingController shipping;
  @Autowired
  WebhookPublisher publisher;
  @Autowired
  JdbcTemplate jdbc;
  @LocalServerPort
  int port;

  private final HttpClient http = HttpClient.newHttpClient();

  @Test
  void aCommittedOrderIsDeliveredAndARolledBackOneNeverSent() throws Exception {
    SendHandle placed = orders.place("A-1001", false);
    assertThatThrownBy(() -> orders.place("A-1002", true)).hasMessageContaining("out of stock");

    assertThat(placed.outcomes().get(10, TimeUnit.SECONDS)).singleElement().isInstanceOf(DeliveryOutcome.Delivered.class);
    assertThat(receiver.deliveries()).singleElement().satisfies(d -> {
      assertThat(d.signatureValid()).isTrue();
      assertThat(d.json("/data/orderId").asText()).isEqualTo("A-1001");
    });
    assertThat(jdbc.queryForList("select id from orders", String.class)).containsExactly("A-1001");
    assertThat(jdbc.queryForList("select event_id from hookpost_events where event_type = 'order.created'",
        String.class)).containsExactly(placed.eventId());
  }

  @Test
  void aSignedWebhookReachesTheControllerWithItsVerifiedBody() throws Exception {
    publisher.subscriptions().add(Subscription.builder().id("self").eventTypes("shipment.*")
        .endpoint("http://127.0.0.1:" + port + "/webhooks/shipments").secret(RECEIVER_SECRET).build());
    try {
      SendHandle handle = publisher.send(Event.of("shipment.requested", Map.of("orderId", "A-1003")));
      assertThat(handle.outcomes().get(10, TimeUnit.SECONDS)).singleElement()
          .isInstanceOf(DeliveryOutcome.Delivered.class);
      assertThat(shipping.received).extracting(VerifiedWebhook::id).contains(handle.eventId());
      assertThat(shipping.bodies).anySatisfy(body -> assertThat(body).containsEntry("type", "shipment.requested")
          .containsEntry("data", Map.of("orderId", "A-1003")));
    } finally {
      publisher.subscriptions().remove("self");
    }
  }

  @Test
  void anUnsignedRequestIsAnswered401WithTheReasonAndNeverReachesTheController() throws Exception {
    int before = shipping.received.size();

    HttpResponse<String> response = post(Map.of(), "{\"type\":\"shipment.requested\"}");

    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(response.body()).startsWith("MISSING_HEADER: the webhook-id header is missing");
    assertThat(shipping.received).hasSize(before);
  }

  @Test
  void aRequestSignedWithAnotherSecretIsAnswered401() throws Exception {
    String body = "{\"type\":\"shipment.requested\",\"data\":{\"forged\":true}}";
    long now = System.currentTimeMillis() / 1000;
    String signature = Signer.standardWebhooks(Signer.generateSecret())
        .sign("msg_forged", now, body.getBytes(StandardCharsets.UTF_8));
    int before = shipping.received.size();

    HttpResponse<String> response = post(Map.of("webhook-id", "msg_forged", "webhook-timestamp", Long.toString(now),
        "webhook-signature", signature), body);

    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(response.body()).startsWith("NO_MATCHING_SIGNATURE");
    assertThat(shipping.received).hasSize(before);
  }

  @Test
  void actuatorHealthShowsThePublisher() throws Exception {
    HttpResponse<String> response = http.send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + port + "/actuator/health/hookpost")).build(),
        HttpResponse.BodyHandlers.ofString());

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).contains("\"status\":\"UP\"").contains("\"disabledSubscriptions\":[]");
  }

  private HttpResponse<String> post(Map<String, String> headers, String body) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/webhooks/shipments"))
        .timeout(Duration.ofSeconds(5))
        .header("content-type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body));
    headers.forEach(request::header);
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }
}
