package dev.hookpost;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/** Which event types a subscription hears: exact names, {@code prefix.*} wildcards, or {@code *}. */
final class EventTypeFilter {
  static final EventTypeFilter ALL = new EventTypeFilter(List.of("*"), Set.of(), List.of(), true);
  private static final Pattern PATTERN = Pattern.compile("\\*|[A-Za-z0-9_.\\-]+(\\.\\*)?");

  private final List<String> patterns;
  private final Set<String> exact;
  private final List<String> prefixes; // each ends with '.'
  private final boolean all;

  private EventTypeFilter(List<String> patterns, Set<String> exact, List<String> prefixes, boolean all) {
    this.patterns = patterns;
    this.exact = exact;
    this.prefixes = prefixes;
    this.all = all;
  }

  /** @throws IllegalArgumentException naming the bad pattern */
  static EventTypeFilter of(List<String> patterns) {
    if (patterns.isEmpty()) {
      return ALL;
    }
    Set<String> exact = new HashSet<>();
    List<String> prefixes = new ArrayList<>();
    boolean all = false;
    for (String p : patterns) {
      if (p == null || !PATTERN.matcher(p).matches() || p.length() > Names.MAX_LENGTH) {
        throw new IllegalArgumentException("eventTypes: '" + (p == null ? "null" : Names.printable(p))
            + "' is not an event type pattern; use an exact type ('order.created'), a prefix"
            + " wildcard ('order.*') or '*' for all");
      }
      if (p.equals("*")) {
        all = true;
      } else if (p.endsWith(".*")) {
        prefixes.add(p.substring(0, p.length() - 1));
      } else {
        exact.add(p);
      }
    }
    return new EventTypeFilter(List.copyOf(patterns), Set.copyOf(exact), List.copyOf(prefixes), all);
  }

  boolean accepts(String type) {
    if (all || exact.contains(type)) {
      return true;
    }
    for (String prefix : prefixes) {
      if (type.startsWith(prefix)) {
        return true;
      }
    }
    return false;
  }

  List<String> patterns() {
    return patterns;
  }
}
