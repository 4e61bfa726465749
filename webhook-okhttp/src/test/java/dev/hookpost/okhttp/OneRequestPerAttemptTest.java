package dev.hookpost.okhttp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hookpost.AddressGuard;
import dev.hookpost.Attempt;
import dev.hookpost.DeliveryListener;
import dev.hookpost.Event;
import dev.hookpost.RetryPolicy;
import dev.hookpost.Subscription;
import dev.hookpost.WebhookPublisher;
import dev.hookpost.spi.StoredDelivery;
import dev.hookpost.spi.TransportRequest;
import dev.hookpost.spi.TransportResponse;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.SocketEffect;
import okhttp3.Authenticator;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every request that leaves the process is one attempt the application sees: none of OkHttp's
 * retries and follow-ups ({@code RetryAndFollowUpInterceptor}) sends a second one, even from a
 * client handed in with all of them turned on, and the status and headers reported are those the
 * endpoint sent.
 */
class OneRequestPerAttemptTest {
  static final AddressGuard LOOPBACK = AddressGuard.publicOnly().allowing("127.0.0.1");
  /** Answers every challenge, so that OkHttp would send the request again if it were asked. */
  static final Authenticator ALWAYS_ANSWERS = (route, response) ->
      response.request().newBuilder().header("Authorization", "Basic dXNlcjpwYXNz").build();
  /** A client with every follow-up OkHttp has turned on. */
  static final OkHttpClient EVERYTHING_ON = new OkHttpClient.Builder().followRedirects(true)
      .followSslRedirects(true).retryOnConnectionFailure(true).authenticator(ALWAYS_ANSWERS)
      .proxyAuthenticator(ALWAYS_ANSWERS).build();

  final MockWebServer server = new MockWebServer();
  final OkHttpTransport transport = OkHttpTransport.builder().addressGuard(LOOPBACK).client(EVERYTHING_ON).build();

  @BeforeEach
  void start() throws IOException {
    server.start(InetAddress.getByName("127.0.0.1"), 0);
  }

  @AfterEach
  void stop() {
    transport.close();
    server.close();
  }

  TransportResponse send() throws Exception {
    return transport.send(post()).get(10, TimeUnit.SECONDS);
  }

  TransportRequest post() {
    return new TransportRequest(URI.create(server.url("/hooks").toString()), Map.of("content-type", "application/json"),
        "{\"a\":1}".getBytes(StandardCharsets.UTF_8));
  }

  /** Enqueues {@code first}, then a 204 that only a second request would get. */
  void script(MockResponse first) {
    server.enqueue(first);
    server.enqueue(new MockResponse.Builder().code(204).build());
  }

  @Test
  void a503WithRetryAfterZeroIsOneAttemptNotRetriedByOkHttp() throws Exception {
    script(new MockResponse.Builder().code(503).addHeader("Retry-After", "0").build());

    TransportResponse r = send();

    assertThat(r.status()).isEqualTo(503);
    assertThat(r.header("retry-after")).contains("0");
    assertThat(server.getRequestCount()).isEqualTo(1);
  }

  @Test
  void a408IsOneAttempt() throws Exception {
    script(new MockResponse.Builder().code(408).build());

    assertThat(send().status()).isEqualTo(408);
    assertThat(server.getRequestCount()).isEqualTo(1);
  }

  @Test
  void a421IsOneAttempt() throws Exception {
    script(new MockResponse.Builder().code(421).build());

    assertThat(send().status()).isEqualTo(421);
    assertThat(server.getRequestCount()).isEqualTo(1);
  }

  @Test
  void a401IsOneAttemptEvenWithAnAuthenticatorThatWouldAnswerIt() throws Exception {
    script(new MockResponse.Builder().code(401).addHeader("WWW-Authenticate", "Basic realm=\"hooks\"").build());

    TransportResponse r = send();

    assertThat(r.status()).isEqualTo(401);
    assertThat(r.header("www-authenticate")).contains("Basic realm=\"hooks\"");
    assertThat(server.getRequestCount()).isEqualTo(1);
    assertThat(server.takeRequest().getHeaders().get("Authorization")).isNull();
  }

  @Test
  void a407FromAnEndpointThatIsNoProxyIsAnAnswerNotAProtocolError() throws Exception {
    script(new MockResponse.Builder().code(407).addHeader("Proxy-Authenticate", "Basic realm=\"p\"").build());

    TransportResponse r = send();

    assertThat(r.status()).isEqualTo(407);
    assertThat(r.header("proxy-authenticate")).contains("Basic realm=\"p\"");
    assertThat(server.getRequestCount()).isEqualTo(1);
  }

  @Test
  void a407FromAProxyIsOneAttemptEvenWithAProxyAuthenticatorThatWouldAnswerIt() throws Exception {
    OkHttpTransport viaProxy = OkHttpTransport.builder().addressGuard(AddressGuard.allowingPrivateNetworks())
        .client(EVERYTHING_ON.newBuilder().proxy(server.getProxyAddress()).build()).build();
    try {
      script(new MockResponse.Builder().code(407).addHeader("Proxy-Authenticate", "Basic realm=\"p\"").build());
      TransportRequest request = new TransportRequest(URI.create("http://hooks.example/hooks"), Map.of(),
          "{}".getBytes(StandardCharsets.UTF_8));

      assertThat(viaProxy.send(request).get(10, TimeUnit.SECONDS).status()).isEqualTo(407);
      assertThat(server.getRequestCount()).isEqualTo(1);
      assertThat(server.takeRequest().getHeaders().get("Proxy-Authorization")).isNull();
    } finally {
      viaProxy.close();
    }
  }

