package dev.hookpost;

import java.util.Objects;

/**
 * Event data that is already JSON text; it is written into the envelope's {@code data} field
 * as it is, after a check that it is one well-formed JSON value.
 *
 * <pre>{@code Event.of("order.created", RawJson.of("{\"orderId\":\"A-1001\"}"))}</pre>
 *
 * @param json one JSON value (object, array, string, number, boolean or null)
 */
public record RawJson(String json) {
  /** @throws NullPointerException if {@code json} is null */
  public RawJson {
    Objects.requireNonNull(json, "json");
  }

  /** Wraps JSON text. The text is checked when the event is sent. */
  public static RawJson of(String json) {
    return new RawJson(json);
  }
}
