package dev.hookpost.jdbc;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/** The transactional send against a file-backed H2 database, a fresh file per test. */
class H2TransactionalSendTest extends TransactionalSendContract {
  @TempDir
  Path dir;
  private JdbcDataSource dataSource;
  /** Held open for the test, so H2 keeps the database open between the store's connections. */
  private Connection keepOpen;

  @BeforeEach
  @Override
  void startPublisher() {
    dataSource = new JdbcDataSource();
    dataSource.setURL("jdbc:h2:file:" + dir.resolve("outbox").toAbsolutePath());
    try {
      keepOpen = dataSource.getConnection();
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
    super.startPublisher();
  }

  @AfterEach
  @Override
  void stopPublisher() throws InterruptedException {
    super.stopPublisher(); // first: the publisher must not outlive the database
    try {
      keepOpen.close();
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
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
