package dev.hookpost.okhttp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hookpost.AddressGuard;
import dev.hookpost.Attempt;
import dev.hookpost.DeliveryListener;
import dev.hookpost.DeliveryOutcome;
import dev.hookpost.spi.EndpointRefusedException;
import dev.hookpost.Event;
import dev.hookpost.spi.StoredDelivery;
import dev.hookpost.RetryPolicy;
import dev.hookpost.Subscription;
import dev.hookpost.spi.TransportRequest;
import dev.hookpost.spi.TransportResponse;
import dev.hookpost.WebhookPublisher;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.SocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import okhttp3.Dns;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The address guard as OkHttpTransport enforces it, against a real server on 127.0.0.1. Every
 * refused URL below would reach that server (or another loopback socket) if the guard let it
 * through, so "the server got no request" is checked alongside the refusal. Nothing here
 * connects anywhere but loopback.
 */
class AddressGuardOverHttpTest {
  static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

  final MockWebServer server = new MockWebServer();
  OkHttpTransport transport = OkHttpTransport.create();

  @BeforeEach
  void start() throws IOException {
    server.start(InetAddress.getByName("127.0.0.1"), 0);
    for (int i = 0; i < 3; i++) {
      server.enqueue(new MockResponse.Builder().code(204).build()); // what a request that slipped through gets
    }
  }

  @AfterEach
  void stop() {
    transport.close();
    server.close();
  }

  /** {@code http://HOST:PORT/hooks} with the server's port. */
  String urlOn(String host) {
    return "http://" + host + ":" + server.getPort() + "/hooks";
  }

  static TransportRequest post(String url) {
    return new TransportRequest(URI.create(url), Map.of("content-type", "application/json"),
        "{\"a\":1}".getBytes(StandardCharsets.UTF_8));
  }

  static Throwable failureOf(CompletableFuture<TransportResponse> f) throws Exception {
    try {
      TransportResponse r = f.get(10, TimeUnit.SECONDS);
      throw new AssertionError("expected the call to fail, got HTTP " + r.status());
    } catch (ExecutionException e) {
      return e.getCause();
    }
  }

  static OkHttpClient clientResolving(String host, InetAddress... addresses) {
    Dns dns = name -> {
      if (name.equals(host)) {
        return List.of(addresses);
      }
      throw new UnknownHostException(name);
    };
    return new OkHttpClient.Builder().dns(dns).build();
  }

  // ---- the default guard refuses loopback however it is written ----

  @ParameterizedTest(name = "refuses http://{0}:PORT/")
  @ValueSource(strings = {
      "127.0.0.1",
      "localhost",                 // a host name: checked in the Dns, not in send()
      "LocalHost",
      "127.1", "127.0.1",          // short forms Java (and so OkHttp) parses as 127.0.0.1
      "2130706433",                // 127.0.0.1 as one number
      "0", "0.0.0.0",              // 'this host': Linux connects it to loopback
      "[::1]", "[::]",
      "[::ffff:127.0.0.1]", "[::ffff:7f00:1]", "[0:0:0:0:0:ffff:7f00:1]",
      "[::7f00:1]",                // IPv4-compatible
      "[64:ff9b::7f00:1]",         // NAT64 of 127.0.0.1
      "１２７.０.０.１",             // full-width digits, which OkHttp maps to 127.0.0.1
      "127。0。0。1",                // ideographic full stops
      "ｌｏｃａｌｈｏｓｔ",              // full-width letters, mapped to localhost
  })
  void theDefaultTransportRefusesLoopbackInEveryNotationAndSendsNothing(String host) throws Exception {
    Throwable failure = failureOf(transport.send(post(urlOn(host))));

    assertThat(failure).isInstanceOf(EndpointRefusedException.class);
    assertThat(server.getRequestCount()).isZero();
  }

