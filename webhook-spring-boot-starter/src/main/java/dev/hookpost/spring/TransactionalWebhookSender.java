package dev.hookpost.spring;

import dev.hookpost.Event;
import dev.hookpost.SendHandle;
import dev.hookpost.WebhookPublisher;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Objects;
import javax.sql.DataSource;
import org.springframework.jdbc.datasource.DataSourceUtils;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Sends an event inside the caller's Spring transaction: called from a {@code @Transactional}
 * method, the event is stored in that transaction (the transactional outbox of
 * {@code hookpost.store=jdbc}), so a commit delivers it and a rollback never sends it.
 *
 * <pre>{@code
 * @Transactional
 * public void place(Order order) {
 *     orders.save(order);
 *     webhooks.send(Event.of("order.created", Map.of("orderId", order.id())));
 * }
 * }</pre>
 *
 * <ul>
 *   <li>In a transaction: the connection is the one Spring bound to the application's
 *       {@link DataSource} ({@link DataSourceUtils#getConnection}), as with a
 *       {@code DataSourceTransactionManager}, {@code JdbcTransactionManager} or
 *       {@code JpaTransactionManager} over that DataSource.
 *   <li>Outside a transaction: the same as {@link WebhookPublisher#send(Event)}.
 * </ul>
 *
 * <p>Thread-safe.
 */
public final class TransactionalWebhookSender {
  private final WebhookPublisher publisher;
  private final DataSource dataSource;

  /**
   * A sender over {@code publisher}, whose store keeps deliveries in {@code dataSource}.
   *
   * @param dataSource the store's DataSource, or null when the store is not transactional (then
   *     a send inside a transaction is refused)
   */
  public TransactionalWebhookSender(WebhookPublisher publisher, DataSource dataSource) {
    this.publisher = Objects.requireNonNull(publisher, "publisher");
    this.dataSource = dataSource;
  }

  /**
   * Sends {@code event}, inside the current transaction when there is one.
   *
   * @return the send's handle; in a transaction its outcomes complete after the commit, when the
   *     deliveries end
   * @throws IllegalStateException in a transaction, when the store is not transactional
   *     ({@code hookpost.store=memory}) or the transaction is not on the store's DataSource
   * @throws IllegalArgumentException if the event cannot be serialized or is too large
   * @throws dev.hookpost.WebhookException if the publisher is closed or the store fails (the
   *     caller's transaction should roll back: let the exception leave the method)
   */
  public SendHandle send(Event event) {
    if (!TransactionSynchronizationManager.isActualTransactionActive()) {
      return publisher.send(event);
    }
    if (dataSource == null) {
      throw new IllegalStateException("a webhook sent inside a transaction needs a transactional store:"
          + " set hookpost.store=jdbc so the event commits or rolls back with the transaction,"
          + " or send after the commit with WebhookPublisher.send");
    }
    Connection connection = DataSourceUtils.getConnection(dataSource);
    try {
      if (connection.getAutoCommit()) { // Spring's transaction is on another resource: nothing to join
        throw new IllegalStateException("the current transaction is not on the DataSource hookpost stores"
            + " deliveries in; run the method under a transaction manager of that DataSource"
            + " (DataSourceTransactionManager, JdbcTransactionManager or JpaTransactionManager)");
      }
      return publisher.send(event, connection);
    } catch (SQLException e) {
      throw new IllegalStateException("could not read the transaction's connection: " + e.getMessage(), e);
    } finally {
      DataSourceUtils.releaseConnection(connection, dataSource);
    }
  }

  @Override
  public String toString() {
    return "TransactionalWebhookSender[" + (dataSource == null ? "no transactional store" : "jdbc") + "]";
  }
}
