package dev.hookpost.testing;

import java.time.Duration;
import java.util.List;

/**
 * What a {@link FakeWebhookReceiver} or {@link RecordingTransport} has seen, and ways to wait for
 * more. The waiting calls return as soon as their condition holds and throw an
 * {@link AssertionError} listing what did arrive when the timeout passes first.
 */
public interface RecordedDeliveries {

  /** Every delivery so far, oldest first; an immutable snapshot. */
  List<ReceivedDelivery> deliveries();

  /**
   * Waits until at least {@code count} deliveries arrived.
   *
   * @return the first {@code count} deliveries
   * @throws AssertionError when {@code timeout} passes first, listing what arrived
   */
  List<ReceivedDelivery> awaitDeliveries(int count, Duration timeout);

  /**
   * Waits for the first delivery of an event of {@code type}.
   *
   * @throws AssertionError when {@code timeout} passes first, listing what arrived
   */
  ReceivedDelivery awaitEvent(String type, Duration timeout);

  /** Forgets every delivery so far (and, for a receiver, its scripted answers). */
  void reset();
}
