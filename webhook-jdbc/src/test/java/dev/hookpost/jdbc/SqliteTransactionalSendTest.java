package dev.hookpost.jdbc;

import java.nio.file.Path;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/** The transactional send against a SQLite database file, a fresh file per test. */
class SqliteTransactionalSendTest extends TransactionalSendContract {
  @TempDir
  Path dir;
  private DataSource dataSource;

  @BeforeEach
  @Override
  void startPublisher() {
    dataSource = SqliteDeliveryStoreTest.sqlite(dir.resolve("outbox.db"));
    super.startPublisher();
  }

  @Override
  DataSource dataSource() {
    return dataSource;
  }

  @Override
  String prefix() {
    return "hookpost_";
  }
}
