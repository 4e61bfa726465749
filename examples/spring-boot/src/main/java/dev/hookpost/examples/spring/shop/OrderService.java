package dev.hookpost.examples.spring.shop;

import dev.hookpost.Event;
import dev.hookpost.SendHandle;
import dev.hookpost.spring.TransactionalWebhookSender;
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** Places orders: the order row and its {@code order.created} webhook commit, or roll back, together. */
@Service
public class OrderService {
  private final JdbcTemplate jdbc;
  private final TransactionalWebhookSender webhooks;

  public OrderService(JdbcTemplate jdbc, TransactionalWebhookSender webhooks) {
    this.jdbc = jdbc;
    this.webhooks = webhooks;
    jdbc.execute("CREATE TABLE IF NOT EXISTS orders (id VARCHAR(32) PRIMARY KEY, items INT NOT NULL)");
  }

  /**
   * Stores the order and its webhook in one transaction.
   *
   * @throws IllegalArgumentException after both were written, when the order has no items: the
   *     transaction rolls back, and with it the webhook
   */
  @Transactional
  public SendHandle place(String orderId, int items) {
    jdbc.update("INSERT INTO orders (id, items) VALUES (?, ?)", orderId, items);
    SendHandle handle = webhooks.send(Event.of("order.created", Map.of("orderId", orderId, "items", items)));
    if (items == 0) {
      throw new IllegalArgumentException("order " + orderId + " has no items");
    }
    return handle;
  }

  /** The orders that were committed. */
  public List<String> orderIds() {
    return jdbc.queryForList("SELECT id FROM orders ORDER BY id", String.class);
  }
}
