package dev.hookpost.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hookpost.WebhookException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;

/** What {@link JdbcDeliveryStore#create} and its builder accept and refuse. */
class JdbcDeliveryStoreCreateTest {

  @Test
  void createRejectsADatabaseOtherThanH2OrPostgres() {
    DataSource mysql = dataSourceReporting("MySQL", "8.4.0", 8);

    assertThatThrownBy(() -> JdbcDeliveryStore.create(mysql)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("MySQL 8.4.0").hasMessageContaining("H2").hasMessageContaining("PostgreSQL");
  }

  @Test
  void createRejectsAPostgresOlderThanTen() {
    DataSource old = dataSourceReporting("PostgreSQL", "9.6.24", 9);

    assertThatThrownBy(() -> JdbcDeliveryStore.create(old)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("PostgreSQL 10 or later").hasMessageContaining("9.6.24");
  }

  @Test
  void createReportsAnUnreachableDatabaseAsWebhookException() {
    JdbcDataSource missing = new JdbcDataSource();
    missing.setURL("jdbc:h2:file:/nonexistent-dir/store;IFEXISTS=TRUE");

    assertThatThrownBy(() -> JdbcDeliveryStore.create(missing)).isInstanceOf(WebhookException.class)
        .hasMessageContaining("could not create or migrate its tables hookpost_*")
        .hasCauseInstanceOf(SQLException.class);
  }

  @Test
  void tablePrefixMustBeASimpleIdentifier() {
    JdbcDeliveryStore.Builder builder = JdbcDeliveryStore.builder(new JdbcDataSource());

    for (String bad : new String[] {"", "1st_", "hook-post_", "a;DROP TABLE x", "x".repeat(31)}) {
      assertThatThrownBy(() -> builder.tablePrefix(bad)).as(bad).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("tablePrefix");
    }
    assertThatThrownBy(() -> builder.tablePrefix(null)).isInstanceOf(IllegalArgumentException.class);
    assertThat(builder.tablePrefix("Shop_Webhooks_")).isSameAs(builder);
  }

  @Test
  void builderRefusesANullDataSource() {
    assertThatThrownBy(() -> JdbcDeliveryStore.builder(null)).isInstanceOf(NullPointerException.class)
        .hasMessageContaining("dataSource");
  }

  /** A DataSource whose connections only answer metadata, as a database of another kind would. */
  private static DataSource dataSourceReporting(String product, String version, int major) {
    DatabaseMetaData meta = (DatabaseMetaData) Proxy.newProxyInstance(JdbcDeliveryStoreCreateTest.class.getClassLoader(),
        new Class<?>[] {DatabaseMetaData.class}, (p, m, args) -> switch (m.getName()) {
          case "getDatabaseProductName" -> product;
          case "getDatabaseProductVersion" -> version;
          case "getDatabaseMajorVersion" -> major;
          default -> throw new UnsupportedOperationException(m.getName());
        });
    Connection connection = (Connection) Proxy.newProxyInstance(JdbcDeliveryStoreCreateTest.class.getClassLoader(),
        new Class<?>[] {Connection.class}, (p, m, args) -> switch (m.getName()) {
          case "getMetaData" -> meta;
          case "close" -> null;
          default -> throw new UnsupportedOperationException(m.getName());
        });
    return (DataSource) Proxy.newProxyInstance(JdbcDeliveryStoreCreateTest.class.getClassLoader(),
        new Class<?>[] {DataSource.class}, (p, m, args) -> switch (m.getName()) {
          case "getConnection" -> connection;
          default -> throw new UnsupportedOperationException(m.getName());
        });
  }
}