  @ParameterizedTest(name = "refuses http://{0}:PORT/ as loopback without asking DNS")
  @ValueSource(strings = {
      "0x7f000001", "0X7F000001",   // hex, one number
      "017700000001",               // octal, one number
      "0177.0.0.1", "0177.1",       // octal parts, which Java would read as decimal
      "0x7f.0.0.1", "0x7f.1", "0x7f.0.1", "0x7f.0x0.0.01", // hex and mixed parts, short forms
      "127.0.0.1.", "127.1.", "0x7f000001.", // a trailing dot
      "0x7f.000000000000000000000000.1",     // zeros to any length
  })
  void everyNumericSpellingOfLoopbackIsParsedByTheGuardAndRefusedAtOnce(String host) throws Exception {
    Throwable failure = failureOf(transport.send(post(urlOn(host))));

    assertThat(failure).isInstanceOf(EndpointRefusedException.class)
        .hasMessageContaining("(127.0.0.1): loopback");
    assertThat(server.getRequestCount()).isZero();
  }

  @Test
  void aNumericSpellingOfAnAllowedAddressReachesExactlyThatAddress() throws Exception {
    OkHttpTransport allowing = OkHttpTransport.builder()
        .addressGuard(AddressGuard.publicOnly().allowing("127.0.0.1")).build();
    try {
      TransportResponse r = allowing.send(post(urlOn("0x7f.01"))).get(10, TimeUnit.SECONDS);

      assertThat(r.status()).isEqualTo(204);
      assertThat(server.takeRequest().getHeaders().get("Host")).isEqualTo("127.0.0.1:" + server.getPort());
    } finally {
      allowing.close();
    }
  }

  @Test
  void aHostNameEndingInDotIsLeftToTheResolverAndNeverSentWhenItIsLoopbackOrUnknown() throws Exception {
    Throwable failure = failureOf(transport.send(post(urlOn("localhost."))));

    assertThat(failure).isInstanceOfAny(EndpointRefusedException.class, UnknownHostException.class);
    assertThat(server.getRequestCount()).isZero();
  }

  @ParameterizedTest(name = "refuses http://{0}:PORT/ without asking DNS")
  @ValueSource(strings = {"1.2.3.4.5", "256.0.0.1", "1.16777216", "08.0.0.1", "0x1g.1", "example.123"})
  void hostsThatEndInANumberButAreNoIpv4AddressAreRefusedRatherThanResolved(String host) throws Exception {
    Throwable failure = failureOf(transport.send(post(urlOn(host))));

    assertThat(failure).isInstanceOf(EndpointRefusedException.class)
        .hasMessageContaining("resolvers read it as an IPv4 address, but");
    assertThat(server.getRequestCount()).isZero();
  }

  @Test
  void theRefusalSaysWhichHostAddressAndWhyAndHowToAllowIt() throws Exception {
    Throwable failure = failureOf(transport.send(post(urlOn("localhost"))));

    assertThat(failure).isExactlyInstanceOf(EndpointRefusedException.class)
        .hasMessageContaining("localhost")
        .hasMessageContaining("127.0.0.1")
        .hasMessageContaining("loopback")
        .hasMessageContaining("allowing(");
  }

  // ---- the Dns path with a client's own Dns ----

  @Test
  void aHostNameTheClientsDnsResolvesToLoopbackIsRefused() throws Exception {
    transport = OkHttpTransport.builder()
        .client(clientResolving("hooks.test", InetAddress.getByName("127.0.0.1"))).build();

    Throwable failure = failureOf(transport.send(post(urlOn("hooks.test"))));

    assertThat(failure).isInstanceOf(EndpointRefusedException.class).hasMessageContaining("hooks.test");
    assertThat(server.getRequestCount()).isZero();
  }

