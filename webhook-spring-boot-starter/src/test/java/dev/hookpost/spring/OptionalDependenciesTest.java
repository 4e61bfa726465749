package dev.hookpost.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hookpost.WebhookPublisher;
import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.autoconfigure.health.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.jdbc.datasource.DataSourceUtils;

/** The starter's optional parts switch off cleanly when the application lacks their library. */
class OptionalDependenciesTest {
  private final ApplicationContextRunner runner = new ApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(HookpostAutoConfiguration.class, HookpostReceiverAutoConfiguration.class));

  @Test
  void withoutActuatorThereIsAPublisherButNoHealthIndicator() {
    runner.withClassLoader(new FilteredClassLoader(HealthIndicator.class, ConditionalOnEnabledHealthIndicator.class))
        .run(context -> assertThat(context).hasNotFailed().hasSingleBean(WebhookPublisher.class)
            .doesNotHaveBean(HookpostHealthIndicator.class));
  }

  @Test
  void withoutSpringJdbcThereIsAPublisherButNoTransactionalSender() {
    runner.withClassLoader(new FilteredClassLoader(DataSourceUtils.class))
        .run(context -> assertThat(context).hasNotFailed().hasSingleBean(WebhookPublisher.class)
            .doesNotHaveBean(TransactionalWebhookSender.class));
  }

  @Test
  void healthIndicatorCanBeSwitchedOffLikeActuatorsOwn() {
    runner.withPropertyValues("management.health.hookpost.enabled=false")
        .run(context -> assertThat(context).doesNotHaveBean(HookpostHealthIndicator.class));
  }
}
