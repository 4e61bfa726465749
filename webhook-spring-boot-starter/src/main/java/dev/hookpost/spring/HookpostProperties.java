package dev.hookpost.spring;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The {@code hookpost.*} properties the starter builds its beans from. A setting left unset keeps
 * the library's default (named in each property's description), so the two never disagree.
 *
 * <pre>{@code
 * hookpost.subscriptions[0].id=shipping
 * hookpost.subscriptions[0].endpoint=https://shipping.example.com/webhooks
 * hookpost.subscriptions[0].secrets=whsec_...
 * hookpost.subscriptions[0].event-types=order.*
 * hookpost.store=jdbc
 * }</pre>
 *
 * <p>Mutable JavaBean for Spring's binder; not thread-safe (read once at start-up).
 */
@ConfigurationProperties("hookpost")
public class HookpostProperties {

  /** Where deliveries are kept. */
  public enum Store {
    /** In the publisher's memory (lost if the JVM dies). */
    MEMORY,
    /** In the application's DataSource (JdbcDeliveryStore): durable, and joins @Transactional methods. */
    JDBC
  }

  /** The shape of the retry schedule. */
  public enum RetryKind {
    /** Standard Webhooks: at once, then 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h. */
    STANDARD,
    /** Exponential backoff with full jitter (hookpost.retry.initial-delay, multiplier, max-delay...). */
    EXPONENTIAL,
    /** One retry after each of hookpost.retry.delays, then give up. */
    FIXED,
    /** One attempt, never retried. */
    NONE
  }

  /** Whether to auto-configure a WebhookPublisher. */
  private boolean enabled = true;

  /** Where deliveries are kept: memory, or jdbc for the application's DataSource (durable, transactional). */
  private Store store = Store.MEMORY;

  /** The endpoints every matching event is delivered to. */
  private List<SubscriptionProperties> subscriptions = new ArrayList<>();

  /** How long closing the publisher (with the application context) waits for attempts in flight. Library default 10s. */
  private Duration shutdownTimeout;

  /** Most deliveries pending in the in-memory store before send fails fast. Library default 100000. */
  private Integer maxPendingDeliveries;

  /** Most failing deliveries one subscription may have before its new ones give up at once. Library default 10000. */
  private Integer maxPendingPerSubscription;

  /** Largest serialized event send accepts, in bytes. Library default 1048576 (1 MiB). */
  private Integer maxPayloadBytes;

  private final Retry retry = new Retry();
  private final Http http = new Http();
  private final Endpoint endpoint = new Endpoint();
  private final Jdbc jdbc = new Jdbc();
  private final Retention retention = new Retention();
  private final Receiver receiver = new Receiver();

  public boolean isEnabled() {
    return enabled;
  }

  public void setEnabled(boolean enabled) {
    this.enabled = enabled;
  }

  public Store getStore() {
    return store;
  }

  public void setStore(Store store) {
    this.store = store;
  }

  public List<SubscriptionProperties> getSubscriptions() {
    return subscriptions;
  }

  public void setSubscriptions(List<SubscriptionProperties> subscriptions) {
    this.subscriptions = subscriptions;
  }

  public Duration getShutdownTimeout() {
    return shutdownTimeout;
  }

  public void setShutdownTimeout(Duration shutdownTimeout) {
    this.shutdownTimeout = shutdownTimeout;
  }

  public Integer getMaxPendingDeliveries() {
    return maxPendingDeliveries;
  }

  public void setMaxPendingDeliveries(Integer maxPendingDeliveries) {
    this.maxPendingDeliveries = maxPendingDeliveries;
  }

  public Integer getMaxPendingPerSubscription() {
    return maxPendingPerSubscription;
  }

  public void setMaxPendingPerSubscription(Integer maxPendingPerSubscription) {
    this.maxPendingPerSubscription = maxPendingPerSubscription;
  }

  public Integer getMaxPayloadBytes() {
    return maxPayloadBytes;
  }

