package dev.hookpost.micrometer;

import dev.hookpost.Attempt;
import dev.hookpost.DeliveryListener;
import dev.hookpost.DeliveryOutcome;
import dev.hookpost.Subscription;
import dev.hookpost.WebhookPublisher;
import dev.hookpost.spi.DeliveryQuery;
import dev.hookpost.spi.DeliveryState;
import dev.hookpost.spi.StoredDelivery;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.http.Outcome;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

/**
 * Records a publisher's deliveries as Micrometer meters; add it as a listener:
 *
 * <pre>{@code
 * WebhookPublisher publisher = HookpostMetrics.bind(WebhookPublisher.builder(), registry)
 *     .transport(OkHttpTransport.create())
 *     .subscription(shipping)
 *     .build();
 * }</pre>
 *
 * <p>Meters (names in Micrometer's dot notation; a Prometheus registry shows
 * {@code hookpost_attempts_seconds_count} and so on):
 * <ul>
 *   <li>{@code hookpost.attempts} (timer): every attempt and how long it took, tagged
 *       {@code outcome} ({@code SUCCESS}, {@code REDIRECTION}, {@code CLIENT_ERROR},
 *       {@code SERVER_ERROR}, {@code INFORMATIONAL}, or {@code UNKNOWN} when no answer came),
 *       {@code status} ({@code 2xx} … {@code 5xx}, or {@code NONE}) and {@code error} (the error's
 *       simple class name, e.g. {@code SocketTimeoutException}, or {@code none})
 *   <li>{@code hookpost.send.to.delivered} (timer): from {@code send} to the end of the attempt
 *       that the endpoint answered 2xx
 *   <li>{@code hookpost.retries} (counter): retries scheduled
 *   <li>{@code hookpost.deliveries} (counter): final outcomes, tagged {@code outcome}
 *       ({@code delivered}, {@code gave_up}, {@code rejected}, {@code skipped},
 *       {@code abandoned})
 *   <li>{@code hookpost.subscription.disables} (counter): subscriptions the publisher disabled
 *   <li>{@code hookpost.deliveries.pending} (gauge): pending deliveries in the publisher's
 *       store, read with {@code deliveries().count(...)} whenever the registry samples it (one
 *       {@code COUNT(*)} with {@code JdbcDeliveryStore}; a shared store shows every
 *       instance's, so aggregate it with max, not sum)
 *   <li>{@code hookpost.subscriptions.disabled} (gauge): subscriptions disabled in the registry now
 * </ul>
 *
 * <p>Tags are bounded: never an event id, endpoint URL or free text. Subscription ids are left
 * out by default, as an application may have one per customer; {@link #create(MeterRegistry,
 * int)} adds a {@code subscription} tag for the first {@code n} ids seen and {@code other} for
 * the rest, so the number of series stays bounded whatever happens. Durations are measured on
 * the publisher's clock. One {@code HookpostMetrics} per publisher; a second publisher on the same
 * registry adds to the same counters and timers, and its gauges are not registered (Micrometer
 * keeps the first), so give it its own registry or common tags.
 *
 * <p>Thread-safe.
 */
public final class HookpostMetrics implements DeliveryListener {
  private final MeterRegistry registry;
  private final SubscriptionTags subscriptions;

  private HookpostMetrics(MeterRegistry registry, SubscriptionTags subscriptions) {
    this.registry = Objects.requireNonNull(registry, "registry");
    this.subscriptions = subscriptions;
  }

  /** Meters without a subscription tag, in {@code registry}. */
  public static HookpostMetrics create(MeterRegistry registry) {
    return new HookpostMetrics(registry, SubscriptionTags.none());
  }

  /**
   * Meters with a {@code subscription} tag holding the id of each of the first
   * {@code maxSubscriptions} subscriptions seen, and {@code other} for all later ones.
   *
   * @throws IllegalArgumentException if {@code maxSubscriptions} is not 1..1,000
   */
  public static HookpostMetrics create(MeterRegistry registry, int maxSubscriptions) {
    return new HookpostMetrics(registry, SubscriptionTags.upTo(maxSubscriptions));
  }