  @Test
  void aDnsAnswerOfIpv4MappedLoopbackKeptAsIpv6IsRefused() throws Exception {
    byte[] mapped = new byte[16];
    mapped[10] = (byte) 0xff;
    mapped[11] = (byte) 0xff;
    mapped[12] = 127;
    mapped[15] = 1;
    transport = OkHttpTransport.builder()
        .client(clientResolving("hooks.test", Inet6Address.getByAddress(null, mapped, -1))).build();

    Throwable failure = failureOf(transport.send(post(urlOn("hooks.test"))));

    assertThat(failure).isInstanceOf(EndpointRefusedException.class);
    assertThat(server.getRequestCount()).isZero();
  }

  @Test
  void oneRefusedAddressInADnsAnswerRefusesTheWholeHost() {
    InetAddress[] answer = {literal("8.8.8.8"), literal("10.0.0.1")};
    GuardedDns dns = new GuardedDns(host -> List.of(answer), AddressGuard.publicOnly());

    // only looked up, never contacted
    assertThatThrownBy(() -> dns.lookup("mixed.example"))
        .isInstanceOf(GuardedDns.Refused.class)
        .hasMessageContaining("10.0.0.1");
  }

  @Test
  void aDnsAnswerOfPublicAddressesIsHandedToOkHttpUnchanged() throws Exception {
    List<InetAddress> answer = List.of(literal("8.8.8.8"), literal("2606:4700:4700::1111"));
    GuardedDns dns = new GuardedDns(host -> answer, AddressGuard.publicOnly());

    // only looked up, never contacted
    assertThat(dns.lookup("public.example")).isEqualTo(answer);
  }

  static InetAddress literal(String literal) {
    try {
      return InetAddress.getByName(literal); // a literal: parsed, not looked up
    } catch (UnknownHostException e) {
      throw new AssertionError(e);
    }
  }

  // ---- allowing gets through ----

  @Test
  void allowingTheLoopbackAddressReachesTheServer() throws Exception {
    transport = OkHttpTransport.builder().addressGuard(AddressGuard.publicOnly().allowing("127.0.0.1")).build();

    TransportResponse r = transport.send(post(urlOn("127.0.0.1"))).get(10, TimeUnit.SECONDS);

    assertThat(r.status()).isEqualTo(204);
    assertThat(server.getRequestCount()).isEqualTo(1);
  }

  @Test
  void allowingAHostNameReachesTheServerWhateverItResolvesTo() throws Exception {
    transport = OkHttpTransport.builder()
        .client(clientResolving("hooks.test", InetAddress.getByName("127.0.0.1")))
        .addressGuard(AddressGuard.publicOnly().allowing("hooks.test")).build();

    TransportResponse r = transport.send(post(urlOn("hooks.test"))).get(10, TimeUnit.SECONDS);

    assertThat(r.status()).isEqualTo(204);
    assertThat(server.getRequestCount()).isEqualTo(1);
  }

  @Test
  void allowingOneLoopbackAddressStillRefusesTheOtherLoopbackForms() throws Exception {
    transport = OkHttpTransport.builder().addressGuard(AddressGuard.publicOnly().allowing("127.0.0.1")).build();

    Throwable failure = failureOf(transport.send(post(urlOn("127.0.0.2"))));

    assertThat(failure).isInstanceOf(EndpointRefusedException.class);
    assertThat(server.getRequestCount()).isZero();
  }

  // ---- https only, proxies, DNS errors ----

  @Test
  void httpsOnlyRefusesAPlainHttpUrlBeforeConnecting() throws Exception {
    transport = OkHttpTransport.builder().addressGuard(AddressGuard.publicOnly().allowing("127.0.0.1"))
        .httpsOnly(true).build();

    Throwable failure = failureOf(transport.send(post(urlOn("127.0.0.1"))));

    assertThat(failure).isInstanceOf(EndpointRefusedException.class).hasMessageContaining("HTTPS");
    assertThat(server.getRequestCount()).isZero();
  }

