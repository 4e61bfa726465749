/** Hookpost's durable store and transactional outbox: {@code dev.hookpost.jdbc.JdbcDeliveryStore}. */
module dev.hookpost.jdbc {
  requires transitive dev.hookpost.core;
  requires transitive java.sql;
  requires org.slf4j;
  requires static org.postgresql.jdbc; // PostgresWakeups: LISTEN through pgjdbc, when the application has it

  exports dev.hookpost.jdbc;
}
