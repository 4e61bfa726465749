package dev.hookpost.spring;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hookpost.DeliveryListener;
import dev.hookpost.EventCodec;
import dev.hookpost.RetryPolicy;
import dev.hookpost.SubscriptionRegistry;
import dev.hookpost.WebhookPublisher;
import dev.hookpost.jdbc.JdbcDeliveryStore;
import dev.hookpost.spi.DeliveryStore;
import dev.hookpost.spi.TransactionalDeliveryStore;
import dev.hookpost.spi.Transport;
import javax.sql.DataSource;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.health.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.actuate.health.AbstractHealthIndicator;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.datasource.DataSourceUtils;

/**
 * Auto-configures a {@link WebhookPublisher} from {@code hookpost.*} properties
 * ({@link HookpostProperties}), closed with the application context. Every bean backs off when
 * the application defines its own of the same type:
 * <ul>
 *   <li>{@link Transport}: an {@code OkHttpTransport} from {@code hookpost.http.*} (owned and
 *       closed by the publisher)
 *   <li>{@link RetryPolicy} from {@code hookpost.retry.*}
 *   <li>{@link EventCodec}: Jackson over the application's {@link ObjectMapper} when it has one
 *   <li>{@link DeliveryStore}: with {@code hookpost.store=jdbc}, a {@link JdbcDeliveryStore} over
 *       the application's {@link DataSource}; otherwise the publisher's in-memory store
 *   <li>{@link WebhookPublisher}: the subscriptions of {@code hookpost.subscriptions}, or the
 *       application's {@link SubscriptionRegistry} bean; every {@link DeliveryListener} bean;
 *       then every {@link WebhookPublisherCustomizer} bean
 *   <li>{@link TransactionalWebhookSender} (with spring-jdbc): sends that join
 *       {@code @Transactional} methods
 *   <li>{@link HookpostHealthIndicator} (with Actuator), named {@code hookpost}
 * </ul>
 * {@code hookpost.enabled=false} turns all of it off.
 */
@AutoConfiguration(afterName = {
    "org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration",
    "org.springframework.boot.autoconfigure.jackson.JacksonAutoConfiguration"})
@ConditionalOnProperty(prefix = "hookpost", name = "enabled", matchIfMissing = true)
@EnableConfigurationProperties(HookpostProperties.class)
public class HookpostAutoConfiguration {

  /** The transport of {@code hookpost.http.*}; the publisher closes it, so Spring does not. */
  @Bean(destroyMethod = "")
  @ConditionalOnMissingBean
  public Transport hookpostTransport(HookpostProperties properties) {
    return PropertiesMapping.transport(properties.getHttp());
  }

  /** The retry policy of {@code hookpost.retry.*}. */
  @Bean
  @ConditionalOnMissingBean
  public RetryPolicy hookpostRetryPolicy(HookpostProperties properties) {
    return PropertiesMapping.retryPolicy(properties.getRetry());
  }

  /** Jackson over the application's {@link ObjectMapper}, or the library's own when it has none. */
  @Bean
  @ConditionalOnMissingBean
  public EventCodec hookpostEventCodec(ObjectProvider<ObjectMapper> objectMapper) {
    ObjectMapper mapper = objectMapper.getIfUnique();
    return mapper == null ? EventCodec.jackson() : EventCodec.jackson(mapper);
  }

