package dev.hookpost;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * How long a durable store keeps deliveries after they ended, so its tables stay small: the
 * publisher deletes older ones (with their attempts, and events left without deliveries) on a
 * schedule, in small batches. Pending deliveries are never deleted.
 *
 * <ul>
 *   <li>{@code delivered}: {@code DELIVERED}. Default 7 days.
 *   <li>{@code deadLetters}: what ended unsuccessfully and can be requeued,
 *       {@code FAILED}, {@code REJECTED} and
 *       {@code SKIPPED}: kept longer, so there is time to look at them and requeue
 *       them. Default 30 days.
 * </ul>
 *
 * <p>Each is counted from the delivery's last change (its end). Null keeps that kind forever;
 * {@link #forever()} keeps everything, which turns the schedule off. The in-memory store is not
 * purged (it forgets ended deliveries by itself). An immutable value.
 *
 * <pre>{@code
 * WebhookPublisher.builder().store(store).retention(Retention.of(Duration.ofDays(3), Duration.ofDays(90)))
 * }</pre>
 *
 * @param delivered how long delivered deliveries are kept, or null for ever
 * @param deadLetters how long failed, rejected and skipped deliveries are kept, or null for ever
 */
public record Retention(Duration delivered, Duration deadLetters) {
  private static final Duration MIN = Duration.ofHours(1);
  private static final Retention DEFAULTS = new Retention(Duration.ofDays(7), Duration.ofDays(30));
  private static final Retention FOREVER = new Retention(null, null);

  /**
   * Checks the durations.
   *
   * @throws IllegalArgumentException if one is below 1 hour
   */
  public Retention {
    check("delivered", delivered);
    check("deadLetters", deadLetters);
  }

  /** 7 days for delivered deliveries, 30 days for dead letters and skipped ones: the default. */
  public static Retention defaults() {
    return DEFAULTS;
  }

  /** Keeps every ended delivery until the application purges it ({@code publisher.deliveries().purge}). */
  public static Retention forever() {
    return FOREVER;
  }

  /**
   * Keeps delivered deliveries for {@code delivered} and dead letters for {@code deadLetters}
   * (null: for ever).
   *
   * @throws IllegalArgumentException if one is below 1 hour
   */
  public static Retention of(Duration delivered, Duration deadLetters) {
    return new Retention(delivered, deadLetters);
  }

  /** Whether nothing is ever deleted, so there is nothing to schedule. */
  public boolean keepsForever() {
    return delivered == null && deadLetters == null;
  }

  /** Delivered deliveries that last changed before this are deleted at {@code now}; empty: none. */
  public Optional<Instant> deliveredBefore(Instant now) {
    return Optional.ofNullable(delivered).map(now::minus);
  }

  /** Dead letters and skipped deliveries that last changed before this are deleted at {@code now}; empty: none. */
  public Optional<Instant> deadLettersBefore(Instant now) {
    return Optional.ofNullable(deadLetters).map(now::minus);
  }

  private static void check(String name, Duration d) {
    if (d != null && d.compareTo(MIN) < 0) {
      throw new IllegalArgumentException(name + " retention must be at least 1 hour (or null to keep them for ever),"
          + " e.g. Duration.ofDays(7), was " + d);
    }
  }
}
