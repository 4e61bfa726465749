package dev.hookpost.spring;

import dev.hookpost.WebhookVerifier;
import jakarta.servlet.Filter;
import java.util.List;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.type.AnnotatedTypeMetadata;
import org.springframework.web.method.support.HandlerMethodArgumentResolver;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * The receiving side, in a servlet web application whose {@code hookpost.receiver.secrets} is
 * set: a {@link WebhookVerificationFilter} on {@code hookpost.receiver.paths} (default
 * {@code /webhooks/*}), run before any other filter, and with Spring MVC the
 * {@link VerifiedWebhook} controller parameter. Each bean backs off when the application
 * defines its own ({@link WebhookVerifier}, or a bean named {@code hookpostVerificationFilter}).
 */
@AutoConfiguration
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass(Filter.class)
@Conditional(HookpostReceiverAutoConfiguration.SecretsSet.class)
@EnableConfigurationProperties(HookpostProperties.class)
public class HookpostReceiverAutoConfiguration {

  /** A verifier over {@code hookpost.receiver.secrets} and {@code tolerance}. */
  @Bean
  @ConditionalOnMissingBean
  public WebhookVerifier hookpostWebhookVerifier(HookpostProperties properties) {
    HookpostProperties.Receiver receiver = properties.getReceiver();
    WebhookVerifier verifier;
    try {
      verifier = WebhookVerifier.create(receiver.getSecrets().toArray(String[]::new));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("hookpost.receiver.secrets: " + e.getMessage(), e);
    }
    return receiver.getTolerance() == null ? verifier : verifier.withTolerance(receiver.getTolerance());
  }

  /** The filter on {@code hookpost.receiver.paths}, first in the chain. */
  @Bean
  @ConditionalOnMissingBean(name = "hookpostVerificationFilter")
  public FilterRegistrationBean<WebhookVerificationFilter> hookpostVerificationFilter(WebhookVerifier verifier,
      HookpostProperties properties) {
    HookpostProperties.Receiver receiver = properties.getReceiver();
    FilterRegistrationBean<WebhookVerificationFilter> registration =
        new FilterRegistrationBean<>(new WebhookVerificationFilter(verifier, receiver.getMaxBodyBytes()));
    registration.setUrlPatterns(receiver.getPaths());
    registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
    registration.setName("hookpostVerificationFilter");
    return registration;
  }

  /** The {@link VerifiedWebhook} controller parameter. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(WebMvcConfigurer.class)
  static class MvcConfiguration {

    @Bean
    WebMvcConfigurer hookpostVerifiedWebhookArgument() {
      return new WebMvcConfigurer() {
        @Override
        public void addArgumentResolvers(List<HandlerMethodArgumentResolver> resolvers) {
          resolvers.add(new VerifiedWebhookArgumentResolver());
        }
      };
    }
  }

  /** Matches when {@code hookpost.receiver.secrets} holds at least one value, in any of its forms. */
  static final class SecretsSet extends SpringBootCondition {
    @Override
    public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
      boolean set = Binder.get(context.getEnvironment())
          .bind("hookpost.receiver.secrets", Bindable.listOf(String.class))
          .map(list -> !list.isEmpty())
          .orElse(false);
      return set ? ConditionOutcome.match("hookpost.receiver.secrets is set")
          : ConditionOutcome.noMatch("hookpost.receiver.secrets is not set");
    }
  }
}