  @Test
  void aClientWithAnExplicitProxyIsRejectedAtBuild() {
    OkHttpClient proxied = new OkHttpClient.Builder()
        .proxy(new Proxy(Proxy.Type.HTTP, new InetSocketAddress("127.0.0.1", 3128))).build();

    assertThatThrownBy(() -> OkHttpTransport.builder().client(proxied).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("proxy")
        .hasMessageContaining("allowingPrivateNetworks()");
  }

  @Test
  void aClientWithAProxyIsAcceptedWhenTheGuardTrustsEveryAddress() {
    OkHttpClient proxied = new OkHttpClient.Builder()
        .proxy(new Proxy(Proxy.Type.HTTP, new InetSocketAddress("127.0.0.1", 3128))).build();

    transport = OkHttpTransport.builder().client(proxied)
        .addressGuard(AddressGuard.allowingPrivateNetworks()).build();

    assertThat(transport.client().proxy()).isEqualTo(proxied.proxy());
  }

  @Test
  void aClientsProxySelectorIsIgnoredSoTheGuardSeesEveryName() throws Exception {
    // the selector would send everything through the loopback server acting as an HTTP proxy
    Proxy viaServer = new Proxy(Proxy.Type.HTTP, new InetSocketAddress("127.0.0.1", server.getPort()));
    OkHttpClient selecting = new OkHttpClient.Builder().proxySelector(new ProxySelector() {
      @Override
      public List<Proxy> select(URI uri) {
        return List.of(viaServer);
      }

      @Override
      public void connectFailed(URI uri, SocketAddress sa, IOException ioe) {}
    }).build();
    transport = OkHttpTransport.builder().client(selecting).build();

    Throwable failure = failureOf(transport.send(post("http://does-not-exist.invalid/hooks")));

    assertThat(transport.client().proxy()).isEqualTo(Proxy.NO_PROXY);
    assertThat(failure).isInstanceOf(UnknownHostException.class);
    assertThat(server.getRequestCount()).isZero();
  }

  @Test
  void anUnresolvableHostIsARetryableDnsErrorNotARefusal() throws Exception {
    Throwable failure = failureOf(transport.send(post("http://does-not-exist.invalid/hooks")));

    assertThat(failure).isInstanceOf(UnknownHostException.class)
        .isNotInstanceOf(EndpointRefusedException.class)
        .isNotInstanceOf(GuardedDns.Refused.class);
  }

  // ---- the publisher: a refusal is a final Rejected outcome ----

  @ParameterizedTest(name = "http://{0}:PORT/ is Rejected after one attempt")
  @ValueSource(strings = {"127.0.0.1", "0x7f000001", "127.1", "0x7f.1", "0177.0.0.1", "127.0.0.1."})
  void aPublisherRejectsALoopbackEndpointAfterOneAttemptWithoutRetrying(String host) throws Exception {
    List<Duration> retries = Collections.synchronizedList(new ArrayList<>());
    Subscription loopback = Subscription.builder().endpoint(urlOn(host)).secret(SECRET).build();
    WebhookPublisher publisher = WebhookPublisher.builder()
        .transport(OkHttpTransport.create())
        .retryPolicy(RetryPolicy.standardSchedule())
        .subscription(loopback)
        .listener(new DeliveryListener() {
          @Override
          public void onRetryScheduled(StoredDelivery delivery, Subscription subscription, Attempt failed,
              Duration delay) {
            retries.add(delay);
          }
        })
        .build();
    try {
      List<DeliveryOutcome> outcomes = publisher.send(Event.of("order.created", Map.of("orderId", "A-1001")))
          .outcomes().get(2, TimeUnit.SECONDS);

      assertThat(outcomes).singleElement().isInstanceOfSatisfying(DeliveryOutcome.Rejected.class, r -> {
        assertThat(r.attempts()).isEqualTo(1);
        assertThat(r.reason()).contains("loopback");
        assertThat(r.subscription()).isEqualTo(loopback);
      });
      assertThat(retries).isEmpty();
      assertThat(server.getRequestCount()).isZero();
    } finally {
      publisher.shutdown(Duration.ZERO);
    }
  }
}
