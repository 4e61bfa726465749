package dev.hookpost;

import dev.hookpost.spi.TransportResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * One try at delivering an event to one subscription: what was answered, or what went wrong.
 * {@link RetryPolicy} decides from it whether to try again.
 *
 * <p>Immutable.
 */
public final class Attempt {
  private final int number;
  private final Instant startedAt;
  private final Duration sinceFirstAttempt;
  private final TransportResponse response;
  private final Throwable error;
  private final Duration retryAfter;

  private Attempt(int number, Instant startedAt, Duration sinceFirstAttempt, TransportResponse response,
      Throwable error, Duration retryAfter) {
    if (number < 1) {
      throw new IllegalArgumentException("attempt number must be 1 or more, was " + number);
    }
    this.number = number;
    this.startedAt = Objects.requireNonNull(startedAt, "startedAt");
    this.sinceFirstAttempt = Objects.requireNonNull(sinceFirstAttempt, "sinceFirstAttempt");
    this.response = response;
    this.error = error;
    this.retryAfter = retryAfter;
  }

  /**
   * An attempt the endpoint answered.
   *
   * @param number 1 for the first attempt
   * @param startedAt when this attempt started
   * @param sinceFirstAttempt time from the first attempt's start to this attempt's end
   * @param response the answer
   * @param retryAfter the delay the endpoint asked for ({@code Retry-After}), or null
   */
  public static Attempt answered(int number, Instant startedAt, Duration sinceFirstAttempt,
      TransportResponse response, Duration retryAfter) {
    return new Attempt(number, startedAt, sinceFirstAttempt, Objects.requireNonNull(response, "response"),
        null, retryAfter);
  }

  /** An attempt that got no answer: a network error, timeout or refusal. */
  public static Attempt failed(int number, Instant startedAt, Duration sinceFirstAttempt, Throwable error) {
    return new Attempt(number, startedAt, sinceFirstAttempt, null, Objects.requireNonNull(error, "error"), null);
  }

  /** 1 for the first attempt, 2 for the first retry, and so on. */
  public int number() {
    return number;
  }

  /** When this attempt started. */
  public Instant startedAt() {
    return startedAt;
  }

  /** Time from the first attempt's start to the end of this one. */
  public Duration sinceFirstAttempt() {
    return sinceFirstAttempt;
  }

  /** The answer, when the endpoint answered. */
  public Optional<TransportResponse> response() {
    return Optional.ofNullable(response);
  }

  /** The error, when there was no answer. */
  public Optional<Throwable> error() {
    return Optional.ofNullable(error);
  }

  /** The HTTP status, when the endpoint answered. */
  public OptionalInt status() {
    return response == null ? OptionalInt.empty() : OptionalInt.of(response.status());
  }

  /** Whether the endpoint answered with {@code status}. */
  public boolean hasStatus(int status) {
    return response != null && response.status() == status;
  }

  /** Whether the endpoint answered 2xx. */
  public boolean succeeded() {
    return response != null && response.isSuccessful();
  }

  /** The delay the endpoint asked for with {@code Retry-After}, if it did. */
  public Optional<Duration> retryAfter() {
    return Optional.ofNullable(retryAfter);
  }

  /** A short description: "HTTP 503" or the error's class and message. */
  public String describe() {
    if (response != null) {
      return "HTTP " + response.status();
    }
    String message = error.getMessage();
    return error.getClass().getSimpleName() + (message == null ? "" : ": " + message);
  }

  @Override
  public String toString() {
    return "Attempt[#" + number + ", " + describe() + "]";
  }
}
