package dev.hookpost.spi;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What an endpoint answered.
 *
 * @param status the HTTP status code
 * @param headers header names (lower case) to values
 * @param bodyExcerpt the start of the response body as text, at most {@link #MAX_EXCERPT}
 *     characters, for logs and outcomes; the rest is read and discarded by the transport
 */
public record TransportResponse(int status, Map<String, List<String>> headers, String bodyExcerpt) {
  /** The longest body excerpt kept: 1024 characters. */
  public static final int MAX_EXCERPT = 1024;

  /**
   * Copies the headers and cuts the excerpt to {@link #MAX_EXCERPT}.
   *
   * @throws IllegalArgumentException if the status is not 100..599
   */
  public TransportResponse {
    if (status < 100 || status > 599) {
      throw new IllegalArgumentException("status " + status + " is not an HTTP status (100..599)");
    }
    Objects.requireNonNull(headers, "headers");
    @SuppressWarnings("unchecked")
    Map.Entry<String, List<String>>[] copy = new Map.Entry[headers.size()];
    int i = 0;
    for (Map.Entry<String, List<String>> h : headers.entrySet()) {
      copy[i++] = Map.entry(h.getKey(), List.copyOf(h.getValue()));
    }
    headers = Map.ofEntries(copy);
    bodyExcerpt = bodyExcerpt == null ? ""
        : bodyExcerpt.length() > MAX_EXCERPT ? bodyExcerpt.substring(0, MAX_EXCERPT) : bodyExcerpt;
  }

  /** A response with a status only, e.g. for tests. */
  public static TransportResponse of(int status) {
    return new TransportResponse(status, Map.of(), "");
  }

  /** Whether the status is 2xx. */
  public boolean isSuccessful() {
    return status >= 200 && status < 300;
  }

  /** The first value of header {@code name} (any case). */
  public Optional<String> header(String name) {
    List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
    return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
  }
}
