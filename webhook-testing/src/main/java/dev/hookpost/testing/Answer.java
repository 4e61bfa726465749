package dev.hookpost.testing;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * How a fake receiver answers one request: a status (with headers and a body), after an optional
 * delay, or a fault (a dropped connection, a hang).
 *
 * <pre>{@code
 * receiver.respondWith(2, Answer.status(503));              // fail twice, then the default
 * receiver.respondWith(Answer.tooManyRequests(Duration.ofSeconds(1)));
 * receiver.respondWith(Answer.ok().after(Duration.ofMillis(200)));
 * }</pre>
 *
 * <p>Immutable.
 */
public final class Answer {
  enum Fault { NONE, DROP_CONNECTION, HANG }

  private final int status;
  private final Map<String, String> headers;
  private final String body;
  private final Duration delay;
  private final Fault fault;

  private Answer(int status, Map<String, String> headers, String body, Duration delay, Fault fault) {
    this.status = status;
    this.headers = Map.copyOf(headers);
    this.body = body;
    this.delay = delay;
    this.fault = fault;
  }

  /** Answers with {@code status} and an empty body. */
  public static Answer status(int status) {
    if (status < 100 || status > 599) {
      throw new IllegalArgumentException("status must be an HTTP status 100..599, was " + status);
    }
    return new Answer(status, Map.of(), "", Duration.ZERO, Fault.NONE);
  }

  /** Answers 204 No Content: the receiver's default. */
  public static Answer ok() {
    return status(204);
  }

  /** Answers 429 with {@code Retry-After} in whole seconds. */
  public static Answer tooManyRequests(Duration retryAfter) {
    return status(429).withHeader("Retry-After", Long.toString(retryAfter.toSeconds()));
  }

  /** Answers 503 with {@code Retry-After} in whole seconds. */
  public static Answer unavailable(Duration retryAfter) {
    return status(503).withHeader("Retry-After", Long.toString(retryAfter.toSeconds()));
  }

  /** Answers 410 Gone: the endpoint asks never to be called again. */
  public static Answer gone() {
    return status(410);
  }

  /** Answers a redirect to {@code location} with {@code status} (301, 302, 307 or 308). */
  public static Answer redirect(int status, String location) {
    if (status < 300 || status > 399) {
      throw new IllegalArgumentException("a redirect needs a 3xx status such as 302, was " + status);
    }
    return status(status).withHeader("Location", location);
  }

  /** Reads the request, then closes the connection without answering. */
  public static Answer dropConnection() {
    return new Answer(0, Map.of(), "", Duration.ZERO, Fault.DROP_CONNECTION);
  }

  /** Reads the request and never answers, so the sender's read or call timeout fires. */
  public static Answer hang() {
    return new Answer(0, Map.of(), "", Duration.ZERO, Fault.HANG);
  }

  /** Returns a copy that also sends header {@code name}. */
  public Answer withHeader(String name, String value) {
    Map<String, String> h = new LinkedHashMap<>(headers);
    h.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
    return new Answer(status, h, body, delay, fault);
  }

  /** Returns a copy that sends {@code body} as text. */
  public Answer withBody(String text) {
    return new Answer(status, headers, Objects.requireNonNull(text, "text"), delay, fault);
  }

  /** Returns a copy that waits {@code delay} before sending the response headers. */
  public Answer after(Duration wait) {
    if (wait == null || wait.isNegative()) {
      throw new IllegalArgumentException("delay must be zero or positive, was " + wait);
    }
    return new Answer(status, headers, body, wait, fault);
  }

  int status() {
    return status;
  }

  Map<String, String> headers() {
    return headers;
  }

  String body() {
    return body;
  }

  Duration delay() {
    return delay;
  }

  Fault fault() {
    return fault;
  }

  /** The status it answers with, or the fault. */
  @Override
  public String toString() {
    String what = switch (fault) {
      case NONE -> Integer.toString(status);
      case DROP_CONNECTION -> "dropped connection";
      case HANG -> "hang";
    };
    return delay.isZero() ? what : what + " after " + delay;
  }
}
