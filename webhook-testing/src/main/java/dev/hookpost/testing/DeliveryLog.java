package dev.hookpost.testing;

import dev.hookpost.WebhookVerificationException;
import dev.hookpost.WebhookVerifier;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;

/** The shared record of deliveries behind the receiver and the recording transport. Thread-safe. */
final class DeliveryLog {
  private final List<ReceivedDelivery> deliveries = new ArrayList<>();

  /** Verifies, numbers and stores one request; wakes waiters. */
  ReceivedDelivery record(String method, String path, Map<String, List<String>> headers, byte[] body,
      WebhookVerifier verifier, String answer) {
    String problem = null;
    try {
      verifier.verify(headers, body);
    } catch (WebhookVerificationException e) {
      problem = e.reason() + ": " + e.getMessage();
    }
    synchronized (this) {
      String id = firstValue(headers, "webhook-id");
      String pathOnly = path.indexOf('?') < 0 ? path : path.substring(0, path.indexOf('?'));
      int attempt = 1;
      for (ReceivedDelivery d : deliveries) { // one id may go to several paths (fan-out): count per path
        String other = d.path().indexOf('?') < 0 ? d.path() : d.path().substring(0, d.path().indexOf('?'));
        if (id != null && id.equals(d.webhookId()) && pathOnly.equals(other)) {
          attempt++;
        }
      }
      ReceivedDelivery d = new ReceivedDelivery(method, path, headers, body, attempt, problem, answer);
      deliveries.add(d);
      notifyAll();
      return d;
    }
  }

  synchronized List<ReceivedDelivery> snapshot() {
    return List.copyOf(deliveries);
  }

  synchronized void clear() {
    deliveries.clear();
  }

  /** Waits for {@code count} deliveries; on timeout fails with what arrived and {@code why} of it. */
  List<ReceivedDelivery> awaitCount(int count, Duration timeout, String source,
      Function<List<ReceivedDelivery>, String> why) {
    if (count < 0) {
      throw new IllegalArgumentException("count must be zero or more, was " + count);
    }
    List<ReceivedDelivery> got = awaitUntil(all -> all.size() >= count, timeout);
    if (got.size() < count) {
      throw new AssertionError("expected " + source + " to receive " + count + " deliveries within " + timeout
          + " but it received " + got.size() + describe(got) + why.apply(got));
    }
    return List.copyOf(got.subList(0, count));
  }

  /** Waits for an event of {@code type}; on timeout fails with what arrived and {@code why} of it. */
  ReceivedDelivery awaitType(String type, Duration timeout, String source,
      Function<List<ReceivedDelivery>, String> why) {
    List<ReceivedDelivery> got = awaitUntil(all -> all.stream().anyMatch(d -> d.type().equals(type)), timeout);
    return got.stream().filter(d -> d.type().equals(type)).findFirst()
        .orElseThrow(() -> new AssertionError("expected " + source + " to receive an event of type '" + type
            + "' within " + timeout + " but it received " + got.size() + describe(got) + why.apply(got)));
  }

  private synchronized List<ReceivedDelivery> awaitUntil(Predicate<List<ReceivedDelivery>> done, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!done.test(deliveries)) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        break;
      }
      try {
        wait(Math.max(1, left / 1_000_000));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    return List.copyOf(deliveries);
  }

  /** ":" and one line per delivery, or "." when there were none. */
  static String describe(List<ReceivedDelivery> got) {
    if (got.isEmpty()) {
      return ".";
    }
    StringBuilder sb = new StringBuilder(":");
    for (int i = 0; i < got.size(); i++) {
      sb.append("\n  ").append(i + 1).append(". ").append(got.get(i));
    }
    return sb.toString();
  }

  private static String firstValue(Map<String, List<String>> headers, String name) {
    for (Map.Entry<String, List<String>> e : headers.entrySet()) {
      if (e.getKey().equalsIgnoreCase(name) && !e.getValue().isEmpty()) {
        return e.getValue().get(0);
      }
    }
    return null;
  }
}