  public void setMaxPayloadBytes(Integer maxPayloadBytes) {
    this.maxPayloadBytes = maxPayloadBytes;
  }

  public Retry getRetry() {
    return retry;
  }

  public Http getHttp() {
    return http;
  }

  public Endpoint getEndpoint() {
    return endpoint;
  }

  public Jdbc getJdbc() {
    return jdbc;
  }

  public Retention getRetention() {
    return retention;
  }

  public Receiver getReceiver() {
    return receiver;
  }

  /** One {@code hookpost.subscriptions[n]} entry. */
  public static class SubscriptionProperties {
    /** The subscription's id in logs, outcomes and the registry; [A-Za-z0-9_.-]. Library default: sub_ + a generated id. */
    private String id;

    /** The absolute http or https URL events are POSTed to. Required. */
    private String endpoint;

    /** The signing secret(s), whsec_ + base64; several during rotation (one signature each). Required. */
    private List<String> secrets = new ArrayList<>();

    /** The event types heard: exact names, prefix.* wildcards or *. Default: all. */
    private List<String> eventTypes = new ArrayList<>();

    /** Extra headers sent with every request to this endpoint, e.g. an API key. */
    private Map<String, String> headers = new LinkedHashMap<>();

    /** Whether deliveries are made; a disabled subscription's events end as skipped. */
    private boolean enabled = true;

    public String getId() {
      return id;
    }

    public void setId(String id) {
      this.id = id;
    }

    public String getEndpoint() {
      return endpoint;
    }

    public void setEndpoint(String endpoint) {
      this.endpoint = endpoint;
    }

    public List<String> getSecrets() {
      return secrets;
    }

    public void setSecrets(List<String> secrets) {
      this.secrets = secrets;
    }

    public List<String> getEventTypes() {
      return eventTypes;
    }

    public void setEventTypes(List<String> eventTypes) {
      this.eventTypes = eventTypes;
    }

    public Map<String, String> getHeaders() {
      return headers;
    }

    public void setHeaders(Map<String, String> headers) {
      this.headers = headers;
    }

