package dev.hookpost;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** Copy-on-write registry: {@link #matching} runs on every send and takes no lock. */
final class InMemorySubscriptionRegistry implements SubscriptionRegistry {
  private volatile List<Subscription> subscriptions = List.of();
  private volatile Map<String, Subscription> byId = Map.of();

  @Override
  public List<Subscription> matching(String eventType) {
    List<Subscription> all = subscriptions;
    List<Subscription> out = new ArrayList<>(all.size());
    for (Subscription s : all) {
      if (s.accepts(eventType)) {
        out.add(s);
      }
    }
    return out;
  }

  @Override
  public List<Subscription> all() {
    return subscriptions;
  }

  @Override
  public Optional<Subscription> find(String id) {
    return Optional.ofNullable(byId.get(id));
  }

  /** Publishes a new list and its index; callers hold the lock. */
  private void publish(List<Subscription> next) {
    Map<String, Subscription> index = new HashMap<>(next.size() * 2);
    for (Subscription s : next) {
      index.put(s.id(), s);
    }
    subscriptions = List.copyOf(next);
    byId = index;
  }

  @Override
  public synchronized void add(Subscription subscription) {
    Objects.requireNonNull(subscription, "subscription");
    if (find(subscription.id()).isPresent()) {
      throw duplicate(subscription);
    }
    List<Subscription> next = new ArrayList<>(subscriptions);
    next.add(subscription);
    publish(next);
  }

  /** Adds many at once: one copy instead of one per subscription. */
  synchronized void addAll(List<Subscription> more) {
    List<Subscription> next = new ArrayList<>(subscriptions.size() + more.size());
    next.addAll(subscriptions);
    java.util.Set<String> ids = new java.util.HashSet<>(byId.keySet());
    for (Subscription s : more) {
      if (!ids.add(Objects.requireNonNull(s, "subscription").id())) {
        throw duplicate(s);
      }
      next.add(s);
    }
    publish(next);
  }

  private static IllegalArgumentException duplicate(Subscription s) {
    return new IllegalArgumentException("a subscription with id '" + s.id() + "' exists already; remove it first"
        + " or give the new one another id with .id(\"...\") (an id left out is derived from the endpoint, so"
        + " two subscriptions to " + s.endpointForLogs() + " need ids of their own)");
  }

  @Override
  public synchronized boolean remove(String id) {
    List<Subscription> next = new ArrayList<>(subscriptions);
    boolean removed = next.removeIf(s -> s.id().equals(id));
    publish(next);
    return removed;
  }

  @Override
  public synchronized boolean setEnabled(String id, boolean enabled) {
    List<Subscription> next = new ArrayList<>(subscriptions);
    for (int i = 0; i < next.size(); i++) {
      if (next.get(i).id().equals(id)) {
        if (next.get(i).enabled() == enabled) {
          return false;
        }
        next.set(i, next.get(i).withEnabled(enabled));
        publish(next);
        return true;
      }
    }
    return false;
  }

  @Override
  public String toString() {
    return "InMemorySubscriptionRegistry" + subscriptions;
  }
}
