package dev.hookpost.testing;

import dev.hookpost.AddressGuard;
import dev.hookpost.DeliveryListener;
import dev.hookpost.DeliveryOutcome;
import dev.hookpost.Signer;
import dev.hookpost.Subscription;
import dev.hookpost.WebhookPublisher;
import dev.hookpost.WebhookVerifier;
import dev.hookpost.spi.Transport;
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
 *   try (WebhookPublisher publisher = receiver.publisher()
 *       .retryPolicy(RetryPolicy.fixedSchedule(Duration.ofMillis(10))).build()) {
 *     new Shop(publisher).placeOrder("A-1001");
 *     receiver.awaitDeliveries(3, Duration.ofSeconds(5));
 *   }
 *   WebhookAssertions.assertThat(receiver).receivedEvent("order.created").hasValidSignature();
 * }
 * }</pre>
 *
 * <p>When a wait times out, its {@link AssertionError} says why as far as the receiver can tell:
 * whether any connection reached it, what the publisher reported to {@link #listener()} (a
 * {@code Rejected} outcome and its reason, say), and the likely causes with their fixes.
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
  private final ConnectionCounter connections = new ConnectionCounter();
  private final PublisherReports reports = new PublisherReports();
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
      s.setServerSocketFactory(connections);
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

  /**
   * A publisher builder aimed at this receiver: a transport that admits it ({@link #transport()}),
   * its {@link #subscription()} and its {@link #listener()}. Further calls add or override
   * anything else (another {@code transport}, more subscriptions, a retry policy); to subscribe
   * differently, use {@link #publisher(Subscription)}. Starts the receiver.
   *
   * <pre>{@code
   * try (WebhookPublisher publisher = receiver.publisher().build()) {
   *   publisher.send(Event.of("order.created", Map.of("orderId", "A-1001")));
   *   receiver.awaitDeliveries(1, Duration.ofSeconds(5));
   * }
   * }</pre>
   */
  public WebhookPublisher.Builder publisher() {
    return publisher(subscription());
  }

  /**
   * Like {@link #publisher()} with {@code subscription} instead of the receiver's, e.g.
   * {@code receiver.publisher(receiver.subscription().toBuilder().eventTypes("order.*").build())}.
   */
  public WebhookPublisher.Builder publisher(Subscription subscription) {
    Objects.requireNonNull(subscription, "subscription");
    return WebhookPublisher.builder().transport(transport()).subscription(subscription).listener(listener());
  }

  /**
   * A new transport for a publisher you build yourself, admitting this receiver and public
   * addresses (it checks {@link #addressGuard()}). It runs on the JDK's {@code java.net.http}
   * client: no redirects followed, connect timeout 5 s, call timeout 15 s. For tests only.
   */
  public Transport transport() {
    return new ReceiverTransport(addressGuard());
  }

  /**
   * The listener that tells this receiver what a publisher did: its attempts and outcomes, which
   * a failed wait then quotes (a {@code Rejected} outcome and its reason, say). {@link #publisher()}
   * adds it; add it yourself with {@code .listener(receiver.listener())}. Always the same object;
   * {@link #reset()} forgets what it heard. Thread-safe.
   */
  public DeliveryListener listener() {
    return reports.handOut();
  }

  /** The outcomes {@link #listener()} heard of since the last {@link #reset()}, in order. */
  public List<DeliveryOutcome> outcomes() {
    return reports.snapshot().outcomes();
  }

  /** Forgets deliveries, scripted answers, reported outcomes and counted connections. */
  @Override
  public void reset() {
    super.reset();
    reports.clear();
    connections.clear();
  }

  @Override
  String explain(List<ReceivedDelivery> got) {
    return got.isEmpty() ? Diagnosis.nothingArrived(url(), connections.accepted(), reports.snapshot())
        : Diagnosis.reported(reports.snapshot());
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
