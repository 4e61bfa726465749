package dev.hookpost;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Subscriptions in memory, indexed by tenant: {@link #matching} reads two small copy-on-write
 * lists (the event's tenant's and the every-tenant one) without a lock. Changes hold this
 * object's monitor and copy only the list of the tenant they touch. Each view (by id, by tenant,
 * in order added) is consistent on its own; a reader racing a change may see it in one view
 * before another.
 */
final class InMemorySubscriptionRegistry implements SubscriptionRegistry {
  /** Group keys for subscriptions without a tenant and for those of every tenant; no tenant holds a control character. */
  private static final String NO_TENANT = "\0none";
  private static final String EVERY_TENANT = "\0every";

  private record Slot(Subscription subscription, long seq) {}

  private final ConcurrentHashMap<String, Slot> byId = new ConcurrentHashMap<>();
  /** Group key to its subscriptions in the order added; a list is replaced, never changed. */
  private final ConcurrentHashMap<String, List<Subscription>> byGroup = new ConcurrentHashMap<>();
  private final ConcurrentSkipListMap<Long, Subscription> inOrder = new ConcurrentSkipListMap<>();
  private final AtomicLong seq = new AtomicLong();

  private static String group(Subscription s) {
    return s.allTenants() ? EVERY_TENANT : s.tenant().orElse(NO_TENANT);
  }

  @Override
  public List<Subscription> matching(String tenant, String eventType) {
    List<Subscription> own = byGroup.getOrDefault(tenant == null ? NO_TENANT : tenant, List.of());
    // an event without a tenant is the application's own: only subscriptions without one hear it
    List<Subscription> every = tenant == null ? List.of() : byGroup.getOrDefault(EVERY_TENANT, List.of());
    List<Subscription> out = new ArrayList<>(own.size() + every.size());
    for (Subscription s : own) {
      if (s.accepts(eventType)) {
        out.add(s);
      }
    }
    for (Subscription s : every) {
      if (s.accepts(eventType)) {
        out.add(s);
      }
    }
    return out;
  }

  @Override
  public List<Subscription> ofTenant(String tenant) {
    Objects.requireNonNull(tenant, "tenant");
    return byGroup.getOrDefault(tenant, List.of());
  }

  @Override
  public List<Subscription> all() {
    return List.copyOf(inOrder.values());
  }

  @Override
  public Optional<Subscription> find(String id) {
    Slot slot = byId.get(id);
    return slot == null ? Optional.empty() : Optional.of(slot.subscription());
  }

  @Override
  public void add(Subscription subscription) {
    addAll(List.of(Objects.requireNonNull(subscription, "subscription")));
  }

  /** Adds many at once: one copy per tenant touched instead of one per subscription. */
  synchronized void addAll(List<Subscription> more) {
    Map<String, List<Subscription>> added = new LinkedHashMap<>();
    java.util.Set<String> ids = new java.util.HashSet<>();
    for (Subscription s : more) {
      if (byId.containsKey(Objects.requireNonNull(s, "subscription").id()) || !ids.add(s.id())) {
        throw duplicate(s);
      }
      added.computeIfAbsent(group(s), g -> new ArrayList<>()).add(s);
    }
    for (Subscription s : more) {
      long n = seq.getAndIncrement();
      byId.put(s.id(), new Slot(s, n));
      inOrder.put(n, s);
    }
    added.forEach((group, subs) -> {
      List<Subscription> next = new ArrayList<>(byGroup.getOrDefault(group, List.of()));
      next.addAll(subs);
      byGroup.put(group, List.copyOf(next));
    });
  }

  private static IllegalArgumentException duplicate(Subscription s) {
    return new IllegalArgumentException("a subscription with id '" + s.id() + "' exists already; remove it first"
        + " or give the new one another id with .id(\"...\") (an id left out is derived from the tenant and the"
        + " endpoint, so two subscriptions" + s.tenant().map(t -> " of tenant " + t).orElse("") + " to "
        + s.endpointForLogs() + " need ids of their own)");
  }

  @Override
  public synchronized boolean remove(String id) {
    Slot slot = byId.remove(id);
    if (slot == null) {
      return false;
    }
    inOrder.remove(slot.seq());
    String group = group(slot.subscription());
    List<Subscription> next = new ArrayList<>(byGroup.getOrDefault(group, List.of()));
    next.removeIf(s -> s.id().equals(id));
    if (next.isEmpty()) {
      byGroup.remove(group);
    } else {
      byGroup.put(group, List.copyOf(next));
    }
    return true;
  }

  /** {@inheritDoc} In one step: a send sees the old subscription or the new one. */
  @Override
  public synchronized void replace(Subscription subscription) {
    Slot slot = byId.get(Objects.requireNonNull(subscription, "subscription").id());
    if (slot == null) {
      throw new IllegalArgumentException("there is no subscription '" + subscription.id() + "' to replace; add it");
    }
    String id = subscription.id();
    byId.put(id, new Slot(subscription, slot.seq()));
    inOrder.put(slot.seq(), subscription);
    String before = group(slot.subscription());
    String after = group(subscription);
    List<Subscription> next = new ArrayList<>(byGroup.get(before));
    if (before.equals(after)) {
      next.replaceAll(s -> s.id().equals(id) ? subscription : s);
      byGroup.put(before, List.copyOf(next));
      return;
    }
    next.removeIf(s -> s.id().equals(id));
    if (next.isEmpty()) {
      byGroup.remove(before);
    } else {
      byGroup.put(before, List.copyOf(next));
    }
    List<Subscription> joined = new ArrayList<>(byGroup.getOrDefault(after, List.of()));
    joined.add(subscription);
    byGroup.put(after, List.copyOf(joined));
  }

  @Override
  public synchronized int removeTenant(String tenant) {
    Objects.requireNonNull(tenant, "tenant");
    List<Subscription> gone = byGroup.remove(tenant);
    if (gone == null) {
      return 0;
    }
    for (Subscription s : gone) {
      inOrder.remove(byId.remove(s.id()).seq());
    }
    return gone.size();
  }

  @Override
  public synchronized boolean setEnabled(String id, boolean enabled) {
    Slot slot = byId.get(id);
    if (slot == null || slot.subscription().enabled() == enabled) {
      return false;
    }
    Subscription changed = slot.subscription().withEnabled(enabled);
    byId.put(id, new Slot(changed, slot.seq()));
    inOrder.put(slot.seq(), changed);
    String group = group(changed);
    List<Subscription> next = new ArrayList<>(byGroup.get(group));
    next.replaceAll(s -> s.id().equals(id) ? changed : s);
    byGroup.put(group, List.copyOf(next));
    return true;
  }

  @Override
  public String toString() {
    return "InMemorySubscriptionRegistry[" + byId.size() + " subscriptions, " + byGroup.size() + " tenants]";
  }
}
