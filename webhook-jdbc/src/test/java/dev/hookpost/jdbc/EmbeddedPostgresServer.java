package dev.hookpost.jdbc;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.time.Duration;
import javax.sql.DataSource;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real PostgreSQL server for one test class, from the binaries on the test classpath: started
 * before the class's first test (and its {@code @BeforeAll} methods), stopped after its last.
 * Register it on a static field with {@code @RegisterExtension}.
 */
final class EmbeddedPostgresServer implements BeforeAllCallback, AfterAllCallback {
  private EmbeddedPostgres postgres;

  @Override
  public void beforeAll(ExtensionContext context) throws IOException {
    postgres = EmbeddedPostgres.builder().setPGStartupWait(Duration.ofSeconds(30)).start();
  }

  @Override
  public void afterAll(ExtensionContext context) throws IOException {
    if (postgres != null) {
      postgres.close();
      postgres = null;
    }
  }

  /** The {@code postgres} database, as user {@code postgres}. */
  DataSource dataSource() {
    return postgres.getPostgresDatabase();
  }

  /** The JDBC URL of the {@code postgres} database, for user {@code postgres} with no password. */
  String jdbcUrl() {
    return postgres.getJdbcUrl("postgres", "postgres");
  }
}