  /**
   * The publisher, closed with the context (after the web server stopped taking requests, before
   * the DataSource closes): attempts in flight get {@code hookpost.shutdown-timeout}.
   *
   * @throws IllegalArgumentException if a property is invalid (naming it), or subscriptions are
   *     given both as properties and as a {@link SubscriptionRegistry} bean
   * @throws IllegalStateException if {@code hookpost.store=jdbc} but there is no store bean
   */
  @Bean(destroyMethod = "close")
  @ConditionalOnMissingBean
  public WebhookPublisher webhookPublisher(HookpostProperties properties, Transport transport, RetryPolicy retryPolicy,
      EventCodec codec, ObjectProvider<SubscriptionRegistry> registry, ObjectProvider<DeliveryStore> store,
      ObjectProvider<DeliveryListener> listeners, ObjectProvider<WebhookPublisherCustomizer> customizers) {
    WebhookPublisher.Builder builder = WebhookPublisher.builder()
        .transport(transport)
        .retryPolicy(retryPolicy)
        .codec(codec);
    SubscriptionRegistry own = registry.getIfUnique();
    if (own == null) {
      PropertiesMapping.subscriptions(properties).forEach(builder::subscription);
    } else if (!properties.getSubscriptions().isEmpty()) {
      throw new IllegalArgumentException("hookpost.subscriptions are set, but the application defines its own"
          + " SubscriptionRegistry bean " + own + "; add those subscriptions to the registry instead");
    } else {
      builder.registry(own);
    }
    DeliveryStore deliveryStore = store.getIfUnique();
    if (deliveryStore != null) {
      builder.store(deliveryStore);
    } else if (properties.getStore() == HookpostProperties.Store.JDBC) {
      throw new IllegalStateException("hookpost.store=jdbc needs spring-jdbc and a DataSource (e.g."
          + " spring-boot-starter-jdbc with spring.datasource.url), or a DeliveryStore bean of your own");
    }
    PropertiesMapping.configure(builder, properties);
    listeners.orderedStream().forEach(builder::listener);
    customizers.orderedStream().forEach(c -> c.customize(builder));
    return builder.build();
  }

  /** The durable store of {@code hookpost.store=jdbc}, over the application's DataSource. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(DataSourceUtils.class)
  @ConditionalOnProperty(prefix = "hookpost", name = "store", havingValue = "jdbc")
  static class JdbcStoreConfiguration {

    @Bean
    @ConditionalOnMissingBean(DeliveryStore.class)
    JdbcDeliveryStore hookpostDeliveryStore(ObjectProvider<DataSource> dataSource, HookpostProperties properties) {
      DataSource ds = dataSource.getIfUnique();
      if (ds == null) {
        throw new IllegalStateException("hookpost.store=jdbc needs one DataSource bean (e.g. spring-boot-starter-jdbc"
            + " with spring.datasource.url); found none or several");
      }
      JdbcDeliveryStore.Builder b = JdbcDeliveryStore.builder(ds);
      String prefix = properties.getJdbc().getTablePrefix();
      if (prefix != null) {
        b.tablePrefix(prefix);
      }
      Boolean instantPickup = properties.getJdbc().getInstantPickup();
      if (instantPickup != null) {
        b.instantPickup(instantPickup);
      }
      Boolean compact = properties.getJdbc().getCompactAfterPurge();
      if (compact != null) {
        b.compactAfterPurge(compact);
      }
      return b.build();
    }
  }

  /** Sends that join the caller's Spring transaction. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(DataSourceUtils.class)
  static class TransactionConfiguration {

    @Bean
    @ConditionalOnMissingBean
    TransactionalWebhookSender transactionalWebhookSender(WebhookPublisher publisher,
        ObjectProvider<DeliveryStore> store, ObjectProvider<DataSource> dataSource) {
      boolean transactional = store.getIfUnique() instanceof TransactionalDeliveryStore;
      return new TransactionalWebhookSender(publisher, transactional ? dataSource.getIfUnique() : null);
    }
  }

  /** Actuator's {@code hookpost} health contributor. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass({AbstractHealthIndicator.class, ConditionalOnEnabledHealthIndicator.class})
  @ConditionalOnEnabledHealthIndicator("hookpost")
  static class HealthConfiguration {

    @Bean
    @ConditionalOnMissingBean(name = "hookpostHealthIndicator")
    HookpostHealthIndicator hookpostHealthIndicator(WebhookPublisher publisher) {
      return new HookpostHealthIndicator(publisher);
    }
  }
}
