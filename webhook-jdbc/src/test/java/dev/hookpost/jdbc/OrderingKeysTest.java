package dev.hookpost.jdbc;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ordering keys against a receiver that fails at random ({@link OrderedDeliveries}): for every
 * key and subscription, first successful deliveries come in send order, in memory with one
 * publisher and on H2 with two publishers sharing the store and a restart. PostgreSQL's run is
 * in {@link PostgresDeliveryStoreTest}, which starts the server anyway.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class OrderingKeysTest {
  @TempDir
  Path dir;

  private final OrderedDeliveries deliveries = new OrderedDeliveries();

  @AfterEach
  void close() {
    deliveries.close();
  }

  @Test
  void inMemoryEachKeysFirstSuccessesFollowTheSendOrder() throws Exception {
    deliveries.oneInMemoryPublisher();

    deliveries.assertDeliveredInSendOrder();
  }

  @Test
  void twoInstancesAndARestartOnH2KeepEachKeysSendOrder() throws Exception {
    String url = "jdbc:h2:file:" + dir.resolve("outbox").toAbsolutePath();

    deliveries.twoInstancesAndARestart(() -> CrashChild.dataSource(url, "", ""));

    deliveries.assertDeliveredInSendOrder();
  }
}
