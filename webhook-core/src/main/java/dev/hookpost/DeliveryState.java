package dev.hookpost;

/** Where a stored delivery stands. */
public enum DeliveryState {
  /** Waiting for its next attempt (or being attempted under a lease). */
  PENDING,
  /** The endpoint answered 2xx. */
  DELIVERED,
  /** The publisher gave up: retries exhausted, a final answer, or 410 Gone. A dead letter. */
  FAILED,
  /** The transport refused the endpoint (e.g. a private address). A dead letter. */
  REJECTED,
  /** No attempt was made: the subscription was disabled or removed. */
  SKIPPED
}