  @Test
  void everyRequestBodyIsOneShotSoOkHttpCanNeverSendItAgain() throws Exception {
    List<Boolean> oneShot = new CopyOnWriteArrayList<>();
    OkHttpTransport recording = OkHttpTransport.builder().addressGuard(LOOPBACK)
        .client(EVERYTHING_ON.newBuilder().addInterceptor(chain -> {
          oneShot.add(chain.request().body().isOneShot());
          return chain.proceed(chain.request());
        }).build()).build();
    try {
      script(new MockResponse.Builder().code(204).build());

      assertThat(recording.send(post()).get(10, TimeUnit.SECONDS).status()).isEqualTo(204);
      assertThat(oneShot).containsExactly(true);
    } finally {
      recording.close();
    }
  }

  @ParameterizedTest(name = "a {0} with a Location is one attempt")
  @ValueSource(ints = {300, 301, 302, 303, 307, 308})
  void aRedirectIsOneAttemptAndItsLocationIsNeverFollowed(int code) throws Exception {
    script(new MockResponse.Builder().code(code).addHeader("Location", server.url("/elsewhere")).build());

    TransportResponse r = send();

    assertThat(r.status()).isEqualTo(code);
    assertThat(r.header("location")).contains(server.url("/elsewhere").toString());
    assertThat(server.getRequestCount()).isEqualTo(1);
  }

  @Test
  void aConnectionDroppedAfterTheRequestArrivedIsAFailedAttemptNotRetried() throws Exception {
    script(new MockResponse.Builder().onResponseStart(new SocketEffect.CloseSocket()).build());

    CompletableFuture<TransportResponse> f = transport.send(post());

    assertThat(f).failsWithin(Duration.ofSeconds(10)).withThrowableOfType(ExecutionException.class)
        .withCauseInstanceOf(IOException.class);
    assertThat(server.getRequestCount()).isEqualTo(1);
  }

  @Test
  void theTransportsOwnClientSendsA503WithRetryAfterZeroOnce() throws Exception {
    OkHttpTransport own = OkHttpTransport.builder().addressGuard(LOOPBACK).build();
    try {
      script(new MockResponse.Builder().code(503).addHeader("Retry-After", "0").build());

      assertThat(own.send(post()).get(10, TimeUnit.SECONDS).status()).isEqualTo(503);
      assertThat(server.getRequestCount()).isEqualTo(1);
    } finally {
      own.close();
    }
  }

  // ---- Retry-After reaches the retry policy as it came, whatever it says ----

  @ParameterizedTest(name = "503 with Retry-After: \"{0}\" is reported as it came")
  @ValueSource(strings = {"9999999999", "99999999999999999999999999", "2147483648", "-1", "-0", "1.5", "0.0",
      "garbage", "", "Wed, 21 Oct 2015 07:28:00 GMT", "Thu, 01 Jan 1970 00:00:00 GMT", "Sun, 06 Nov 9999 08:49:37 GMT"})
  void aRetryAfterOfAnyKindIsReportedWithItsStatusNeverAsAnException(String value) throws Exception {
    script(new MockResponse.Builder().code(503).addHeader("Retry-After", value).build());

    TransportResponse r = send();

    assertThat(r.status()).isEqualTo(503);
    assertThat(r.header("retry-after")).contains(value);
    assertThat(server.getRequestCount()).isEqualTo(1);
  }

  @ParameterizedTest(name = "{0} with Retry-After: 9999999999 is reported as it came")
  @ValueSource(ints = {408, 429, 500})
  void aHugeRetryAfterOnOtherStatusesIsReportedToo(int code) throws Exception {
    script(new MockResponse.Builder().code(code).addHeader("Retry-After", "9999999999").build());

    TransportResponse r = send();

    assertThat(r.status()).isEqualTo(code);
    assertThat(r.header("retry-after")).contains("9999999999");
    assertThat(server.getRequestCount()).isEqualTo(1);
  }

  @Test
  void aHugeRetryAfterReachesThePolicyWhichWaitsItsLongestDelay() throws Exception {
    script(new MockResponse.Builder().code(503).addHeader("Retry-After", "9999999999").build());
    List<Duration> retries = new CopyOnWriteArrayList<>();
    List<Integer> attempts = new CopyOnWriteArrayList<>();
    CountDownLatch scheduled = new CountDownLatch(1);
    Subscription subscription = Subscription.builder().endpoint(server.url("/hooks").toString())
        .secret(AddressGuardOverHttpTest.SECRET).build();
    WebhookPublisher publisher = WebhookPublisher.builder()
        .transport(OkHttpTransport.builder().addressGuard(LOOPBACK).build())
        .retryPolicy(RetryPolicy.exponentialBackoff().initialDelay(Duration.ofMillis(10)).maxDelay(Duration.ofHours(1))
            .build())
        .subscription(subscription)
        .listener(new DeliveryListener() {
          @Override
          public void onAttempt(StoredDelivery delivery, Subscription s, Attempt attempt) {
            attempts.add(attempt.status().orElse(-1));
          }

          @Override
          public void onRetryScheduled(StoredDelivery delivery, Subscription s, Attempt failed, Duration delay) {
            retries.add(delay);
            scheduled.countDown();
          }
        })
        .build();
    try {
      publisher.send(Event.of("order.created", Map.of("orderId", "A-1")));

      assertThat(scheduled.await(10, TimeUnit.SECONDS)).as("a retry was scheduled").isTrue();
    } finally {
      publisher.shutdown(Duration.ZERO);
    }
    assertThat(attempts).containsExactly(503);
    assertThat(retries).containsExactly(Duration.ofHours(1));
    assertThat(server.getRequestCount()).isEqualTo(1);
  }
}
