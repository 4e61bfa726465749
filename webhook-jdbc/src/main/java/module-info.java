/** Hookpost's durable store and transactional outbox: {@code dev.hookpost.jdbc.JdbcDeliveryStore}. */
module dev.hookpost.jdbc {
  requires transitive dev.hookpost.core;
  requires transitive java.sql;
  requires org.slf4j;

  exports dev.hookpost.jdbc;
}
