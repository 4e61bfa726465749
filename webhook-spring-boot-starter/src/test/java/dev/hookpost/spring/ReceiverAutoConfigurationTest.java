package dev.hookpost.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hookpost.Signer;
import dev.hookpost.WebhookVerifier;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.web.servlet.FilterRegistrationBean;

class ReceiverAutoConfigurationTest {
  private final WebApplicationContextRunner web = new WebApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(HookpostReceiverAutoConfiguration.class));

  @Test
  void secretsRegisterTheFilterOnTheConfiguredPathsFirstInTheChain() {
    web.withPropertyValues("hookpost.receiver.secrets=" + Signer.generateSecret(), "hookpost.receiver.paths=/hooks/*,/in/*")
        .run(context -> {
          FilterRegistrationBean<?> filter = context.getBean("hookpostVerificationFilter", FilterRegistrationBean.class);
          assertThat(filter.getFilter()).isInstanceOf(WebhookVerificationFilter.class);
          assertThat(filter.getUrlPatterns()).containsExactly("/hooks/*", "/in/*");
          assertThat(filter.getOrder()).isEqualTo(Integer.MIN_VALUE);
        });
  }

  @Test
  void withoutSecretsThereIsNoFilter() {
    web.run(context -> assertThat(context).doesNotHaveBean(WebhookVerifier.class)
        .doesNotHaveBean("hookpostVerificationFilter"));
  }

  @Test
  void aMalformedSecretFailsStartUpNamingTheProperty() {
    web.withPropertyValues("hookpost.receiver.secrets=whsec_short")
        .run(context -> assertThat(context).hasFailed().getFailure()
            .hasStackTraceContaining("hookpost.receiver.secrets: "));
  }

  @Test
  void outsideAServletWebApplicationThereIsNoFilter() {
    new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(HookpostReceiverAutoConfiguration.class))
        .withPropertyValues("hookpost.receiver.secrets=" + Signer.generateSecret())
        .run(context -> assertThat(context).doesNotHaveBean("hookpostVerificationFilter"));
  }
}
