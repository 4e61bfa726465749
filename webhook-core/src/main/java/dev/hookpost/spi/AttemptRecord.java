package dev.hookpost.spi;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * One attempt as a {@link DeliveryStore} keeps it in a delivery's history.
 *
 * @param number 1 for the first attempt
 * @param startedAt when it started
 * @param duration how long it took
 * @param status the HTTP status, or 0 when there was no answer
 * @param error the error's class and message when there was no answer, else null
 */
public record AttemptRecord(int number, Instant startedAt, Duration duration, int status, String error) {
  /** @throws NullPointerException if startedAt or duration is null */
  public AttemptRecord {
    Objects.requireNonNull(startedAt, "startedAt");
    Objects.requireNonNull(duration, "duration");
  }
}
