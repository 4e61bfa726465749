package dev.hookpost.internal.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hookpost.ContentFilter;
import dev.hookpost.Subscription;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Keeps the subscriptions whose {@link ContentFilter} matches an event: parses the event's
 * serialized envelope into a tree at most once (only when a subscription has a filter), and
 * evaluates each filter on that tree; the payload is never serialized again. Stateless.
 */
final class ContentMatch {
  private static final ObjectMapper JSON = new ObjectMapper();

  private ContentMatch() {}

  /**
   * The subscriptions without a filter or whose filter matches {@code envelope}, in order; the
   * same list when all do.
   *
   * @throws IllegalStateException if a filter must be evaluated and the envelope is not JSON
   */
  static List<Subscription> keep(List<Subscription> subscriptions, byte[] envelope, String eventId) {
    JsonNode tree = null;
    List<Subscription> kept = null; // made at the first subscription left out
    for (int i = 0; i < subscriptions.size(); i++) {
      Subscription s = subscriptions.get(i);
      ContentFilter filter = s.filter().orElse(null);
      boolean keep = true;
      if (filter != null) {
        if (tree == null) {
          tree = parse(envelope, eventId);
        }
        keep = filter.matches(tree);
      }
      if (!keep && kept == null) {
        kept = new ArrayList<>(subscriptions.subList(0, i));
      } else if (keep && kept != null) {
        kept.add(s);
      }
    }
    return kept == null ? subscriptions : kept;
  }

  private static JsonNode parse(byte[] envelope, String eventId) {
    try {
      return JSON.readTree(envelope);
    } catch (IOException e) {
      throw new IllegalStateException("event " + eventId + " serializes to text that is not JSON, so content"
          + " filters cannot read it; use an EventCodec that writes JSON (" + e.getMessage() + ")", e);
    }
  }
}
