package dev.hookpost.testing;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * One request as a fake receiver (or a {@link RecordingTransport}) got it: the raw wire data, the
 * parsed Standard Webhooks envelope, and whether its signature verified.
 *
 * <p>Immutable.
 */
public final class ReceivedDelivery {
  static final ObjectMapper JSON = JsonMapper.builder().findAndAddModules().build();

  private final String method;
  private final String path;
  private final Map<String, List<String>> headers;
  private final byte[] body;
  private final int attemptNumber;
  private final String signatureProblem;
  private final String answer;
  private final JsonNode envelope;

  ReceivedDelivery(String method, String path, Map<String, List<String>> headers, byte[] body,
      int attemptNumber, String signatureProblem, String answer) {
    this.method = method;
    this.path = path;
    Map<String, List<String>> copy = new java.util.HashMap<>();
    headers.forEach((name, values) -> copy.put(name, List.copyOf(values))); // the value lists too: immutable
    this.headers = Map.copyOf(copy);
    this.body = body.clone();
    this.attemptNumber = attemptNumber;
    this.signatureProblem = signatureProblem;
    this.answer = answer;
    this.envelope = parse(body);
  }

  private static JsonNode parse(byte[] body) {
    try {
      JsonNode node = JSON.readTree(body);
      return node == null ? MissingNode.getInstance() : node;
    } catch (IOException e) {
      return MissingNode.getInstance();
    }
  }

  /** The HTTP method, normally {@code POST}. */
  public String method() {
    return method;
  }

  /** The request path with its query, e.g. {@code /webhooks}. */
  public String path() {
    return path;
  }

  /** Every header, names in lower case. */
  public Map<String, List<String>> headers() {
    return headers;
  }

  /** The first value of header {@code name} (any case). */
  public Optional<String> header(String name) {
    List<String> v = headers.get(name.toLowerCase(Locale.ROOT));
    return v == null || v.isEmpty() ? Optional.empty() : Optional.of(v.get(0));
  }

  /** The body bytes exactly as received. */
  public byte[] body() {
    return body.clone();
  }

  /** The body as UTF-8 text. */
  public String bodyText() {
    return new String(body, StandardCharsets.UTF_8);
  }

  /** The {@code webhook-id} header, or empty string when absent. */
  public String webhookId() {
    return header("webhook-id").orElse("");
  }

  /** The {@code webhook-timestamp} header as an instant, if present and numeric. */
  public Optional<Instant> webhookTimestamp() {
    try {
      return header("webhook-timestamp").map(v -> Instant.ofEpochSecond(Long.parseLong(v.trim())));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  /** The {@code webhook-signature} header, or empty string when absent. */
  public String signature() {
    return header("webhook-signature").orElse("");
  }

  /** The envelope's {@code type}, or empty string when the body is not an envelope. */
  public String type() {
    return envelope.path("type").asText("");
  }

  /** The envelope's {@code timestamp} (when the event happened), if present and RFC 3339. */
  public Optional<Instant> eventTimestamp() {
    try {
      return envelope.hasNonNull("timestamp") ? Optional.of(Instant.parse(envelope.get("timestamp").asText()))
          : Optional.empty();
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }

  /** The envelope's {@code data} as a JSON tree ({@link MissingNode} when absent). */
  public JsonNode data() {
    return envelope.path("data");
  }

  /**
   * The envelope's {@code data} mapped to {@code type}.
   *
   * @throws IllegalArgumentException if it does not map
   */
  public <T> T data(Class<T> type) {
    try {
      return JSON.treeToValue(data(), type);
    } catch (IOException e) {
      throw new IllegalArgumentException("data of delivery " + webhookId() + " does not map to " + type.getName()
          + ": " + e.getMessage(), e);
    }
  }

  /** The value at a JSON pointer into the whole envelope, e.g. {@code /data/orderId}. */
  public JsonNode json(String pointer) {
    return envelope.at(JsonPointer.compile(pointer));
  }

  /** 1 for the first request with this {@code webhook-id}, 2 for the first retry, and so on. */
  public int attemptNumber() {
    return attemptNumber;
  }

  /** Whether the signature and timestamp verified against the receiver's secret. */
  public boolean signatureValid() {
    return signatureProblem == null;
  }

  /** Why verification failed, when it did. */
  public Optional<String> signatureProblem() {
    return Optional.ofNullable(signatureProblem);
  }

  /** What the receiver answered, e.g. {@code 204} or {@code dropped connection}. */
  public String answer() {
    return answer;
  }

  /** A one-line summary used in failure messages. */
  @Override
  public String toString() {
    return method + " " + path + " type=" + (type().isEmpty() ? "?" : type()) + " webhook-id=" + webhookId()
        + " attempt=" + attemptNumber + " signature=" + (signatureValid() ? "valid" : "INVALID (" + signatureProblem
        + ")") + " answered=" + answer + " body=" + abbreviate(bodyText());
  }

  private static String abbreviate(String s) {
    return s.length() <= 120 ? s : s.substring(0, 120) + "…";
  }
}
