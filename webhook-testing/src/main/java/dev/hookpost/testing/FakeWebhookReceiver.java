package dev.hookpost.testing;

import dev.hookpost.AddressGuard;
import dev.hookpost.Signer;
import dev.hookpost.Subscription;
import dev.hookpost.WebhookVerifier;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.SocketEffect;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * A real Standard Webhooks receiver on 127.0.0.1 for tests: it verifies every request against
 * its own secret, records it, and answers as scripted (204 by default).
 *
 * <pre>{@code
 * @RegisterExtension
 * static FakeWebhookReceiver receiver = FakeWebhookReceiver.create();
 *
 * @Test
 * void shipsOrders() {
 *   receiver.respondWith(2, Answer.status(503));          // fail twice, then accept
 *   shop.publisherFor(receiver.subscription(), receiver.addressGuard()).placeOrder("A-1001");
 *   receiver.awaitDeliveries(3, Duration.ofSeconds(5));
 *   WebhookAssertions.assertThat(receiver).receivedEvent("order.created").hasValidSignature();
 * }
 * }</pre>
 *
 * <p>As a JUnit 5 extension: on a {@code static} field one receiver serves the whole class and
 * is reset before each test; on an instance field each test gets a fresh one. Test methods may
 * also take a {@code FakeWebhookReceiver} parameter. Outside JUnit, call {@link #start()} (or
 * just {@link #url()}) and {@link #close()}.
 *
 * <p>Thread-safe.
 */
public final class FakeWebhookReceiver extends ScriptedRecorder<FakeWebhookReceiver> implements AutoCloseable,
    BeforeAllCallback,
    AfterAllCallback, BeforeEachCallback, AfterEachCallback, ParameterResolver {
  private final String secret;
  private final String defaultPath;
  private final WebhookVerifier verifier;
  private MockWebServer server;
  private boolean sharedByClass;

  private FakeWebhookReceiver(Builder b) {
    super("the fake receiver");
    this.secret = b.secret;
    this.defaultPath = b.path;
    this.verifier = WebhookVerifier.create(b.secret).withTolerance(b.tolerance);
  }

  /** A receiver with a fresh random secret, path {@code /webhooks} and a 5-minute timestamp tolerance. */
  public static FakeWebhookReceiver create() {
    return builder().build();
  }

  /** Starts configuring a receiver. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Starts listening on a free port of 127.0.0.1; does nothing when already started.
   *
   * @throws UncheckedIOException if no port can be bound
   */
  public synchronized FakeWebhookReceiver start() {
    if (server == null) {
      MockWebServer s = new MockWebServer();
      s.setDispatcher(new Dispatcher() {
        @Override
        public MockResponse dispatch(RecordedRequest request) {
          return answer(request);
        }
      });
      try {
        s.start(InetAddress.getByName("127.0.0.1"), 0);
      } catch (IOException e) {
        throw new UncheckedIOException("could not start the fake receiver on 127.0.0.1", e);
      }
      server = s;
    }
    return this;
  }

  /** The URL of the receiver's default path, e.g. {@code http://127.0.0.1:49152/webhooks}; starts it. */
  public String url() {
    return url(defaultPath);
  }

  /** The URL of {@code path} on this receiver; starts it. */
  public String url(String path) {
    Objects.requireNonNull(path, "path");
    return "http://127.0.0.1:" + start().server.getPort() + (path.startsWith("/") ? path : "/" + path);
  }

  /** The receiver's signing secret, {@code whsec_...}. */
  public String secret() {
    return secret;
  }

  /** A ready subscription to this receiver's default path with its secret, hearing every event type. */
  public Subscription subscription() {
    return subscription(defaultPath);
  }

  /** A ready subscription to {@code path} on this receiver with its secret, hearing every event type. */
  public Subscription subscription(String path) {
    String url = url(path);
    return Subscription.builder()
        .id("fake-receiver-" + server.getPort() + path.replaceAll("[^A-Za-z0-9_.-]", "_"))
        .endpoint(url)
        .secret(secret)
        .build();
  }

  /**
   * The address guard that lets a transport reach this receiver: public addresses plus
   * 127.0.0.1, where it listens. Transports refuse loopback by default, so a test opts in:
   * {@code OkHttpTransport.builder().addressGuard(receiver.addressGuard()).build()}.
   */
  public AddressGuard addressGuard() {
    return AddressGuard.publicOnly().allowing("127.0.0.1");
  }

  /** Stops listening. A stopped receiver can be {@link #start() started} again on a new port. */
  @Override
  public synchronized void close() {
    if (server != null) {
      server.close();
      server = null;
    }
  }

  private MockResponse answer(RecordedRequest request) {
    String path = request.getUrl().encodedPath();
    Answer a = script.next(path);
    byte[] body = request.getBody() == null ? new byte[0] : request.getBody().toByteArray();
    log.record(request.getMethod(), request.getTarget(), request.getHeaders().toMultimap(), body, verifier,
        a.toString());
    MockResponse.Builder response = new MockResponse.Builder();
    switch (a.fault()) {
      case HANG -> response.onResponseStart(SocketEffect.Stall.INSTANCE);
      case DROP_CONNECTION -> response.onResponseStart(new SocketEffect.CloseSocket());
      case NONE -> {
        response.code(a.status());
        a.headers().forEach(response::addHeader);
        if (!a.body().isEmpty()) {
          response.body(a.body());
        }
      }
    }
    if (!a.delay().isZero()) {
      response.headersDelay(a.delay().toMillis(), TimeUnit.MILLISECONDS);
    }
    return response.build();
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    sharedByClass = true;
    start();
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    start();
    if (sharedByClass) {
      reset();
    }
  }

  @Override
  public void afterEach(ExtensionContext context) {
    if (!sharedByClass) {
      close();
    }
  }

  @Override
  public void afterAll(ExtensionContext context) {
    close();
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == FakeWebhookReceiver.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    return start();
  }

  @Override
  FakeWebhookReceiver self() {
    return this;
  }

  @Override
  public String toString() {
    return "FakeWebhookReceiver[" + (server == null ? "stopped" : url()) + ", " + log.snapshot().size()
        + " deliveries]";
  }

  /** Configures a {@link FakeWebhookReceiver}. Not thread-safe. */
  public static final class Builder {
    private String secret = Signer.generateSecret();
    private String path = "/webhooks";
    private Duration tolerance = WebhookVerifier.DEFAULT_TOLERANCE;

    private Builder() {}

    /**
     * Uses {@code secret} instead of a random one.
     *
     * @throws IllegalArgumentException if it is not {@code whsec_} + base64 of 24 to 64 bytes
     */
    public Builder secret(String secret) {
      Signer.standardWebhooks(secret); // validates, with the message users know
      this.secret = secret;
      return this;
    }

    /** The path of {@link #url()} and {@link #subscription()}. Default {@code /webhooks}. */
    public Builder path(String path) {
      Objects.requireNonNull(path, "path");
      this.path = path.startsWith("/") ? path : "/" + path;
      return this;
    }

    /** How far {@code webhook-timestamp} may be from now and still verify. Default 5 min. */
    public Builder timestampTolerance(Duration tolerance) {
      this.tolerance = Objects.requireNonNull(tolerance, "tolerance");
      return this;
    }

    /** Builds the receiver; it starts on first use. */
    public FakeWebhookReceiver build() {
      return new FakeWebhookReceiver(this);
    }
  }
}
