package dev.hookpost.testing;

import dev.hookpost.AddressGuard;
import dev.hookpost.spi.Transport;
import dev.hookpost.spi.TransportRequest;
import dev.hookpost.spi.TransportResponse;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The transport of {@link FakeWebhookReceiver#publisher()}: the JDK's {@code java.net.http}
 * client behind the receiver's {@link AddressGuard}, so the testing kit needs no transport module
 * ({@code webhook-okhttp}'s own tests use this kit). Same contract as {@code OkHttpTransport} where
 * a test can see it: no redirects followed, a refused address fails with the guard's
 * {@code EndpointRefusedException} (a {@code Rejected} outcome), connect timeout 5 s, call timeout
 * 15 s. Unlike {@code OkHttpTransport} it checks the addresses and then lets the client resolve the
 * host again, which is fine on loopback and not meant for production. Thread-safe.
 */
final class ReceiverTransport implements Transport {
  static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
  static final Duration CALL_TIMEOUT = Duration.ofSeconds(15);
  private final AddressGuard guard;
  private final HttpClient client = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1)
      .followRedirects(HttpClient.Redirect.NEVER)
      .connectTimeout(CONNECT_TIMEOUT)
      .build();

  ReceiverTransport(AddressGuard guard) {
    this.guard = guard;
  }

  @Override
  public CompletableFuture<TransportResponse> send(TransportRequest request) {
    try {
      String host = request.endpoint().getHost();
      for (InetAddress address : InetAddress.getAllByName(host)) {
        guard.check(host, address);
      }
      HttpRequest.Builder http = HttpRequest.newBuilder(request.endpoint())
          .timeout(CALL_TIMEOUT)
          .POST(HttpRequest.BodyPublishers.ofByteArray(request.body()));
      request.headers().forEach(http::header);
      return client.sendAsync(http.build(), HttpResponse.BodyHandlers.ofString())
          .thenApply(r -> new TransportResponse(r.statusCode(), lowerCase(r.headers().map()), r.body()));
    } catch (UnknownHostException | RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  private static Map<String, List<String>> lowerCase(Map<String, List<String>> headers) {
    Map<String, List<String>> out = new HashMap<>();
    headers.forEach((name, values) -> out.merge(name.toLowerCase(Locale.ROOT), values, (a, b) -> {
      List<String> both = new ArrayList<>(a);
      both.addAll(b);
      return both;
    }));
    return out;
  }

  @Override
  public String toString() {
    return "ReceiverTransport[" + guard + "]";
  }
}
