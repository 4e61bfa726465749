package dev.hookpost.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hookpost.Attempt;
import dev.hookpost.RetryPolicy;
import dev.hookpost.Subscription;
import dev.hookpost.spi.TransportResponse;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PropertiesMappingTest {

  private static Attempt answered(int number, int status) {
    return Attempt.answered(number, Instant.EPOCH, Duration.ZERO, TransportResponse.of(status), null);
  }

  @Test
  void aSubscriptionCarriesEveryPropertyGiven() {
    HookpostProperties properties = new HookpostProperties();
    HookpostProperties.SubscriptionProperties p = new HookpostProperties.SubscriptionProperties();
    p.setId("shipping");
    p.setEndpoint("https://shipping.example.com/hooks");
    p.setSecrets(List.of(dev.hookpost.Signer.generateSecret()));
    p.setEventTypes(List.of("order.*"));
    p.setHeaders(Map.of("x-api-key", "k"));
    p.setEnabled(false);
    properties.getSubscriptions().add(p);

    Subscription s = PropertiesMapping.subscriptions(properties).get(0);

    assertThat(s.id()).isEqualTo("shipping");
    assertThat(s.eventTypes()).containsExactly("order.*");
    assertThat(s.headers()).containsEntry("x-api-key", "k");
    assertThat(s.enabled()).isFalse();
  }

  @Test
  void fixedPolicyWithoutDelaysIsRefusedNamingTheProperty() {
    HookpostProperties.Retry retry = new HookpostProperties.Retry();
    retry.setPolicy(HookpostProperties.RetryKind.FIXED);

    assertThatThrownBy(() -> PropertiesMapping.retryPolicy(retry))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("hookpost.retry.delays");
  }

  @Test
  void exponentialPolicyTakesItsSettingsAndGivesUpOnTheNamedStatuses() {
    HookpostProperties.Retry retry = new HookpostProperties.Retry();
    retry.setPolicy(HookpostProperties.RetryKind.EXPONENTIAL);
    retry.setMaxAttempts(2);
    retry.setGiveUpOnStatus(List.of(422));

    RetryPolicy policy = PropertiesMapping.retryPolicy(retry);

    assertThat(policy.nextDelay(answered(1, 503))).isPresent();
    assertThat(policy.nextDelay(answered(1, 422))).isEqualTo(Optional.empty());
    assertThat(policy.nextDelay(answered(2, 503))).isEqualTo(Optional.empty());
  }

  @Test
  void theAddressGuardAdmitsOnlyWhatTheAllowListNames() throws Exception {
    HookpostProperties.Http http = new HookpostProperties.Http();
    http.setAllow(List.of("10.20.0.0/16"));

    var guard = PropertiesMapping.addressGuard(http);

    guard.check("hooks.internal", InetAddress.getByName("10.20.1.2"));
    assertThatThrownBy(() -> guard.check("db.internal", InetAddress.getByName("10.30.1.2")))
        .hasMessageContaining("10.30.1.2");
  }

  @Test
  void anInvalidPublisherSettingIsRefusedNamingHookpost() {
    HookpostProperties properties = new HookpostProperties();
    properties.getEndpoint().setMaxConcurrency(0);

    assertThatThrownBy(() -> PropertiesMapping.configure(dev.hookpost.WebhookPublisher.builder(), properties))
        .hasMessageStartingWith("hookpost: maxConcurrencyPerEndpoint");
  }

  @Test
  void retentionLeftUnsetIsTheLibrarysDefault() {
    assertThat(PropertiesMapping.retention(new HookpostProperties().getRetention()))
        .isEqualTo(dev.hookpost.Retention.defaults());
  }

  @Test
  void retentionTakesWhatIsSetAndTheDefaultForTheRest() {
    HookpostProperties.Retention r = new HookpostProperties().getRetention();
    r.setDelivered(Duration.ofDays(3));

    assertThat(PropertiesMapping.retention(r))
        .isEqualTo(dev.hookpost.Retention.of(Duration.ofDays(3), Duration.ofDays(30)));
  }

  @Test
  void retentionDisabledKeepsEverythingForever() {
    HookpostProperties.Retention r = new HookpostProperties().getRetention();
    r.setEnabled(false);
    r.setDelivered(Duration.ofDays(3));

    assertThat(PropertiesMapping.retention(r).keepsForever()).isTrue();
  }

  @Test
  void retentionBelowAnHourIsRefusedNamingTheProperty() {
    HookpostProperties.Retention r = new HookpostProperties().getRetention();
    r.setDeadLetters(Duration.ofMinutes(5));

    assertThatThrownBy(() -> PropertiesMapping.retention(r)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("hookpost.retention: deadLetters");
  }
}