    public boolean isEnabled() {
      return enabled;
    }

    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }
  }

  /** {@code hookpost.retry.*}: the publisher's retry policy (subscriptions without their own). */
  public static class Retry {
    /** The schedule: standard, exponential, fixed or none. */
    private RetryKind policy = RetryKind.STANDARD;

    /** For policy=fixed: the delay before each retry, in turn (n delays allow n + 1 attempts). */
    private List<Duration> delays = new ArrayList<>();

    /** For policy=exponential: the first retry's largest delay. Library default 1s. */
    private Duration initialDelay;

    /** For policy=exponential: how much the largest delay grows per retry. Library default 2.0. */
    private Double multiplier;

    /** For policy=exponential: the cap on one delay. Library default 1h. */
    private Duration maxDelay;

    /** For policy=exponential: attempts in all, the first included. Library default 10. */
    private Integer maxAttempts;

    /** For policy=exponential: no retry later than this after the first attempt. Library default 24h. */
    private Duration maxTotalTime;

    /** HTTP statuses that end a delivery at once instead of being retried, e.g. 400,422. */
    private List<Integer> giveUpOnStatus = new ArrayList<>();

    public RetryKind getPolicy() {
      return policy;
    }

    public void setPolicy(RetryKind policy) {
      this.policy = policy;
    }

    public List<Duration> getDelays() {
      return delays;
    }

    public void setDelays(List<Duration> delays) {
      this.delays = delays;
    }

    public Duration getInitialDelay() {
      return initialDelay;
    }

    public void setInitialDelay(Duration initialDelay) {
      this.initialDelay = initialDelay;
    }

    public Double getMultiplier() {
      return multiplier;
    }

    public void setMultiplier(Double multiplier) {
      this.multiplier = multiplier;
    }

    public Duration getMaxDelay() {
      return maxDelay;
    }

    public void setMaxDelay(Duration maxDelay) {
      this.maxDelay = maxDelay;
    }

    public Integer getMaxAttempts() {
      return maxAttempts;
    }

    public void setMaxAttempts(Integer maxAttempts) {
      this.maxAttempts = maxAttempts;
    }

    public Duration getMaxTotalTime() {
      return maxTotalTime;
    }

    public void setMaxTotalTime(Duration maxTotalTime) {
      this.maxTotalTime = maxTotalTime;
    }

    public List<Integer> getGiveUpOnStatus() {
      return giveUpOnStatus;
    }

    public void setGiveUpOnStatus(List<Integer> giveUpOnStatus) {
      this.giveUpOnStatus = giveUpOnStatus;
    }
  }

  /** {@code hookpost.http.*}: the OkHttp transport's timeouts and address guard. */
  public static class Http {
    /** Connect timeout. Library default 5s. */
    private Duration connectTimeout;

    /** Read timeout. Library default 10s. */
    private Duration readTimeout;

    /** Write timeout. Library default 10s. */
    private Duration writeTimeout;

    /** Timeout of a whole attempt. Library default 15s. */
    private Duration callTimeout;

    /** Most requests in flight at once over all endpoints. Library default 64. */
    private Integer maxConcurrentRequests;

    /** Refuse plain http:// endpoints. */
    private boolean httpsOnly;

    /**
     * Private hosts or CIDR ranges the address guard lets through (everything non-public is
     * refused otherwise), e.g. 10.20.0.0/16, hooks.internal.example, 127.0.0.1.
     */
    private List<String> allow = new ArrayList<>();

    /** Turn the address guard off: only when endpoints never come from users. */
    private boolean allowPrivateNetworks;

    public Duration getConnectTimeout() {
      return connectTimeout;
    }

    public void setConnectTimeout(Duration connectTimeout) {
      this.connectTimeout = connectTimeout;
    }

    public Duration getReadTimeout() {
      return readTimeout;
    }

    public void setReadTimeout(Duration readTimeout) {
      this.readTimeout = readTimeout;
    }

    public Duration getWriteTimeout() {
      return writeTimeout;
    }

    public void setWriteTimeout(Duration writeTimeout) {
      this.writeTimeout = writeTimeout;
    }

    public Duration getCallTimeout() {
      return callTimeout;
    }

    public void setCallTimeout(Duration callTimeout) {
      this.callTimeout = callTimeout;
    }

    public Integer getMaxConcurrentRequests() {
      return maxConcurrentRequests;
    }

    public void setMaxConcurrentRequests(Integer maxConcurrentRequests) {
      this.maxConcurrentRequests = maxConcurrentRequests;
    }

    public boolean isHttpsOnly() {
      return httpsOnly;
    }

    public void setHttpsOnly(boolean httpsOnly) {
      this.httpsOnly = httpsOnly;
    }

    public List<String> getAllow() {
      return allow;
    }

    public void setAllow(List<String> allow) {
      this.allow = allow;
    }

    public boolean isAllowPrivateNetworks() {
      return allowPrivateNetworks;
    }

    public void setAllowPrivateNetworks(boolean allowPrivateNetworks) {
      this.allowPrivateNetworks = allowPrivateNetworks;
    }
  }

  /** {@code hookpost.endpoint.*}: limits per endpoint URL. */
  public static class Endpoint {
    /** Most attempts in flight to one endpoint URL. Library default 8. */
    private Integer maxConcurrency;

    /** Most attempts per second to one endpoint URL. Library default: no limit. */
    private Double rateLimit;

    public Integer getMaxConcurrency() {
      return maxConcurrency;
    }

    public void setMaxConcurrency(Integer maxConcurrency) {
      this.maxConcurrency = maxConcurrency;
    }

    public Double getRateLimit() {
      return rateLimit;
    }

    public void setRateLimit(Double rateLimit) {
      this.rateLimit = rateLimit;
    }
  }

  /** {@code hookpost.jdbc.*}: the durable store, used with hookpost.store=jdbc. */
  public static class Jdbc {
    /** Prefix of the store's table names. Library default hookpost_. */
    private String tablePrefix;

    /** How long a claimed delivery stays this instance's. Library default 5m. */
    private Duration lease;

    /** How often the database is asked for due deliveries. Library default 500ms. */
    private Duration pollInterval;

    /**
     * PostgreSQL: whether a committed transactional send, or another instance's send, wakes the
     * publishers at once (LISTEN/NOTIFY, one connection per store) instead of at the next poll.
     * Turn it off behind PgBouncer in transaction mode. Library default true.
     */
    private Boolean instantPickup;

    /**
     * PostgreSQL: whether the store vacuums its tables after a purge round of 10,000 deliveries
     * or more, and rebuilds their indexes (REINDEX CONCURRENTLY) when the round deleted more than
     * it left. Turn it off when the database's maintenance is done otherwise. Library default true.
     */
    private Boolean compactAfterPurge;

    public Boolean getCompactAfterPurge() {
      return compactAfterPurge;
    }

    public void setCompactAfterPurge(Boolean compactAfterPurge) {
      this.compactAfterPurge = compactAfterPurge;
    }

    public Boolean getInstantPickup() {
      return instantPickup;
    }

    public void setInstantPickup(Boolean instantPickup) {
      this.instantPickup = instantPickup;
    }

    public String getTablePrefix() {
      return tablePrefix;
    }

    public void setTablePrefix(String tablePrefix) {
      this.tablePrefix = tablePrefix;
    }

    public Duration getLease() {
      return lease;
    }

    public void setLease(Duration lease) {
      this.lease = lease;
    }

    public Duration getPollInterval() {
      return pollInterval;
    }

    public void setPollInterval(Duration pollInterval) {
      this.pollInterval = pollInterval;
    }
  }

  /**
   * {@code hookpost.retention.*}: how long a durable store keeps ended deliveries before the
   * publisher deletes them (dev.hookpost.Retention).
   */
  public static class Retention {
    /** Whether ended deliveries are deleted on a schedule at all; false keeps them for ever. Default true. */
    private boolean enabled = true;

    /** How long delivered deliveries are kept after they ended (at least 1h). Library default 7d. */
    private Duration delivered;

    /** How long failed, rejected and skipped deliveries are kept (at least 1h). Library default 30d. */
    private Duration deadLetters;

    public boolean isEnabled() {
      return enabled;
    }

    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }

    public Duration getDelivered() {
      return delivered;
    }

    public void setDelivered(Duration delivered) {
      this.delivered = delivered;
    }

    public Duration getDeadLetters() {
      return deadLetters;
    }

    public void setDeadLetters(Duration deadLetters) {
      this.deadLetters = deadLetters;
    }
  }

  /** {@code hookpost.receiver.*}: verifying incoming webhooks in a servlet web application. */
  public static class Receiver {
    /** The secret(s) incoming webhooks are signed with; setting one turns the verification filter on. */
    private List<String> secrets = new ArrayList<>();

    /** The URL patterns the filter verifies; other paths are left alone. */
    private List<String> paths = new ArrayList<>(List.of("/webhooks/*"));

    /** How far webhook-timestamp may be from now. Library default 5m. */
    private Duration tolerance;

    /** Largest body the filter reads; a larger one is answered 413. */
    private int maxBodyBytes = WebhookVerificationFilter.DEFAULT_MAX_BODY_BYTES;

    public List<String> getSecrets() {
      return secrets;
    }

    public void setSecrets(List<String> secrets) {
      this.secrets = secrets;
    }

    public List<String> getPaths() {
      return paths;
    }

    public void setPaths(List<String> paths) {
      this.paths = paths;
    }

    public Duration getTolerance() {
      return tolerance;
    }

    public void setTolerance(Duration tolerance) {
      this.tolerance = tolerance;
    }

    public int getMaxBodyBytes() {
      return maxBodyBytes;
    }

    public void setMaxBodyBytes(int maxBodyBytes) {
      this.maxBodyBytes = maxBodyBytes;
    }
  }
}
