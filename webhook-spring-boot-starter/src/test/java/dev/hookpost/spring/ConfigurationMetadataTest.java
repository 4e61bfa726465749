package dev.hookpost.spring;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** IDEs complete {@code hookpost.*} from the metadata the configuration processor writes into the jar. */
class ConfigurationMetadataTest {

  @Test
  void everyHookpostPropertyIsDescribedInTheMetadata() throws Exception {
    JsonNode metadata;
    try (InputStream in = getClass().getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
      assertThat(in).as("spring-configuration-metadata.json in the jar").isNotNull();
      metadata = new ObjectMapper().readTree(in);
    }
    List<String> names = new ArrayList<>();
    metadata.get("properties").forEach(p -> {
      names.add(p.get("name").asText());
      assertThat(p.path("description").asText()).as(p.get("name").asText()).isNotBlank();
    });
    assertThat(names).contains("hookpost.subscriptions", "hookpost.store", "hookpost.retry.policy",
        "hookpost.http.connect-timeout", "hookpost.http.allow", "hookpost.endpoint.max-concurrency",
        "hookpost.receiver.secrets");
  }
}
