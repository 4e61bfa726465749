package dev.hookpost;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.util.Objects;

/**
 * Turns an {@link Event} into the bytes of its JSON envelope
 * {@code {"type":..., "timestamp":<RFC 3339>, "data":...}}. The publisher calls it once per
 * event; the same bytes go to every subscription and every attempt.
 *
 * <p>Implementations must be thread-safe.
 */
public interface EventCodec {

  /**
   * Serializes the envelope.
   *
   * @throws IllegalArgumentException if the event's data cannot be serialized, naming its type
   *     and what to pass instead
   */
  byte[] encode(Event event);

  /**
   * The default codec: Jackson with every module found on the class path (so
   * {@code java.time} values work when {@code jackson-datatype-jsr310} is present).
   */
  static EventCodec jackson() {
    return new JacksonEventCodec(JsonMapper.builder().findAndAddModules().build());
  }

  /** A codec over the application's own configured {@link ObjectMapper}. */
  static EventCodec jackson(ObjectMapper mapper) {
    return new JacksonEventCodec(Objects.requireNonNull(mapper, "mapper"));
  }
}