  /**
   * Adds {@link #create(MeterRegistry) meters without a subscription tag} to {@code builder} as a
   * listener, and returns the builder.
   */
  public static WebhookPublisher.Builder bind(WebhookPublisher.Builder builder, MeterRegistry registry) {
    return Objects.requireNonNull(builder, "builder").listener(create(registry));
  }

  /** Registers the gauges, which read {@code publisher}'s store and registry when sampled. */
  @Override
  public void onStart(WebhookPublisher publisher) {
    DeliveryQuery pending = DeliveryQuery.inState(DeliveryState.PENDING);
    Gauge.builder("hookpost.deliveries.pending", publisher, p -> sample(() -> p.deliveries().count(pending)))
        .description("Deliveries waiting in the publisher's store for their first attempt or a retry")
        .register(registry);
    Gauge.builder("hookpost.subscriptions.disabled", publisher,
            p -> sample(() -> (int) p.subscriptions().all().stream().filter(s -> !s.enabled()).count()))
        .description("Subscriptions disabled in the publisher's registry")
        .register(registry);
  }

  @Override
  public void onAttempt(StoredDelivery delivery, Subscription subscription, Attempt attempt) {
    Tags tags = subscriptions.tags(subscription).and(
        "outcome", attempt.response().isPresent() ? Outcome.forStatus(attempt.status().getAsInt()).name() : "UNKNOWN",
        "status", attempt.status().isPresent() ? attempt.status().getAsInt() / 100 + "xx" : "NONE",
        "error", attempt.error().map(e -> e.getClass().getSimpleName()).orElse("none"));
    Timer.builder("hookpost.attempts").description("Webhook attempts: one HTTP POST each").tags(tags)
        .register(registry).record(AttemptTimes.duration(delivery, attempt));
    if (attempt.succeeded()) {
      Timer.builder("hookpost.send.to.delivered").description("From send to the end of the attempt answered 2xx")
          .tags(subscriptions.tags(subscription)).register(registry)
          .record(AttemptTimes.sinceSend(delivery, attempt));
    }
  }

  @Override
  public void onRetryScheduled(StoredDelivery delivery, Subscription subscription, Attempt failed, Duration delay) {
    Counter.builder("hookpost.retries").description("Retries scheduled after a failed attempt")
        .tags(subscriptions.tags(subscription)).register(registry).increment();
  }

  @Override
  public void onOutcome(DeliveryOutcome outcome) {
    Counter.builder("hookpost.deliveries").description("Deliveries that reached their final outcome")
        .tags(subscriptions.tags(outcome.subscription()).and("outcome", outcomeName(outcome)))
        .register(registry).increment();
  }

  @Override
  public void onSubscriptionDisabled(Subscription subscription, String reason) {
    Counter.builder("hookpost.subscription.disables").description("Subscriptions the publisher disabled")
        .tags(subscriptions.tags(subscription)).register(registry).increment();
  }

  /** {@code delivered}, {@code gave_up}, {@code rejected}, {@code skipped} or {@code abandoned}. */
  static String outcomeName(DeliveryOutcome outcome) {
    String simple = outcome.getClass().getSimpleName(); // Delivered, GaveUp, ...
    return simple.replaceAll("([a-z])([A-Z])", "$1_$2").toLowerCase(Locale.ROOT);
  }

  /** A gauge's value, or NaN when reading it failed (e.g. the database is down): a gauge never throws. */
  private static double sample(java.util.function.IntSupplier read) {
    try {
      return read.getAsInt();
    } catch (RuntimeException e) {
      return Double.NaN;
    }
  }

  @Override
  public String toString() {
    return "HookpostMetrics[" + registry.getClass().getSimpleName() + ", " + subscriptions + "]";
  }
}
