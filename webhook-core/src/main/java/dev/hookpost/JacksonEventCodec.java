package dev.hookpost;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.util.BufferRecycler;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;

/** The envelope written with Jackson's streaming API: no intermediate tree. Thread-safe. */
final class JacksonEventCodec implements EventCodec {
  private final ObjectMapper mapper;

  JacksonEventCodec(ObjectMapper mapper) {
    this.mapper = mapper;
  }

  @Override
  public byte[] encode(Event event) {
    Object data = event.data();
    if (data instanceof RawJson raw) {
      requireOneJsonValue(raw.json());
    }
    // The envelope is written into a block of Jackson's per-thread buffers, as
    // ObjectMapper.writeValueAsBytes does, rather than into a fresh one per event: writing to
    // new, cold memory took a tenth of send's time at low load. toByteArray makes the one copy.
    BufferRecycler recycler = mapper.getFactory()._getBufferRecycler();
    ByteArrayBuilder out = new ByteArrayBuilder(recycler);
    try {
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
      return out.toByteArray();
    } finally {
      out.release();
      recycler.releaseToPool();
    }
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
