/**
 * A durable {@link dev.hookpost.spi.DeliveryStore} over plain JDBC, for H2 and PostgreSQL:
 * {@link dev.hookpost.jdbc.JdbcDeliveryStore}. Deliveries survive a crash, several publisher
 * instances share one PostgreSQL database, and events can be enqueued inside the application's
 * own transaction (a transactional outbox).
 *
 * <p>The module references no driver class: the application brings the JDBC driver (and the
 * connection pool) it already uses.
 */
package dev.hookpost.jdbc;
