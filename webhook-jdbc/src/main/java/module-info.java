/** Hookpost's durable store and transactional outbox: {@code dev.hookpost.jdbc.JdbcDeliveryStore}. */
module dev.hookpost.jdbc {
  requires transitive dev.hookpost.core;
  requires transitive java.sql;

  exports dev.hookpost.jdbc;
}
