package dev.hookpost.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hookpost.Event;
import dev.hookpost.WebhookPublisher;
import dev.hookpost.jdbc.JdbcDeliveryStore;
import dev.hookpost.spi.DeliveryQuery;
import dev.hookpost.spi.DeliveryState;
import dev.hookpost.testing.RecordingTransport;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/** The sender on its own, with Spring's plain JDBC transaction manager. */
class TransactionalWebhookSenderTest {
  private final DataSource storeDatabase = h2();
  private final RecordingTransport transport = RecordingTransport.create();
  private final WebhookPublisher publisher = WebhookPublisher.builder()
      .transport(transport)
      .subscription(transport.subscription("https://shipping.example.com/hooks"))
      .store(JdbcDeliveryStore.create(storeDatabase))
      .build();
  private final TransactionalWebhookSender sender = new TransactionalWebhookSender(publisher, storeDatabase);

  private static DataSource h2() {
    JdbcDataSource ds = new JdbcDataSource();
    ds.setURL("jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
    return ds;
  }

  @AfterEach
  void close() {
    publisher.close();
  }

  @Test
  void aTransactionOnAnotherDataSourceIsRefusedInsteadOfSendingBeforeItsCommit() {
    TransactionTemplate otherDatabase = new TransactionTemplate(new DataSourceTransactionManager(h2()));

    assertThatThrownBy(() -> otherDatabase.executeWithoutResult(
        status -> sender.send(Event.of("order.created", Map.of()))))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("not on the DataSource hookpost stores deliveries in");
    assertThat(publisher.deliveries().find(DeliveryQuery.inState(DeliveryState.PENDING, DeliveryState.values())))
        .isEmpty();
  }

  @Test
  void theEventIsStoredOnTheTransactionsOwnConnectionSoOnlyTheCommitShowsIt() {
    TransactionTemplate tx = new TransactionTemplate(new DataSourceTransactionManager(storeDatabase));

    String eventId = tx.execute(status -> {
      String id = sender.send(Event.of("order.created", Map.of())).eventId();
      // another connection does not see the uncommitted event yet
      assertThat(publisher.deliveries().find(DeliveryQuery.inState(DeliveryState.PENDING, DeliveryState.values())))
          .isEmpty();
      return id;
    });

    assertThat(publisher.deliveries().find(DeliveryQuery.inState(DeliveryState.PENDING, DeliveryState.values())))
        .extracting(d -> d.eventId()).containsExactly(eventId);
  }
}
