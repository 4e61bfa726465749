package dev.hookpost.jdbc;

/**
 * What differs between the databases the store supports: column types, idempotent inserts,
 * how a claim locks rows, and how a schema migration excludes a concurrent one.
 */
enum Dialect {
  /** H2 2.x: embedded and file-backed, for a single instance. */
  H2("VARBINARY", 2) {
    @Override
    String insertEventIfAbsent(String table) {
      return "MERGE INTO " + table + " t USING (VALUES (CAST(? AS VARCHAR(255)), CAST(? AS VARCHAR(255)),"
          + " CAST(? AS VARBINARY), CAST(? AS TIMESTAMP WITH TIME ZONE))) s(event_id, event_type, payload, created_at)"
          + " ON t.event_id = s.event_id WHEN NOT MATCHED THEN INSERT (event_id, event_type, payload, created_at)"
          + " VALUES (s.event_id, s.event_type, s.payload, s.created_at)";
    }

    @Override
    String insertDeliveryIfAbsent(String table) {
      String ts = " AS TIMESTAMP WITH TIME ZONE)";
      return "MERGE INTO " + table + " t USING (VALUES (CAST(? AS VARCHAR(511)), CAST(? AS VARCHAR(255)),"
          + " CAST(? AS VARCHAR(255)), CAST(?" + ts + ", CAST(?" + ts + ", CAST(?" + ts + ", CAST(? AS VARCHAR(255))))"
          + " s(delivery_id, event_id, subscription_id, created_at, next_attempt_at, updated_at, ordering_key)"
          + " ON t.delivery_id = s.delivery_id WHEN NOT MATCHED THEN INSERT (delivery_id, event_id, subscription_id,"
          + " state, attempts, created_at, next_attempt_at, last_status, updated_at, ordering_key) VALUES (s.delivery_id,"
          + " s.event_id, s.subscription_id, 'PENDING', 0, s.created_at, s.next_attempt_at, 0, s.updated_at,"
          + " s.ordering_key)";
    }
  },

  /** PostgreSQL 10 or later: many publisher instances share one database. */
  POSTGRESQL("BYTEA", 10) {
    @Override
    String insertEventIfAbsent(String table) {
      return "INSERT INTO " + table + " (event_id, event_type, payload, created_at) VALUES (?, ?, ?, ?)"
          + " ON CONFLICT (event_id) DO NOTHING";
    }

    @Override
    String insertDeliveryIfAbsent(String table) {
      return "INSERT INTO " + table + " (delivery_id, event_id, subscription_id, state, attempts, created_at,"
          + " next_attempt_at, last_status, updated_at, ordering_key) VALUES (?, ?, ?, 'PENDING', 0, ?, ?, 0, ?, ?)"
          + " ON CONFLICT (delivery_id) DO NOTHING";
    }
  };

  /** The column type of the payload bytes. */
  final String bytesType;
  /** The oldest major version that has every feature the schema and the claims use. */
  final int minMajorVersion;

  Dialect(String bytesType, int minMajorVersion) {
    this.bytesType = bytesType;
    this.minMajorVersion = minMajorVersion;
  }

  /**
   * Inserts an event unless one with its id exists. Parameters: event_id, event_type, payload,
   * created_at.
   */
  abstract String insertEventIfAbsent(String table);

  /**
   * Inserts a pending delivery unless one with its id exists. Parameters: delivery_id, event_id,
   * subscription_id, created_at, next_attempt_at, updated_at, ordering_key.
   */
  abstract String insertDeliveryIfAbsent(String table);

  /** The dialect for a database product name from {@code DatabaseMetaData}, or null. */
  static Dialect of(String productName) {
    if ("H2".equals(productName)) {
      return H2;
    }
    if ("PostgreSQL".equals(productName)) {
      return POSTGRESQL;
    }
    return null;
  }

  @Override
  public String toString() {
    return this == H2 ? "H2" : "PostgreSQL";
  }
}
