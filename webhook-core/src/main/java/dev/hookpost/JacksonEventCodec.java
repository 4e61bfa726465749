package dev.hookpost;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;

/** The envelope written with Jackson's streaming API: no intermediate tree. Thread-safe. */
final class JacksonEventCodec implements EventCodec {
  /** The largest first buffer: one huge event must not make every later one allocate as much. */
  private static final int MAX_SIZE_HINT = 64 * 1024;

  private final ObjectMapper mapper;
  /**
   * The size of the last envelope encoded (a benign race: any value works), so that the next
   * one usually fits in the first buffer: no growing and copying, one copy for the result.
   */
  private int sizeHint = 512;

  JacksonEventCodec(ObjectMapper mapper) {
    this.mapper = mapper;
  }

  @Override
  public byte[] encode(Event event) {
    ByteArrayBuilder out = new ByteArrayBuilder(sizeHint);
    Object data = event.data();
    if (data instanceof RawJson raw) {
      requireOneJsonValue(raw.json());
    }
    try (JsonGenerator gen = mapper.getFactory().createGenerator(out)) {
      gen.writeStartObject();
      gen.writeStringField("type", event.type());
      gen.writeStringField("timestamp", Rfc3339.format(event.timestamp()));
      gen.writeFieldName("data");
      if (data instanceof RawJson raw) {
        gen.writeRawValue(raw.json());
      } else {
        mapper.writeValue(gen, data);
      }
      gen.writeEndObject();
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException("event data of type " + (data == null ? "null" : data.getClass().getName())
          + " cannot be serialized to JSON (" + e.getMessage() + "); pass a Jackson-serializable object"
          + " (a record, a Map, a JsonNode) without cycles, or RawJson", e);
    }
    byte[] body = out.toByteArray();
    sizeHint = Math.min(body.length + 16, MAX_SIZE_HINT);
    return body;
  }

  private void requireOneJsonValue(String json) {
    try (JsonParser p = mapper.getFactory().createParser(json)) {
      JsonToken first = p.nextToken();
      if (first == null) {
        throw new IllegalArgumentException("event data RawJson is empty; pass one JSON value such as {} or null");
      }
      p.skipChildren();
      if (p.nextToken() != null) {
        throw new IllegalArgumentException("event data RawJson holds more than one JSON value; wrap them in"
            + " an array or object");
      }
    } catch (IOException e) {
      throw new IllegalArgumentException("event data RawJson is not well-formed JSON ("
          + e.getMessage() + "); pass one JSON value", e);
    }
  }
}
