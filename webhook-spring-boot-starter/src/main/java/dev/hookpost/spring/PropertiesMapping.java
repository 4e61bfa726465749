package dev.hookpost.spring;

import dev.hookpost.AddressGuard;
import dev.hookpost.ExponentialBackoffBuilder;
import dev.hookpost.RetryPolicy;
import dev.hookpost.Subscription;
import dev.hookpost.WebhookPublisher;
import dev.hookpost.okhttp.OkHttpTransport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Turns {@link HookpostProperties} into the library's own objects. Pure: each method reads
 * properties and returns a value; an unset property leaves the library's default in place.
 * A bad value fails here, at start-up, with the library's message and the property's name.
 */
final class PropertiesMapping {
  private PropertiesMapping() {}

  /** The subscriptions of {@code hookpost.subscriptions}. */
  static List<Subscription> subscriptions(HookpostProperties properties) {
    List<Subscription> result = new ArrayList<>();
    List<HookpostProperties.SubscriptionProperties> all = properties.getSubscriptions();
    for (int i = 0; i < all.size(); i++) {
      HookpostProperties.SubscriptionProperties p = all.get(i);
      String name = "hookpost.subscriptions[" + i + "]";
      try {
        Subscription.Builder b = Subscription.builder()
            .endpoint(p.getEndpoint())
            .secrets(p.getSecrets().toArray(String[]::new))
            .enabled(p.isEnabled());
        if (p.getId() != null) {
          b.id(p.getId());
        }
        if (!p.getEventTypes().isEmpty()) {
          b.eventTypes(p.getEventTypes().toArray(String[]::new));
        }
        p.getHeaders().forEach(b::header);
        result.add(b.build());
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(name + ": " + e.getMessage(), e);
      }
    }
    return result;
  }

  /** The policy of {@code hookpost.retry}. */
  static RetryPolicy retryPolicy(HookpostProperties.Retry retry) {
    RetryPolicy policy;
    try {
      policy = switch (retry.getPolicy()) {
        case STANDARD -> RetryPolicy.standardSchedule();
        case NONE -> RetryPolicy.none();
        case FIXED -> {
          if (retry.getDelays().isEmpty()) {
            throw new IllegalArgumentException("policy=fixed needs hookpost.retry.delays, e.g. 10s,1m,10m");
          }
          yield RetryPolicy.fixedSchedule(retry.getDelays().toArray(Duration[]::new));
        }
        case EXPONENTIAL -> {
          ExponentialBackoffBuilder b = RetryPolicy.exponentialBackoff();
          set(retry.getInitialDelay(), b::initialDelay);
          set(retry.getMultiplier(), b::multiplier);
          set(retry.getMaxDelay(), b::maxDelay);
          set(retry.getMaxAttempts(), b::maxAttempts);
          set(retry.getMaxTotalTime(), b::maxTotalTime);
          yield b.build();
        }
      };
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("hookpost.retry: " + e.getMessage(), e);
    }
    List<Integer> finalStatuses = List.copyOf(retry.getGiveUpOnStatus());
    return finalStatuses.isEmpty() ? policy
        : policy.giveUpWhen(attempt -> finalStatuses.stream().anyMatch(attempt::hasStatus));
  }

  /** The transport of {@code hookpost.http}. */
  static OkHttpTransport transport(HookpostProperties.Http http) {
    try {
      OkHttpTransport.Builder b = OkHttpTransport.builder()
          .httpsOnly(http.isHttpsOnly())
          .addressGuard(addressGuard(http));
      set(http.getConnectTimeout(), b::connectTimeout);
      set(http.getReadTimeout(), b::readTimeout);
      set(http.getWriteTimeout(), b::writeTimeout);
      set(http.getCallTimeout(), b::callTimeout);
      set(http.getMaxConcurrentRequests(), b::maxConcurrentRequests);
      return b.build();
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("hookpost.http: " + e.getMessage(), e);
    }
  }

  /** The address guard of {@code hookpost.http.allow} and {@code allow-private-networks}. */
  static AddressGuard addressGuard(HookpostProperties.Http http) {
    if (http.isAllowPrivateNetworks()) {
      return AddressGuard.allowingPrivateNetworks();
    }
    AddressGuard guard = AddressGuard.publicOnly();
    return http.getAllow().isEmpty() ? guard : guard.allowing(http.getAllow().toArray(String[]::new));
  }

  /** Applies the publisher-wide settings that are set; the rest keep the builder's defaults. */
  static void configure(WebhookPublisher.Builder b, HookpostProperties p) {
    try {
      set(p.getShutdownTimeout(), b::shutdownTimeout);
      set(p.getMaxPendingDeliveries(), b::maxPendingDeliveries);
      set(p.getMaxPendingPerSubscription(), b::maxPendingPerSubscription);
      set(p.getMaxPayloadBytes(), b::maxPayloadBytes);
      set(p.getEndpoint().getMaxConcurrency(), b::maxConcurrencyPerEndpoint);
      set(p.getEndpoint().getRateLimit(), b::rateLimitPerEndpoint);
      set(p.getJdbc().getLease(), b::lease);
      set(p.getJdbc().getPollInterval(), b::pollInterval);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("hookpost: " + e.getMessage(), e);
    }
    b.retention(retention(p.getRetention()));
  }

  /** The schedule of {@code hookpost.retention}: the library's defaults for what is unset. */
  static dev.hookpost.Retention retention(HookpostProperties.Retention r) {
    if (!r.isEnabled()) {
      return dev.hookpost.Retention.forever();
    }
    dev.hookpost.Retention defaults = dev.hookpost.Retention.defaults();
    try {
      return dev.hookpost.Retention.of(r.getDelivered() != null ? r.getDelivered() : defaults.delivered(),
          r.getDeadLetters() != null ? r.getDeadLetters() : defaults.deadLetters());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("hookpost.retention: " + e.getMessage(), e);
    }
  }

  private static <T> void set(T value, Consumer<T> setter) {
    if (value != null) {
      setter.accept(value);
    }
  }
}
