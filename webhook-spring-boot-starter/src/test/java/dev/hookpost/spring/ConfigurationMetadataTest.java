package dev.hookpost.spring;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.context.annotation.ImportCandidates;

/**
 * What the jar tells Spring Boot and IDEs: its auto-configurations, and {@code hookpost.*}
 * metadata the configuration processor writes.
 */
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

  @Test
  void bothAutoConfigurationsAreRegisteredForSpringBootToFind() {
    assertThat(ImportCandidates.load(AutoConfiguration.class, getClass().getClassLoader()).getCandidates())
        .contains(HookpostAutoConfiguration.class.getName(), HookpostReceiverAutoConfiguration.class.getName());
  }
}
