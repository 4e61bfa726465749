package dev.hookpost;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;

/**
 * Builds an exponential backoff {@link RetryPolicy} with full jitter; start from
 * {@link RetryPolicy#exponentialBackoff()}. Each setter rejects a bad value at once, naming it.
 * Not thread-safe; the built policy is immutable and thread-safe.
 */
public final class ExponentialBackoffBuilder {
  private Duration initialDelay = Duration.ofSeconds(1);
  private double multiplier = 2.0;
  private Duration maxDelay = Duration.ofHours(1);
  private int maxAttempts = 10;
  private Duration maxTotalTime = Duration.ofHours(24);
  private DoubleSupplier random = () -> ThreadLocalRandom.current().nextDouble();

  ExponentialBackoffBuilder() {}

  /** The upper bound of the first retry's delay. Default 1 s; must be positive. */
  public ExponentialBackoffBuilder initialDelay(Duration initialDelay) {
    this.initialDelay = positive("initialDelay", initialDelay);
    return this;
  }

  /** The growth factor of the delay bound per retry. Default 2.0; must be at least 1.0. */
  public ExponentialBackoffBuilder multiplier(double multiplier) {
    if (!(multiplier >= 1.0) || Double.isInfinite(multiplier)) {
      throw new IllegalArgumentException("multiplier must be a finite number >= 1.0, was " + multiplier);
    }
    this.multiplier = multiplier;
    return this;
  }

  /** The cap on any one delay, also on a {@code Retry-After}. Default 1 h; must be positive. */
  public ExponentialBackoffBuilder maxDelay(Duration maxDelay) {
    this.maxDelay = positive("maxDelay", maxDelay);
    return this;
  }

  /** The most attempts, the first included. Default 10; must be at least 1. */
  public ExponentialBackoffBuilder maxAttempts(int maxAttempts) {
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts must be at least 1, was " + maxAttempts);
    }
    this.maxAttempts = maxAttempts;
    return this;
  }

  /** No retry starts later than this after the first attempt. Default 24 h; must be positive. */
  public ExponentialBackoffBuilder maxTotalTime(Duration maxTotalTime) {
    this.maxTotalTime = positive("maxTotalTime", maxTotalTime);
    return this;
  }

  /** For tests: the source of jitter, uniform in [0, 1). */
  ExponentialBackoffBuilder random(DoubleSupplier random) {
    this.random = Objects.requireNonNull(random);
    return this;
  }

  /**
   * Builds the policy.
   *
   * @throws IllegalArgumentException if initialDelay is longer than maxDelay
   */
  public RetryPolicy build() {
    if (initialDelay.compareTo(maxDelay) > 0) {
      throw new IllegalArgumentException("initialDelay (" + initialDelay + ") must not exceed maxDelay ("
          + maxDelay + ")");
    }
    return new ExponentialBackoff(initialDelay, multiplier, maxDelay, maxAttempts, maxTotalTime, random);
  }

  private static Duration positive(String name, Duration d) {
    if (d == null || d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(name + " must be a positive Duration, was " + d);
    }
    return d;
  }

  private record ExponentialBackoff(Duration initialDelay, double multiplier, Duration maxDelay,
      int maxAttempts, Duration maxTotalTime, DoubleSupplier random) implements RetryPolicy {
    @Override
    public Optional<Duration> nextDelay(Attempt failed) {
      if (failed.number() >= maxAttempts) {
        return Optional.empty();
      }
      double bound = initialDelay.toNanos() * Math.pow(multiplier, failed.number() - 1);
      long capNanos = (long) Math.min(bound, (double) maxDelay.toNanos());
      Duration jittered = Duration.ofNanos((long) (random.getAsDouble() * capNanos));
      Duration delay = Backoff.honourRetryAfter(jittered, failed, maxDelay);
      if (failed.sinceFirstAttempt().plus(delay).compareTo(maxTotalTime) > 0) {
        return Optional.empty();
      }
      return Optional.of(delay);
    }

    @Override
    public String toString() {
      return "ExponentialBackoff[initialDelay=" + initialDelay + ", multiplier=" + multiplier + ", maxDelay="
          + maxDelay + ", maxAttempts=" + maxAttempts + ", maxTotalTime=" + maxTotalTime + "]";
    }
  }
}
