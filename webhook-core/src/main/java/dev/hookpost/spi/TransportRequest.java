package dev.hookpost.spi;

import java.net.URI;
import java.util.Map;
import java.util.Objects;

/**
 * One signed POST, ready for a {@link Transport}.
 *
 * @param endpoint where to POST
 * @param headers header names (lower case) to values, including the three {@code webhook-*}
 *     headers, {@code content-type} and {@code user-agent}
 * @param body the envelope bytes; shared between every attempt and subscription of an event,
 *     so a transport must never modify it
 */
public record TransportRequest(URI endpoint, Map<String, String> headers, byte[] body) {
  /** @throws NullPointerException if any component is null */
  public TransportRequest {
    Objects.requireNonNull(endpoint, "endpoint");
    Objects.requireNonNull(headers, "headers");
    Objects.requireNonNull(body, "body");
  }

  /**
   * A copy with header {@code name} (stored in lower case) set to {@code value}, replacing any
   * value it had; e.g. for an {@link AttemptInterceptor} that adds a {@code traceparent}.
   *
   * @throws NullPointerException if {@code name} or {@code value} is null
   */
  public TransportRequest withHeader(String name, String value) {
    Map<String, String> copy = new java.util.LinkedHashMap<>(headers);
    copy.put(name.toLowerCase(java.util.Locale.ROOT), Objects.requireNonNull(value, "value"));
    return new TransportRequest(endpoint, java.util.Collections.unmodifiableMap(copy), body);
  }

  /** The value of header {@code name} (any case), or null. */
  public String header(String name) {
    return headers.get(name.toLowerCase(java.util.Locale.ROOT));
  }

  @Override
  public String toString() {
    return "TransportRequest[POST " + endpoint + ", " + body.length + " bytes]";
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TransportRequest r && endpoint.equals(r.endpoint) && headers.equals(r.headers)
        && java.util.Arrays.equals(body, r.body);
  }

  @Override
  public int hashCode() {
    return Objects.hash(endpoint, headers, java.util.Arrays.hashCode(body));
  }
}
