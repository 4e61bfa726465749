package dev.hookpost;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JacksonEventCodecTest {
  static final Instant AT = Instant.parse("2026-11-22T10:15:30.123Z");

  static String encode(EventCodec codec, Object data) {
    return new String(codec.encode(new Event("evt_1", "order.created", AT, data)), StandardCharsets.UTF_8);
  }

  record Order(String orderId, int totalCents) {}

  @Test
  void writesTheStandardWebhooksEnvelope() {
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("orderId", "A-1001");

    assertThat(encode(EventCodec.jackson(), data))
        .isEqualTo("{\"type\":\"order.created\",\"timestamp\":\"2026-11-22T10:15:30.123Z\",\"data\":{\"orderId\":\"A-1001\"}}");
  }

  @Test
  void serializesRecords() {
    assertThat(encode(EventCodec.jackson(), new Order("A-1", 995))).endsWith("\"data\":{\"orderId\":\"A-1\",\"totalCents\":995}}");
  }

  @Test
  void writesNullData() {
    assertThat(encode(EventCodec.jackson(), null)).endsWith("\"data\":null}");
  }

  @Test
  void writesRawJsonAsItIs() {
    assertThat(encode(EventCodec.jackson(), RawJson.of("{\"a\": [1, 2]}"))).endsWith("\"data\":{\"a\": [1, 2]}}");
  }

  @Test
  void usesTheApplicationsObjectMapper() {
    ObjectMapper snake = new ObjectMapper().setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);

    assertThat(encode(EventCodec.jackson(snake), new Order("A-1", 1))).contains("\"order_id\":\"A-1\"");
  }

  @Test
  void rejectsMalformedRawJson() {
    assertThatThrownBy(() -> encode(EventCodec.jackson(), RawJson.of("{\"a\":")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("event data RawJson is not well-formed JSON");
  }

  @Test
  void rejectsRawJsonWithTwoValues() {
    assertThatThrownBy(() -> encode(EventCodec.jackson(), RawJson.of("{} {}")))
        .hasMessageContaining("more than one JSON value");
  }

  @Test
  void rejectsASelfReferencingObjectWithAClearMessage() {
    List<Object> loop = new ArrayList<>();
    loop.add(loop);

    assertThatThrownBy(() -> encode(EventCodec.jackson(), loop))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("event data of type java.util.ArrayList cannot be serialized to JSON")
        .hasMessageContaining("without cycles");
  }

  @Test
  void rejectsAnObjectJacksonCannotSerialize() {
    assertThatThrownBy(() -> encode(EventCodec.jackson(), new Object()))
        .hasMessageContaining("event data of type java.lang.Object cannot be serialized");
  }
}
