package dev.hookpost.micrometer;

import dev.hookpost.Subscription;
import io.micrometer.core.instrument.Tags;
import java.util.HashSet;
import java.util.Set;

/**
 * The {@code subscription} tag, bounded: none at all, or the ids of the first {@code max}
 * subscriptions seen and {@code other} for the rest, so a registry never holds more than
 * {@code max + 1} values of it. Thread-safe: the set of ids is guarded by this object's monitor.
 */
final class SubscriptionTags {
  static final String OTHER = "other";
  private final int max;
  private final Set<String> seen = new HashSet<>();

  private SubscriptionTags(int max) {
    this.max = max;
  }

  static SubscriptionTags none() {
    return new SubscriptionTags(0);
  }

  static SubscriptionTags upTo(int max) {
    if (max < 1 || max > 1_000) {
      throw new IllegalArgumentException("maxSubscriptions must be 1..1000, was " + max
          + "; use HookpostMetrics.create(registry) for no subscription tag");
    }
    return new SubscriptionTags(max);
  }

  /** The tags naming {@code s}: empty when subscriptions are not tagged. */
  Tags tags(Subscription s) {
    return max == 0 ? Tags.empty() : Tags.of("subscription", value(s.id()));
  }

  /** {@code id} while it is one of the first {@code max} seen, else {@link #OTHER}. */
  synchronized String value(String id) {
    if (seen.contains(id) || seen.size() < max && seen.add(id)) {
      return id;
    }
    return OTHER;
  }

  @Override
  public String toString() {
    return max == 0 ? "no subscription tag" : "subscription tag for " + max + " subscriptions";
  }
}
