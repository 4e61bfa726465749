package dev.hookpost.jdbc;

import dev.hookpost.spi.DeliveryState;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;

/**
 * The SQL of {@link JdbcDeliveryStore#enqueueEnded}: ends a delivery that the same transaction
 * has just inserted as {@code PENDING}, before anyone attempted it, so that it is stored as a
 * dead letter. Stateless.
 */
final class EndedOnArrival {
  private EndedOnArrival() {}

  /**
   * Moves {@code deliveryId}, just inserted and still unattempted and unleased, to {@code state}
   * with {@code reason} as its last error.
   *
   * @return whether the row changed
   */
  static boolean end(Connection c, Schema schema, String deliveryId, DeliveryState state, String reason, Instant at)
      throws SQLException {
    DeliveryState.PENDING.checkMove(state); // the one place that says which changes are allowed
    String sql = "UPDATE " + schema.deliveries + " SET state = ?, last_error = ?, updated_at = ?"
        + " WHERE delivery_id = ? AND state = 'PENDING' AND attempts = 0 AND lease_owner IS NULL";
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, state.name());
      Params.setText(ps, 2, Params.clip(reason));
      Params.setInstant(ps, 3, at);
      ps.setString(4, deliveryId);
      return ps.executeUpdate() == 1;
    }
  }
}
