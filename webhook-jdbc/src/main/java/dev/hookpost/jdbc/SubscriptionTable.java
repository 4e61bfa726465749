package dev.hookpost.jdbc;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hookpost.ContentFilter;
import dev.hookpost.SigningKey;
import dev.hookpost.Subscription;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The subscriptions table of {@link JdbcSubscriptionRegistry}: its DDL, and a subscription as a
 * row and back, and its run of failed deliveries. Signing keys and event types are kept
 * space-separated (neither holds a space); a key being rotated out carries its expiry after an
 * {@code @} ({@code whsec_...@2030-01-01T00:00:00Z}; base64 has no {@code @}). Headers are kept
 * as a JSON object, the filter in its JSON form. Stateless.
 */
final class SubscriptionTable {
  /** The columns every read selects, in the order {@link #read} expects. */
  static final String COLUMNS = "id, tenant, all_tenants, endpoint, secrets, event_types, filter, headers, enabled,"
      + " failures";
  private static final ObjectMapper JSON = new ObjectMapper();

  /** How long a removed id is remembered ({@link #removals}). */
  static final java.time.Duration REMEMBER_REMOVALS = java.time.Duration.ofDays(30);

  final String table;
  /** Ids removed and not added again since, with when: every instance ends their deliveries. */
  final String removals;
  private final Dialect dialect;

  SubscriptionTable(String prefix, Dialect dialect) {
    this.table = prefix + "subscriptions";
    this.removals = prefix + "subscription_removals";
    this.dialect = dialect;
  }

  /** Creates the table and its tenant index unless they exist. */
  void create(Connection c) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute("CREATE TABLE IF NOT EXISTS " + table + " ("
          + "id VARCHAR(255) NOT NULL PRIMARY KEY, "
          + "seq " + dialect.identityType + " NOT NULL, "
          + "tenant VARCHAR(255), "
          + "all_tenants BOOLEAN NOT NULL, "
          + "endpoint VARCHAR(4096) NOT NULL, "
          + "secrets VARCHAR(4096) NOT NULL, "
          + "event_types VARCHAR(16384) NOT NULL, "
          + "filter VARCHAR(65536), "
          + "headers VARCHAR(65536) NOT NULL, "
          + "enabled BOOLEAN NOT NULL, "
          // the endpoint's run of failed deliveries, shared by every instance (SubscriptionRegistry.recordFailure)
          + "failures INT DEFAULT 0 NOT NULL, "
          + "failing_since TIMESTAMP WITH TIME ZONE)");
      s.execute("CREATE INDEX IF NOT EXISTS " + table + "_tenant ON " + table + " (tenant, seq)");
      s.execute("CREATE TABLE IF NOT EXISTS " + removals + " ("
          + "id VARCHAR(255) NOT NULL PRIMARY KEY, "
          + "removed_at TIMESTAMP WITH TIME ZONE NOT NULL)");
    }
  }

  /**
   * Remembers that {@code ids} were removed at {@code now}, and forgets removals older than
   * {@link #REMEMBER_REMOVALS}.
   */
  void rememberRemoved(Connection c, List<String> ids, Instant now) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + removals + " WHERE removed_at < ?")) {
      Params.setInstant(ps, 1, now.minus(REMEMBER_REMOVALS));
      ps.executeUpdate();
    }
    for (String id : ids) {
      forgetRemoved(c, id);
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + removals + " (id, removed_at) VALUES (?, ?)")) {
        ps.setString(1, id);
        Params.setInstant(ps, 2, now);
        ps.executeUpdate();
      }
    }
  }

  /** {@code id} is added (again): not removed any more. */
  void forgetRemoved(Connection c, String id) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + removals + " WHERE id = ?")) {
      ps.setString(1, id);
      ps.executeUpdate();
    }
  }

  /** Inserts {@code s}; throws the database's constraint violation if its id exists. */
  void insert(Connection c, Subscription s) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + table
        + " (id, tenant, all_tenants, endpoint, secrets, event_types, filter, headers, enabled"
        // SQLite has no identity column: number after the last row (it writes one transaction at a time)
        + (dialect == Dialect.SQLITE ? ", seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, (SELECT COALESCE(MAX(seq), 0) + 1 FROM "
            + table + "))" : ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"))) {
      ps.setString(1, s.id());
      Params.setText(ps, 2, s.tenant().orElse(null));
      ps.setBoolean(3, s.allTenants());
      ps.setString(4, s.endpoint().toString());
      ps.setString(5, keys(s.signingKeys()));
      ps.setString(6, String.join(" ", s.eventTypes()));
      Params.setText(ps, 7, s.filter().map(ContentFilter::toJson).orElse(null));
      ps.setString(8, headers(s.headers()));
      ps.setBoolean(9, s.enabled());
      ps.executeUpdate();
    }
  }

  /** The subscription in the current row of {@code rs}, which selected {@link #COLUMNS}. */
  static Subscription read(ResultSet rs) throws SQLException {
    Subscription.Builder b = Subscription.builder().id(rs.getString("id")).tenant(rs.getString("tenant"))
        .allTenants(rs.getBoolean("all_tenants")).endpoint(rs.getString("endpoint"))
        .signingKeys(keys(rs.getString("secrets"))).eventTypes(rs.getString("event_types").split(" "))
        .enabled(rs.getBoolean("enabled"));
    String filter = rs.getString("filter");
    if (filter != null) {
      b.filter(filter);
    }
    try {
      JSON.readValue(rs.getString("headers"), new TypeReference<LinkedHashMap<String, String>>() {})
          .forEach(b::header);
    } catch (JsonProcessingException e) {
      throw new SQLException("subscription " + rs.getString("id") + " has headers that are not a JSON object", e);
    }
    return b.build();
  }

  private static String keys(List<SigningKey> keys) {
    List<String> out = new ArrayList<>(keys.size());
    for (SigningKey k : keys) {
      out.add(k.expiry().map(at -> k.value() + "@" + at).orElse(k.value()));
    }
    return String.join(" ", out);
  }

  private static List<SigningKey> keys(String column) {
    List<SigningKey> out = new ArrayList<>();
    for (String k : column.split(" ")) {
      int at = k.indexOf('@');
      out.add(at < 0 ? SigningKey.of(k) : new SigningKey(k.substring(0, at), Instant.parse(k.substring(at + 1))));
    }
    return out;
  }

  private static String headers(Map<String, String> headers) {
    try {
      return JSON.writeValueAsString(headers);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("headers of strings always serialize", e);
    }
  }
}
