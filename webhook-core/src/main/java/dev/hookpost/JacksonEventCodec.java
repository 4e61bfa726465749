package dev.hookpost;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.format.DateTimeFormatter;

/** The envelope written with Jackson's streaming API: no intermediate tree. Thread-safe. */
final class JacksonEventCodec implements EventCodec {
  private final ObjectMapper mapper;

  JacksonEventCodec(ObjectMapper mapper) {
    this.mapper = mapper;
  }

  @Override
  public byte[] encode(Event event) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    Object data = event.data();
    if (data instanceof RawJson raw) {
      requireOneJsonValue(raw.json());
    }
    try (JsonGenerator gen = mapper.getFactory().createGenerator(out)) {
      gen.writeStartObject();
      gen.writeStringField("type", event.type());
      gen.writeStringField("timestamp", DateTimeFormatter.ISO_INSTANT.format(event.timestamp()));
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
    return out.toByteArray();
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
