package dev.hookpost;

import java.net.URI;
import java.net.URISyntaxException;
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
 * <p>Defaults: id {@code sub_} + a time-ordered id, all event types, no extra headers,
 * enabled, the publisher's retry policy. Immutable and thread-safe; {@link #toBuilder()}
 * copies it for changes.
 */
public final class Subscription {
  private final String id;
  private final URI endpoint;
  private final List<String> secrets;
  private final StandardWebhooksSigner signer;
  private final EventTypeFilter filter;
  private final Map<String, String> headers;
  private final boolean enabled;
  private final RetryPolicy retryPolicy;
  private final String tenant;
  private final boolean allTenants;
  private final ContentFilter contentFilter;

  private Subscription(Builder b, StandardWebhooksSigner signer, URI endpoint, EventTypeFilter filter) {
    this.id = b.id;
    this.endpoint = endpoint;
    this.secrets = List.copyOf(b.secrets);
    this.signer = signer;
    this.filter = filter;
    this.headers = Map.copyOf(b.headers);
    this.enabled = b.enabled;
    this.retryPolicy = b.retryPolicy;
    this.tenant = b.tenant;
    this.allTenants = b.allTenants;
    this.contentFilter = b.contentFilter;
  }

  /** Starts a new subscription. {@link Builder#endpoint} and {@link Builder#secret} are required. */
  public static Builder builder() {
    return new Builder();
  }

  /** Returns a builder holding this subscription's settings, to derive a changed copy. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.id = id;
    b.endpoint = endpoint.toString();
    b.secrets.addAll(secrets);
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

  /**
   * The signing secrets, for a registry that stores subscriptions (e.g. {@code webhook-jdbc}'s);
   * never log them.
   */
  public List<String> secrets() {
    return secrets;
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
   * own tenant, or all when it {@link #allTenants() listens to every tenant}.
   */
  public boolean acceptsTenant(String eventTenant) {
    return allTenants || Objects.equals(tenant, eventTenant);
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

  /** The signer made from this subscription's secrets: what signs each of its requests. */
  public Signer signer() {
    return signer;
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
        && secrets.equals(s.secrets) && filter.patterns().equals(s.filter.patterns())
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
    private final List<String> secrets = new ArrayList<>();
    private final List<String> eventTypes = new ArrayList<>();
    private final Map<String, String> headers = new LinkedHashMap<>();
    private boolean enabled = true;
    private RetryPolicy retryPolicy;
    private String tenant;
    private boolean allTenants;
    private ContentFilter contentFilter;
    private String filterJson;

    private Builder() {}

    /** Sets the id (default: {@code sub_} + a time-ordered id); {@code [A-Za-z0-9_.-]}, at most 255 chars. */
    public Builder id(String id) {
      this.id = id;
      return this;
    }

    /** Sets the absolute {@code http} or {@code https} URL to POST to. Required. */
    public Builder endpoint(String url) {
      this.endpoint = url;
      return this;
    }

    /** Sets the one signing secret, {@code whsec_} + base64 of 24 to 64 bytes. Required (or {@link #secrets}). */
    public Builder secret(String secret) {
      this.secrets.clear();
      this.secrets.add(secret);
      return this;
    }

    /**
     * Sets several signing secrets, for rotation: every request carries one signature per
     * secret, so receivers holding the old or the new one accept it.
     */
    public Builder secrets(String... secrets) {
      this.secrets.clear();
      this.secrets.addAll(Arrays.asList(secrets));
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
     *     is missing, not an absolute http(s) URL, has no host, or carries credentials; a
     *     missing or malformed secret; an invalid event type pattern or id; a blank or over-long
     *     tenant, or a tenant together with {@code allTenants}; a malformed filter
     */
    public Subscription build() {
      if (id == null) {
        id = Ids.newId("sub_", System.currentTimeMillis());
      }
      Names.require("subscription id", id, "shipping-service");
      Names.requireKey("subscription tenant", tenant, "acme");
      if (tenant != null && allTenants) {
        throw new IllegalArgumentException("subscription " + id + " has tenant '" + tenant + "' and allTenants;"
            + " choose one: tenant(...) for one tenant's events, allTenants(true) for everyone's");
      }
      if (filterJson != null) {
        try {
          contentFilter = ContentFilter.parse(filterJson);
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException("subscription " + id + ": " + e.getMessage(), e);
        }
        filterJson = null;
      }
      URI uri = parseEndpoint(endpoint);
      StandardWebhooksSigner signer = StandardWebhooksSigner.of("secret", secrets, true);
      return new Subscription(this, signer, uri, EventTypeFilter.of(eventTypes));
    }

    private static URI parseEndpoint(String url) {
      String fix = "; use an absolute http(s) URL such as https://example.com/webhooks";
      if (url == null || url.isBlank()) {
        throw new IllegalArgumentException("endpoint is required" + fix);
      }
      URI uri;
      try {
        uri = new URI(url.trim());
      } catch (URISyntaxException e) {
        throw new IllegalArgumentException("endpoint '" + Names.printable(url) + "' is not a valid URL ("
            + e.getReason() + ")" + fix, e);
      }
      String scheme = uri.getScheme() == null ? null : uri.getScheme().toLowerCase(Locale.ROOT);
      if (scheme == null || !(scheme.equals("http") || scheme.equals("https"))) {
        throw new IllegalArgumentException("endpoint '" + Names.printable(url) + "' has scheme '"
            + uri.getScheme() + "'; only http and https are allowed" + fix);
      }
      if (uri.getRawUserInfo() != null) {
        throw new IllegalArgumentException("endpoint must not carry credentials (user:password@); send them"
            + " with .header(\"Authorization\", ...) instead");
      }
      if (uri.getHost() == null || uri.getHost().isEmpty()) {
        throw new IllegalArgumentException("endpoint '" + Names.printable(url) + "' has no host" + fix);
      }
      if (uri.getPort() != -1 && (uri.getPort() < 1 || uri.getPort() > 65_535)) {
        throw new IllegalArgumentException("endpoint port " + uri.getPort() + " is outside 1..65535" + fix);
      }
      if (uri.getRawFragment() != null) {
        throw new IllegalArgumentException("endpoint '" + Names.printable(url) + "' has a #fragment, which"
            + " is never sent; remove it");
      }
      return uri;
    }
  }
}
