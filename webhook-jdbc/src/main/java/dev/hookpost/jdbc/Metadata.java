package dev.hookpost.jdbc;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;

/**
 * An event's metadata (what the publisher's interceptors kept with it) as one text column:
 * form-encoded {@code k=v&k2=v2}, keys sorted; null when there is none. Pure.
 */
final class Metadata {
  private Metadata() {}

  /** The column's value for {@code metadata}: null when empty. */
  static String encode(Map<String, String> metadata) {
    if (metadata.isEmpty()) {
      return null;
    }
    StringBuilder sb = new StringBuilder();
    for (Map.Entry<String, String> e : new TreeMap<>(metadata).entrySet()) {
      sb.append(sb.length() == 0 ? "" : "&").append(URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8))
          .append('=').append(URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8));
    }
    return sb.toString();
  }

  /** The metadata a column value stands for; empty for null. */
  static Map<String, String> decode(String column) {
    if (column == null || column.isEmpty()) {
      return Map.of();
    }
    Map<String, String> out = new TreeMap<>();
    for (String pair : column.split("&")) {
      int eq = pair.indexOf('=');
      out.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
          URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
    }
    return Map.copyOf(out);
  }
}
