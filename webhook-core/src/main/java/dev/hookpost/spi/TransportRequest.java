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
