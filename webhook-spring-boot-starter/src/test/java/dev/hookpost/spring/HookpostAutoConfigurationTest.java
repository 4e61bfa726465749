package dev.hookpost.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hookpost.DeliveryListener;
import dev.hookpost.DeliveryOutcome;
import dev.hookpost.Event;
import dev.hookpost.RetryPolicy;
import dev.hookpost.SendHandle;
import dev.hookpost.Subscription;
import dev.hookpost.SubscriptionRegistry;
import dev.hookpost.WebhookPublisher;
import dev.hookpost.jdbc.JdbcDeliveryStore;
import dev.hookpost.spi.DeliveryState;
import dev.hookpost.spi.DeliveryQuery;
import dev.hookpost.spi.Transport;
import dev.hookpost.testing.Answer;
import dev.hookpost.testing.FakeWebhookReceiver;
import dev.hookpost.testing.RecordingTransport;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.Status;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.jackson.JacksonAutoConfiguration;
import org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration;
import org.springframework.boot.autoconfigure.jdbc.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.autoconfigure.transaction.TransactionAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.transaction.support.TransactionTemplate;

class HookpostAutoConfigurationTest {
  @RegisterExtension
  static FakeWebhookReceiver receiver = FakeWebhookReceiver.create();

  private final ApplicationContextRunner runner = new ApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(HookpostAutoConfiguration.class));

  /** Properties for one subscription to the fake receiver, which the address guard lets through. */
  private String[] toReceiver(String... more) {
    List<String> props = new java.util.ArrayList<>(List.of(
        "hookpost.subscriptions[0].id=shipping",
        "hookpost.subscriptions[0].endpoint=" + receiver.url(),
        "hookpost.subscriptions[0].secrets=" + receiver.secret(),
        "hookpost.subscriptions[0].event-types=order.*",
        "hookpost.http.allow=127.0.0.1"));
    props.addAll(List.of(more));
    return props.toArray(String[]::new);
  }

  private static List<DeliveryOutcome> outcomes(SendHandle handle) throws Exception {
    return handle.outcomes().get(10, TimeUnit.SECONDS);
  }

  @Test
  void publisherFromPropertiesDeliversSignedEventsToTheSubscription() {
    runner.withPropertyValues(toReceiver()).run(context -> {
      WebhookPublisher publisher = context.getBean(WebhookPublisher.class);
      assertThat(outcomes(publisher.send(Event.of("order.created", Map.of("orderId", "A-1")))))
          .singleElement().isInstanceOf(DeliveryOutcome.Delivered.class);
      assertThat(receiver.deliveries()).singleElement().satisfies(d -> {
        assertThat(d.signatureValid()).isTrue();
        assertThat(d.json("/data/orderId").asText()).isEqualTo("A-1");
      });
    });
  }

  @Test
  void loopbackEndpointIsRejectedUnlessTheAllowListNamesIt() {
    runner.withPropertyValues(toReceiver("hookpost.http.allow=")).run(context -> {
      SendHandle handle = context.getBean(WebhookPublisher.class).send(Event.of("order.created", Map.of()));
      assertThat(outcomes(handle)).singleElement().isInstanceOf(DeliveryOutcome.Rejected.class);
      assertThat(receiver.deliveries()).isEmpty();
    });
  }

  @Test
  void retryPropertiesRetryAndGiveUpOnTheNamedStatus() {
    receiver.respondWith(Answer.status(503), Answer.status(400));
    runner.withPropertyValues(toReceiver("hookpost.retry.policy=fixed", "hookpost.retry.delays=10ms,10ms,10ms",
        "hookpost.retry.give-up-on-status=400")).run(context -> {
          SendHandle handle = context.getBean(WebhookPublisher.class).send(Event.of("order.created", Map.of()));
          assertThat(outcomes(handle)).singleElement().isInstanceOfSatisfying(DeliveryOutcome.GaveUp.class,
              g -> assertThat(g.attempts()).isEqualTo(2));
        });
  }

  @Test
  void eventsAreSerializedWithTheApplicationsObjectMapper() {
    record OrderCreated(String orderId) {}
    runner.withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class))
        .withPropertyValues(toReceiver("spring.jackson.property-naming-strategy=SNAKE_CASE"))
        .run(context -> {
          outcomes(context.getBean(WebhookPublisher.class).send(Event.of("order.created", new OrderCreated("A-2"))));
          assertThat(receiver.deliveries()).singleElement()
              .satisfies(d -> assertThat(d.json("/data/order_id").asText()).isEqualTo("A-2"));
        });
  }

  @Test
  void theApplicationsOwnBeansReplaceTheAutoConfiguredOnes() {
    RecordingTransport transport = RecordingTransport.create();
    List<String> heard = new CopyOnWriteArrayList<>();
    runner.withBean(Transport.class, () -> transport)
        .withBean(RetryPolicy.class, RetryPolicy::none)
        .withBean(DeliveryListener.class, () -> new DeliveryListener() {
          @Override
          public void onOutcome(DeliveryOutcome outcome) {
            heard.add(outcome.eventId());
          }
        })
        .withBean(WebhookPublisherCustomizer.class,
            () -> b -> b.subscription(transport.subscription("https://shipping.example.com/hooks")))
        .run(context -> {
          assertThat(context).hasSingleBean(Transport.class).hasSingleBean(RetryPolicy.class);
          SendHandle handle = context.getBean(WebhookPublisher.class).send(Event.of("order.created", Map.of()));
          assertThat(outcomes(handle)).singleElement().isInstanceOf(DeliveryOutcome.Delivered.class);
          assertThat(transport.deliveries()).hasSize(1);
          assertThat(heard).containsExactly(handle.eventId());
        });
  }

  @Test
  void anOwnPublisherBeanTurnsTheAutoConfiguredOneOff() {
    WebhookPublisher own = WebhookPublisher.builder().transport(RecordingTransport.create()).build();
    runner.withBean("myPublisher", WebhookPublisher.class, () -> own).run(context -> {
      assertThat(context).hasSingleBean(WebhookPublisher.class);
      assertThat(context.getBean(WebhookPublisher.class)).isSameAs(own);
      assertThat(context).doesNotHaveBean("webhookPublisher");
    });
  }

  @Test
  void subscriptionPropertyWithoutSecretFailsStartUpNamingIt() {
    runner.withPropertyValues("hookpost.subscriptions[0].endpoint=https://shipping.example.com/hooks")
        .run(context -> assertThat(context).hasFailed().getFailure()
            .hasStackTraceContaining("hookpost.subscriptions[0]: secret is required"));
  }

  @Test
  void subscriptionPropertiesBesideAnOwnRegistryFailStartUp() {
    runner.withPropertyValues(toReceiver())
        .withBean(SubscriptionRegistry.class, SubscriptionRegistry::inMemory)
        .run(context -> assertThat(context).hasFailed().getFailure()
            .rootCause().hasMessageContaining("hookpost.subscriptions are set"));
  }

  @Test
  void disabledPropertyLeavesNoPublisher() {
    runner.withPropertyValues("hookpost.enabled=false")
        .run(context -> assertThat(context).doesNotHaveBean(WebhookPublisher.class));
  }

  @Test
  void healthIsUpListingDisabledSubscriptionsAndDownOnceClosed() {
    runner.withPropertyValues(toReceiver("hookpost.subscriptions[1].id=billing",
        "hookpost.subscriptions[1].endpoint=https://billing.example.com/secret-path/hooks",
        "hookpost.subscriptions[1].secrets=" + receiver.secret(), "hookpost.subscriptions[1].enabled=false"))
        .run(context -> {
          HookpostHealthIndicator health = context.getBean("hookpostHealthIndicator", HookpostHealthIndicator.class);
          Health up = health.health();
          assertThat(up.getStatus()).isEqualTo(Status.UP);
          assertThat(up.getDetails()).containsEntry("subscriptions", 2).containsEntry("disabledSubscriptions",
              List.of(Map.of("id", "billing", "endpoint", "https://billing.example.com/…")));
          context.getBean(WebhookPublisher.class).close();
          assertThat(health.health().getStatus()).isEqualTo(Status.DOWN);
        });
  }

  @Test
  void closingTheContextLetsAnAttemptInFlightFinishThenRefusesSends() throws Exception {
    receiver.respondWith(Answer.status(204).after(Duration.ofMillis(300)));
    WebhookPublisher[] publisher = new WebhookPublisher[1];
    SendHandle[] handle = new SendHandle[1];
    runner.withPropertyValues(toReceiver()).run(context -> {
      publisher[0] = context.getBean(WebhookPublisher.class);
      handle[0] = publisher[0].send(Event.of("order.created", Map.of()));
      receiver.awaitDeliveries(1, Duration.ofSeconds(5)); // on the wire, its answer 300 ms away
    });
    assertThat(outcomes(handle[0])).singleElement().isInstanceOf(DeliveryOutcome.Delivered.class);
    assertThat(publisher[0].isClosed()).isTrue();
    assertThatThrownBy(() -> publisher[0].send(Event.of("order.created", Map.of())))
        .hasMessageContaining("closed");
  }

  @Test
  void jdbcStoreUsesTheApplicationsDataSource() {
    jdbc().run(context -> {
      assertThat(context).hasSingleBean(JdbcDeliveryStore.class);
      SendHandle handle = context.getBean(WebhookPublisher.class).send(Event.of("order.created", Map.of()));
      assertThat(outcomes(handle)).singleElement().isInstanceOf(DeliveryOutcome.Delivered.class);
      assertThat(context.getBean(WebhookPublisher.class).deliveries()
          .find(DeliveryQuery.inState(DeliveryState.DELIVERED))).extracting(d -> d.eventId())
          .containsExactly(handle.eventId());
    });
  }

  @Test
  void retentionShorterThanAnHourFailsStartUpNamingTheProperty() {
    runner.withPropertyValues(toReceiver("hookpost.retention.delivered=10m"))
        .run(context -> assertThat(context).hasFailed().getFailure()
            .hasStackTraceContaining("hookpost.retention: delivered"));
  }

  @Test
  void jdbcStoreWithInstantPickupOffStillDelivers() {
    jdbc().withPropertyValues("hookpost.jdbc.instant-pickup=false").run(context -> {
      assertThat(context.getBean(HookpostProperties.class).getJdbc().getInstantPickup()).isFalse();
      SendHandle handle = context.getBean(WebhookPublisher.class).send(Event.of("order.created", Map.of()));
      assertThat(outcomes(handle)).singleElement().isInstanceOf(DeliveryOutcome.Delivered.class);
    });
  }

  @Test
  void jdbcStoreWithCompactionOffStillDelivers() {
    jdbc().withPropertyValues("hookpost.jdbc.compact-after-purge=false").run(context -> {
      assertThat(context.getBean(HookpostProperties.class).getJdbc().getCompactAfterPurge()).isFalse();
      SendHandle handle = context.getBean(WebhookPublisher.class).send(Event.of("order.created", Map.of()));
      assertThat(outcomes(handle)).singleElement().isInstanceOf(DeliveryOutcome.Delivered.class);
    });
  }

  @Test
  void jdbcStoreWithoutADataSourceFailsStartUp() {
    runner.withPropertyValues(toReceiver("hookpost.store=jdbc"))
        .run(context -> assertThat(context).hasFailed().getFailure()
            .rootCause().hasMessageContaining("hookpost.store=jdbc needs"));
  }

  @Test
  void sendInACommittedTransactionIsDelivered() {
    jdbc().run(context -> {
      TransactionalWebhookSender sender = context.getBean(TransactionalWebhookSender.class);
      SendHandle handle = new TransactionTemplate(context.getBean(
          org.springframework.transaction.PlatformTransactionManager.class))
          .execute(status -> sender.send(Event.of("order.created", Map.of("orderId", "A-3"))));
      assertThat(outcomes(handle)).singleElement().isInstanceOf(DeliveryOutcome.Delivered.class);
      assertThat(receiver.deliveries()).singleElement().satisfies(d -> assertThat(d.webhookId()).isEqualTo(handle.eventId()));
    });
  }

  @Test
  void sendInARolledBackTransactionLeavesNothingToSend() {
    jdbc().run(context -> {
      TransactionalWebhookSender sender = context.getBean(TransactionalWebhookSender.class);
      WebhookPublisher publisher = context.getBean(WebhookPublisher.class);
      String rolledBack = new TransactionTemplate(context.getBean(
          org.springframework.transaction.PlatformTransactionManager.class)).execute(status -> {
            SendHandle h = sender.send(Event.of("order.created", Map.of("orderId", "A-4")));
            status.setRollbackOnly();
            return h.eventId();
          });
      SendHandle committed = sender.send(Event.of("order.created", Map.of("orderId", "A-5"))); // no transaction
      assertThat(outcomes(committed)).singleElement().isInstanceOf(DeliveryOutcome.Delivered.class);
      assertThat(publisher.deliveries().find(DeliveryQuery.inState(DeliveryState.PENDING, DeliveryState.values())))
          .extracting(d -> d.eventId()).containsExactly(committed.eventId());
      assertThat(receiver.deliveries()).extracting(d -> d.webhookId()).doesNotContain(rolledBack);
    });
  }

  @Test
  void sendInATransactionWithTheInMemoryStoreIsRefused() {
    runner.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class,
            DataSourceTransactionManagerAutoConfiguration.class, TransactionAutoConfiguration.class))
        .withPropertyValues(toReceiver("spring.datasource.url=jdbc:h2:mem:memory-store;DB_CLOSE_DELAY=-1"))
        .run(context -> {
          TransactionalWebhookSender sender = context.getBean(TransactionalWebhookSender.class);
          TransactionTemplate tx = context.getBean(TransactionTemplate.class);
          assertThatThrownBy(() -> tx.executeWithoutResult(s -> sender.send(Event.of("order.created", Map.of()))))
              .isInstanceOf(IllegalStateException.class).hasMessageContaining("hookpost.store=jdbc");
          assertThat(receiver.deliveries()).isEmpty();
        });
  }

  /** The publisher over H2 through Spring's own DataSource and transaction manager. */
  private ApplicationContextRunner jdbc() {
    return runner.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class,
            DataSourceTransactionManagerAutoConfiguration.class, TransactionAutoConfiguration.class))
        .withPropertyValues(toReceiver("hookpost.store=jdbc", "hookpost.jdbc.poll-interval=20ms",
            "spring.datasource.url=jdbc:h2:mem:" + java.util.UUID.randomUUID() + ";DB_CLOSE_DELAY=-1"));
  }
}
