package dev.hookpost;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * One receiver of webhooks: where to POST, how to sign, which event types it hears.
 *
 * <pre>{@code
 * Subscription shipping = Subscription.builder()
 *     .endpoint("https://shipping.example.com/webhooks")
 *     .secret("whsec_...")
 *     .eventTypes("order.*")
 *     .build();
 * }</pre>
 *
 * <p>Defaults: the id is derived from the endpoint URL and tenant ({@link Builder#id}), so it is the same
 * in every process and after every restart, and deliveries stored for it find it again; all event types, no extra headers,
 * enabled, the publisher's retry policy. Immutable and thread-safe; {@link #toBuilder()}
 * copies it for changes.
 */
public final class Subscription {
  /** How long a rotated-out key keeps signing beside the new one by default: 24 hours. */
  public static final Duration DEFAULT_ROTATION_GRACE = Duration.ofHours(24);

  private final String id;
  private final URI endpoint;
  private final List<SigningKey> keys;
  private final Signer signer;
  private final EventTypeFilter filter;
  private final Map<String, String> headers;
  private final boolean enabled;
  private final RetryPolicy retryPolicy;
  private final String tenant;
  private final boolean allTenants;
  private final ContentFilter contentFilter;

  private Subscription(Builder b, String id, Signer signer, URI endpoint, EventTypeFilter filter) {
    this.id = id;
    this.endpoint = endpoint;
    this.keys = List.copyOf(b.keys);
    this.signer = signer;
    this.filter = filter;
    this.headers = Map.copyOf(b.headers);
    this.enabled = b.enabled;
    this.retryPolicy = b.retryPolicy;
    this.tenant = b.tenant;
    this.allTenants = b.allTenants;
    this.contentFilter = b.contentFilter;
  }

  /** Starts a new subscription. {@link Builder#endpoint} and {@link Builder#secret} (or a {@link Builder#signer}) are required. */
  public static Builder builder() {
    return new Builder();
  }

  /** Returns a builder holding this subscription's settings, to derive a changed copy. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.id = id;
    b.endpoint = endpoint.toString();
    b.keys.addAll(keys);
    b.signer = keys.isEmpty() ? signer : null;
    b.eventTypes.addAll(filter.patterns());
    b.headers.putAll(headers);
    b.enabled = enabled;
    b.retryPolicy = retryPolicy;
    b.tenant = tenant;
    b.allTenants = allTenants;
    b.contentFilter = contentFilter;
    return b;
  }

  /** The subscription's id, used in logs, outcomes and the registry. */
  public String id() {
    return id;
  }

  /** The URL every matching event is POSTed to. */
  public URI endpoint() {
    return endpoint;
  }

  /** The event type patterns this subscription hears; {@code ["*"]} when all. */
  public List<String> eventTypes() {
    return filter.patterns();
  }

  /** Extra headers sent with every request to this endpoint. */
  public Map<String, String> headers() {
    return headers;
  }

  /** Whether deliveries are made; a disabled subscription's events end as skipped. */
  public boolean enabled() {
    return enabled;
  }

  /** This subscription's own retry policy, if it overrides the publisher's. */
  public Optional<RetryPolicy> retryPolicy() {
    return Optional.ofNullable(retryPolicy);
  }

  /** The tenant this subscription belongs to; empty when none (see {@link #allTenants()}). */
  public Optional<String> tenant() {
    return Optional.ofNullable(tenant);
  }

  /** Whether it hears the events of every tenant, and those without one (the application's own integrations). */
  public boolean allTenants() {
    return allTenants;
  }

  /**
   * Whether it hears events of {@code eventTenant} (null: events without a tenant): those of its
   * own tenant; when it {@link #allTenants() listens to every tenant}, those of any tenant. An
   * event without a tenant reaches only subscriptions without one.
   */
  public boolean acceptsTenant(String eventTenant) {
    return allTenants ? eventTenant != null : Objects.equals(tenant, eventTenant);
  }

  /** The condition on an event's content this subscription hears, if any (besides type and tenant). */
  public Optional<ContentFilter> filter() {
    return Optional.ofNullable(contentFilter);
  }

  /** Whether this subscription hears events of {@code eventType} (regardless of enabled). */
  public boolean accepts(String eventType) {
    return filter.accepts(eventType);
  }

  /** Returns an enabled or disabled copy. */
  public Subscription withEnabled(boolean newEnabled) {
    return newEnabled == enabled ? this : toBuilder().enabled(newEnabled).build();
  }

  /** What signs each of its requests: the signer made from its keys, or the one given to {@link Builder#signer}. */
  public Signer signer() {
    return signer;
  }

  /**
   * Its signing keys with their rotation state; empty when it has a {@link Builder#signer} of its
   * own. Store these with the subscription and give them back to {@link Builder#signingKeys}.
   */
  public List<SigningKey> signingKeys() {
    return keys;
  }

  /**
   * Returns a copy signing with {@code newSecret} too, while its current keys keep signing for
   * {@link #DEFAULT_ROTATION_GRACE} (24 h) from now, after which they are left out on their own.
   * Receivers can move to the new key at any time in that window.
   *
   * @param newSecret {@code whsec_...} or {@code whsk_...}, checked as in {@link Builder#secret}
   * @throws IllegalStateException if it signs with its own {@link Builder#signer}
   * @throws IllegalArgumentException if the new secret is malformed
   */
  public Subscription rotateSecret(String newSecret) {
    return rotateSecret(newSecret, Instant.now(), DEFAULT_ROTATION_GRACE);
  }

  /**
   * Returns a copy signing with {@code newSecret} too, while its current keys keep signing until
   * {@code now + grace}; keys expired by {@code now} are dropped.
   *
   * @throws IllegalStateException if it signs with its own {@link Builder#signer}
   * @throws IllegalArgumentException if the new secret is malformed or grace is negative
   */
  public Subscription rotateSecret(String newSecret, Instant now, Duration grace) {
    if (keys.isEmpty()) {
      throw new IllegalStateException("subscription '" + id + "' signs with its own signer; rotate its keys there");
    }
    return toBuilder().signingKeys(KeyRotation.rotate(keys, newSecret, now, grace)).build();
  }

  /**
   * The endpoint for logs: scheme, host and port only, because paths and queries of webhook URLs
   * often hold tokens (e.g. {@code hooks.slack.com/services/T000/B000/XXXX}).
   */
  public String endpointForLogs() {
    return endpoint.getScheme() + "://" + endpoint.getHost() + (endpoint.getPort() == -1 ? "" : ":" + endpoint.getPort())
        + (endpoint.getRawPath() == null || endpoint.getRawPath().length() <= 1 ? "" : "/…");
  }

  /** Never shows the secret. */
  @Override
  public String toString() {
    return "Subscription[id=" + id + ", endpoint=" + endpointForLogs() + ", eventTypes=" + filter.patterns()
        + (tenant == null ? "" : ", tenant=" + tenant) + (allTenants ? ", allTenants" : "")
        + (enabled ? "" : ", disabled") + "]";
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Subscription s && id.equals(s.id) && endpoint.equals(s.endpoint)
        && keys.equals(s.keys) && (!keys.isEmpty() || signer.equals(s.signer)) && filter.patterns().equals(s.filter.patterns())
        && headers.equals(s.headers) && enabled == s.enabled && Objects.equals(retryPolicy, s.retryPolicy)
        && Objects.equals(tenant, s.tenant) && allTenants == s.allTenants
        && Objects.equals(contentFilter, s.contentFilter);
  }

  @Override
  public int hashCode() {
    return Objects.hash(id, endpoint);
  }

  /** Builds a {@link Subscription}; every setting is checked at {@link #build()}. Not thread-safe. */
  public static final class Builder {
    private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");

    private String id;
    private String endpoint;
    private final List<SigningKey> keys = new ArrayList<>();
    private Signer signer;
    private final List<String> eventTypes = new ArrayList<>();
    private final Map<String, String> headers = new LinkedHashMap<>();
    private boolean enabled = true;
    private RetryPolicy retryPolicy;
    private String tenant;
    private boolean allTenants;
    private ContentFilter contentFilter;
    private String filterJson;

    private Builder() {}

    /**
     * Sets the id: {@code [A-Za-z0-9_.-]}, at most 255 chars. Default: derived from the endpoint
     * URL and the {@link #tenant} ({@code sub_} + 16 hex digits of their SHA-256; without a
     * tenant, of the URL alone), stable across processes and restarts. Give an id of your own
     * when two subscriptions of one tenant share an endpoint, or to keep the id when the
     * endpoint or tenant changes: a durable store's pending deliveries name their subscription
     * by id.
     */
    public Builder id(String id) {
      this.id = id;
      return this;
    }

    /** Sets the absolute {@code http} or {@code https} URL to POST to. Required. */
    public Builder endpoint(String url) {
      this.endpoint = url;
      return this;
    }

    /**
     * Sets the one signing secret. Required (or {@link #secrets}, {@link #signingKeys} or
     * {@link #signer}). Its prefix picks the scheme: {@code whsec_} + base64 of 24 to 64 bytes
     * signs {@code v1} (HMAC-SHA256); {@code whsk_} + base64 of an Ed25519 private key (raw 32
     * bytes or PKCS#8 DER) signs {@code v1a}.
     */
    public Builder secret(String secret) {
      return secrets(secret);
    }

    /**
     * Sets several signing secrets, each as in {@link #secret}: every request carries one
     * signature per secret, so receivers holding any of them accept it. To rotate with an end,
     * see {@link Subscription#rotateSecret}.
     */
    public Builder secrets(String... secrets) {
      this.keys.clear();
      for (String s : secrets) {
        this.keys.add(SigningKey.of(s == null ? "" : s));
      }
      return this;
    }

    /** Sets the signing keys with their rotation state, as {@link Subscription#signingKeys()} returned them. */
    public Builder signingKeys(List<SigningKey> keys) {
      this.keys.clear();
      this.keys.addAll(keys);
      return this;
    }

    /**
     * Signs with {@code signer} instead of secrets held here, e.g. one that asks a KMS. It is
     * called on a thread of the publisher's own for every attempt, with a 10 s limit; see
     * {@link Signer}. Default: none (the secrets sign).
     */
    public Builder signer(Signer signer) {
      this.signer = signer;
      return this;
    }

    /** Sets the event types heard: exact names, {@code prefix.*} wildcards or {@code *}. Default: all. */
    public Builder eventTypes(String... patterns) {
      this.eventTypes.clear();
      this.eventTypes.addAll(Arrays.asList(patterns));
      return this;
    }

    /**
     * Adds a header sent with every request, e.g. an API key the receiver expects. Names starting
     * {@code webhook-} or {@code proxy-}, and {@code content-type}, {@code content-length},
     * {@code content-encoding}, {@code host}, {@code user-agent}, {@code transfer-encoding},
     * {@code connection}, {@code te}, {@code trailer}, {@code upgrade} and {@code expect} are the
     * library's own. Values are printable ASCII.
     */
    public Builder header(String name, String value) {
      if (name == null || !TOKEN.matcher(name).matches()) {
        throw new IllegalArgumentException("header name '" + (name == null ? "null" : Names.printable(name))
            + "' is not a valid HTTP header name; use letters, digits and -, e.g. 'X-Api-Key'");
      }
      if (WebhookHeaders.isReserved(name)) {
        throw new IllegalArgumentException("header '" + name + "' is set by Hookpost itself (signature and"
            + " framing headers cannot be overridden); choose another name, e.g. 'X-" + name + "'");
      }
      if (value == null || !value.chars().allMatch(c -> c == '\t' || (c >= 0x20 && c <= 0x7e))) {
        throw new IllegalArgumentException("header '" + name + "' needs a value of printable ASCII (no line"
            + " breaks, control or non-ASCII characters); encode other text, e.g. as base64");
      }
      this.headers.put(name.toLowerCase(Locale.ROOT), value);
      return this;
    }

    /** Sets whether deliveries are made. Default: true. */
    public Builder enabled(boolean enabled) {
      this.enabled = enabled;
      return this;
    }

    /** Overrides the publisher's retry policy for this subscription. Default: none (use the publisher's). */
    public Builder retryPolicy(RetryPolicy retryPolicy) {
      this.retryPolicy = retryPolicy;
      return this;
    }

    /**
     * Makes it belong to {@code tenant} (null: to none): it hears only that tenant's events
     * ({@link Event#forTenant}). Default: none, so it hears only events without a tenant.
     */
    public Builder tenant(String tenant) {
      this.tenant = tenant;
      return this;
    }

    /**
     * Makes it hear the events of every tenant and those without one, e.g. the application's
     * own audit or analytics integration. Default: false. Not together with {@link #tenant}.
     */
    public Builder allTenants(boolean allTenants) {
      this.allTenants = allTenants;
      return this;
    }

    /**
     * Delivers only events whose content {@code filter} matches (null: all). Default: none.
     * Replaces a filter set before.
     */
    public Builder filter(ContentFilter filter) {
      this.contentFilter = filter;
      this.filterJson = null;
      return this;
    }

    /**
     * Sets the filter from its JSON form ({@link ContentFilter#parse}), e.g. as a registry stored
     * it; read at {@link #build()}, which names what is wrong with it.
     */
    public Builder filter(String json) {
      this.contentFilter = null;
      this.filterJson = json;
      return this;
    }

    /**
     * Checks every setting and builds the subscription.
     *
     * @throws IllegalArgumentException naming the field and what is allowed: an endpoint that
     *     is missing, not an absolute http(s) URL, has no host or a host that is neither an IP
     *     address nor a valid DNS name (saying what is wrong with it), or carries credentials; a
     *     missing or malformed secret; an invalid event type pattern or id; a blank or over-long
     *     tenant, or a tenant together with {@code allTenants}; a malformed filter
     */
    public Subscription build() {
      URI uri = Endpoints.parse(endpoint);
      Names.requireKey("subscription tenant", tenant, "acme");
      String stableId = id != null ? id : Ids.fromEndpoint(tenant, uri);
      Names.require("subscription id", stableId, "shipping-service");
      if (tenant != null && allTenants) {
        throw new IllegalArgumentException("subscription " + stableId + " has tenant '" + tenant + "' and allTenants;"
            + " choose one: tenant(...) for one tenant's events, allTenants(true) for everyone's");
      }
      if (filterJson != null) {
        try {
          contentFilter = ContentFilter.parse(filterJson);
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException("subscription " + stableId + ": " + e.getMessage(), e);
        }
        filterJson = null;
      }
      if (signer != null && !keys.isEmpty()) {
        throw new IllegalArgumentException("set either secret(s) or signer(...), not both: a custom signer holds its"
            + " own keys");
      }
      Signer s = signer != null ? signer : StandardWebhooksSigner.of("secret", keys);
      return new Subscription(this, stableId, s, uri, EventTypeFilter.of(eventTypes));
    }
  }
}
