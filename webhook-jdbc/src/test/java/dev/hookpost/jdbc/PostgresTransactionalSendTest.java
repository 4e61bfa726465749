package dev.hookpost.jdbc;

import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The transactional send against a real PostgreSQL server; each test gets tables of its own. */
class PostgresTransactionalSendTest extends TransactionalSendContract {
  private static final AtomicInteger TABLES = new AtomicInteger();
  @RegisterExtension
  static final EmbeddedPostgresServer postgres = new EmbeddedPostgresServer();

  private final String prefix = "tx" + TABLES.incrementAndGet() + "_";

  @Override
  DataSource dataSource() {
    return postgres.dataSource();
  }

  @Override
  String prefix() {
    return prefix;
  }
}
