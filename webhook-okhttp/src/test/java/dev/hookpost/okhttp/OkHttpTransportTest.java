package dev.hookpost.okhttp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hookpost.AddressGuard;
import dev.hookpost.spi.TransportRequest;
import dev.hookpost.spi.TransportResponse;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.SocketEffect;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class OkHttpTransportTest {
  final MockWebServer server = new MockWebServer();
  static final AddressGuard LOOPBACK = AddressGuard.publicOnly().allowing("127.0.0.1");
  OkHttpTransport transport = OkHttpTransport.builder().addressGuard(LOOPBACK).build();

  @BeforeEach
  void start() throws IOException {
    server.start(InetAddress.getByName("127.0.0.1"), 0);
  }

  @AfterEach
  void stop() {
    transport.close();
    server.close();
  }

  TransportRequest post(String path) {
    return new TransportRequest(URI.create(server.url(path).toString()),
        Map.of("content-type", "application/json", "webhook-id", "evt_1"),
        "{\"a\":1}".getBytes(StandardCharsets.UTF_8));
  }

  static TransportResponse await(CompletableFuture<TransportResponse> f) throws Exception {
    return f.get(10, TimeUnit.SECONDS);
  }

  static Throwable failureOf(CompletableFuture<TransportResponse> f) throws Exception {
    try {
      f.get(10, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      return e.getCause();
    }
    throw new AssertionError("expected the call to fail");
  }

  @Test
  void postsTheBodyAndHeadersAsGiven() throws Exception {
    server.enqueue(new MockResponse.Builder().code(204).build());

    TransportResponse r = await(transport.send(post("/hooks")));
    RecordedRequest got = server.takeRequest();

    assertThat(r.status()).isEqualTo(204);
    assertThat(got.getMethod()).isEqualTo("POST");
    assertThat(got.getHeaders().get("webhook-id")).isEqualTo("evt_1");
    assertThat(got.getHeaders().get("content-type")).isEqualTo("application/json");
    assertThat(got.getBody().utf8()).isEqualTo("{\"a\":1}");
  }

  @Test
  void executeRunsTheTaskOnOneOfTheTransportsWorkerThreads() throws Exception {
    CompletableFuture<String> thread = new CompletableFuture<>();

    transport.execute(() -> thread.complete(Thread.currentThread().getName()));

    assertThat(thread.get(10, TimeUnit.SECONDS)).startsWith("hookpost-http-");
  }

  @Test
  void executeRefusesTasksOnceTheTransportIsClosed() {
    transport.close();

    assertThatThrownBy(() -> transport.execute(() -> { })).isInstanceOf(RejectedExecutionException.class);
  }

  @Test
  void returnsARedirectAsAnAnswerWithoutFollowingIt() throws Exception {
    server.enqueue(new MockResponse.Builder().code(302).addHeader("Location", server.url("/elsewhere")).build());
    server.enqueue(new MockResponse.Builder().code(204).build());

    TransportResponse r = await(transport.send(post("/hooks")));

    assertThat(r.status()).isEqualTo(302);
    assertThat(server.getRequestCount()).isEqualTo(1);
  }

  @Test
  void aClientHandedInStillNeverFollowsRedirects() throws Exception {
    transport = OkHttpTransport.builder().addressGuard(LOOPBACK)
        .client(new OkHttpClient.Builder().followRedirects(true).build()).build();
    server.enqueue(new MockResponse.Builder().code(307).addHeader("Location", server.url("/elsewhere")).build());

    assertThat(await(transport.send(post("/hooks"))).status()).isEqualTo(307);
    assertThat(server.getRequestCount()).isEqualTo(1);
  }

  @Test
  void derivesFromTheApplicationsClientSharingItsConnectionPool() {
    OkHttpClient app = new OkHttpClient();
    transport = OkHttpTransport.builder().client(app).build();

    assertThat(transport.client().connectionPool()).isSameAs(app.connectionPool());
    assertThat(transport.client().followRedirects()).isFalse();
  }

  @Test
  void hasTheDocumentedDefaultTimeouts() {
    assertThat(transport.client().connectTimeoutMillis()).isEqualTo(5_000);
    assertThat(transport.client().readTimeoutMillis()).isEqualTo(10_000);
    assertThat(transport.toString()).contains("call=15000ms");
  }

  @Test
  void leavesOkHttpsOwnCallTimeoutOffAndKeepsTheDeadlineItself() {
    assertThat(transport.client().callTimeoutMillis()).isZero();
  }

  @Test
  void failsACallStillWaitingForTheAnswerAtTheCallTimeout() throws Exception {
    transport = OkHttpTransport.builder().addressGuard(LOOPBACK).readTimeout(Duration.ofSeconds(5))
        .callTimeout(Duration.ofMillis(500)).build();
    server.enqueue(new MockResponse.Builder().code(204).headersDelay(3, TimeUnit.SECONDS).build());

    long start = System.nanoTime();
    Throwable failure = failureOf(transport.send(post("/hooks")));

    assertThat(failure).isInstanceOf(InterruptedIOException.class)
        .hasMessageContaining("within the call timeout of 500 ms");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofMillis(500), Duration.ofMillis(2_500));
  }

  @Test
  void keepsTheStatusOfAnAnswerWhoseBodyTricklesPastTheCallTimeout() throws Exception {
    transport = OkHttpTransport.builder().addressGuard(LOOPBACK).readTimeout(Duration.ofSeconds(5))
        .callTimeout(Duration.ofSeconds(1)).build();
    server.enqueue(new MockResponse.Builder().code(503).body("x".repeat(1_000))
        .throttleBody(10, 100, TimeUnit.MILLISECONDS).build()); // 10 s in all, never silent for 5 s

    long start = System.nanoTime();
    TransportResponse r = await(transport.send(post("/hooks")));

    assertThat(r.status()).isEqualTo(503);
    assertThat(r.bodyExcerpt()).hasSizeLessThan(1_000);
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofSeconds(1), Duration.ofSeconds(4));
  }

  @Test
  void reusesOneConnectionForSuccessiveRequests() throws Exception {
    for (int i = 0; i < 3; i++) {
      server.enqueue(new MockResponse.Builder().code(204).build());
      await(transport.send(post("/hooks")));
    }

    assertThat(server.takeRequest().getConnectionIndex()).isZero();
    assertThat(server.takeRequest().getConnectionIndex()).isZero();
    RecordedRequest third = server.takeRequest();
    assertThat(third.getConnectionIndex()).isZero();
    assertThat(third.getExchangeIndex()).isEqualTo(2);
  }

  @Test
  void keepsTheWholeBodyOfAShortAnswerAsItsExcerpt() throws Exception {
    server.enqueue(new MockResponse.Builder().code(400).body("bad signature").build());

    assertThat(await(transport.send(post("/hooks"))).bodyExcerpt()).isEqualTo("bad signature");
  }

  @Test
  void givesAnAnswerWithoutABodyAnEmptyExcerpt() throws Exception {
    server.enqueue(new MockResponse.Builder().code(204).build());

    TransportResponse r = await(transport.send(post("/hooks")));

    assertThat(r.status()).isEqualTo(204);
    assertThat(r.bodyExcerpt()).isEmpty();
  }

  @Test
  void keepsAnExcerptOfAHugeBodyAndStopsReading() throws Exception {
    server.enqueue(new MockResponse.Builder().code(500).body("x".repeat(10 * 1024 * 1024)).build());

    TransportResponse r = await(transport.send(post("/hooks")));

    assertThat(r.status()).isEqualTo(500);
    assertThat(r.bodyExcerpt()).hasSize(TransportResponse.MAX_EXCERPT);
  }

  @Test
  void stopsReadingAHugeBodyAtTheCapAndDropsTheConnectionInsteadOfDrainingIt() throws Exception {
    long bodySize = 50L * 1024 * 1024;
    try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      CompletableFuture<long[]> written = CompletableFuture.supplyAsync(() -> writeBody(listener, bodySize));
      TransportRequest r = new TransportRequest(URI.create("http://127.0.0.1:" + listener.getLocalPort() + "/"),
          Map.of(), "{}".getBytes(StandardCharsets.UTF_8));

      TransportResponse answer = await(transport.send(r));
      long[] sent = written.get(10, TimeUnit.SECONDS); // the receiver saw the connection close

      assertThat(answer.status()).isEqualTo(200);
      assertThat(answer.bodyExcerpt()).hasSize(TransportResponse.MAX_EXCERPT);
      long buffers = sent[1] + maxLoopbackReceiveBuffer();
      assertThat(sent[0]).as("bytes taken from the receiver (cap %d + socket buffers %d)",
          OkHttpTransport.MAX_RESPONSE_BYTES, buffers).isLessThanOrEqualTo(OkHttpTransport.MAX_RESPONSE_BYTES + buffers)
          .isLessThan(bodySize);
    }
  }

  /**
   * Answers one request with a 200 of {@code size} bytes, written until the client closes the
   * connection; returns the bytes the kernel took and the socket's send buffer.
   */
  static long[] writeBody(ServerSocket listener, long size) {
    long written = 0;
    long sendBuffer = 0;
    try (Socket s = listener.accept()) {
      s.setSendBufferSize(64 * 1024);
      sendBuffer = s.getSendBufferSize();
      var in = s.getInputStream();
      int matched = 0;
      while (matched < 4) { // the request's head; its 2-byte body may still follow, unread
        int c = in.read();
        if (c < 0) {
          throw new IOException("the client closed before its request was read");
        }
        matched = c == "\r\n\r\n".charAt(matched) ? matched + 1 : (c == '\r' ? 1 : 0);
      }
      OutputStream out = s.getOutputStream();
      out.write(("HTTP/1.1 200 OK\r\nContent-Length: " + size + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      byte[] chunk = new byte[16 * 1024];
      java.util.Arrays.fill(chunk, (byte) 'x');
      while (written < size) {
        out.write(chunk);
        written += chunk.length;
      }
    } catch (IOException closedByTheClient) {
      // what the test waits for
    }
    return new long[] {written, sendBuffer};
  }

  /** The largest receive buffer Linux grows a TCP socket to ({@code tcp_rmem}'s third field), else 6 MiB. */
  static long maxLoopbackReceiveBuffer() {
    try {
      String[] rmem = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/sys/net/ipv4/tcp_rmem")).trim()
          .split("\\s+");
      return Long.parseLong(rmem[2]);
    } catch (IOException | RuntimeException e) {
      return 6L * 1024 * 1024;
    }
  }

  @Test
  void timesOutOnAnEndpointThatNeverAnswers() throws Exception {
    transport = OkHttpTransport.builder().addressGuard(LOOPBACK).readTimeout(Duration.ofMillis(300)).build();
    server.enqueue(new MockResponse.Builder().onResponseStart(SocketEffect.Stall.INSTANCE).build());

    long start = System.nanoTime();
    Throwable failure = failureOf(transport.send(post("/hooks")));

    assertThat(failure).isInstanceOf(InterruptedIOException.class);
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
  }

  @Test
  void failsWhenTheConnectionClosesBeforeTheAnswer() throws Exception {
    server.enqueue(new MockResponse.Builder().onResponseStart(new SocketEffect.CloseSocket()).build());

    assertThat(failureOf(transport.send(post("/hooks")))).isInstanceOf(IOException.class);
  }

  @Test
  void keepsTheStatusWhenTheConnectionClosesMidBody() throws Exception {
    server.enqueue(new MockResponse.Builder().code(200).body("x".repeat(200_000))
        .onResponseBody(new SocketEffect.CloseSocket()).build());

    TransportResponse r = await(transport.send(post("/hooks")));

    assertThat(r.status()).isEqualTo(200);
  }

  @Test
  void failsWhenTlsIsSpokenToAPlainHttpPort() throws Exception {
    transport = OkHttpTransport.builder().addressGuard(LOOPBACK).readTimeout(Duration.ofSeconds(1))
        .callTimeout(Duration.ofSeconds(2)).build();
    server.enqueue(new MockResponse.Builder().code(204).build());
    TransportRequest tls = new TransportRequest(URI.create("https://127.0.0.1:" + server.getPort() + "/hooks"),
        Map.of(), new byte[0]);

    assertThat(failureOf(transport.send(tls))).isInstanceOf(IOException.class);
  }

  @Test
  void failsWhenTheEndpointSpeaksGarbageInsteadOfHttp() throws Exception {
    try (ServerSocket garbage = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      Thread server = new Thread(() -> {
        try (Socket s = garbage.accept(); OutputStream out = s.getOutputStream()) {
          out.write("SSH-2.0-OpenSSH_9.2\r\nthis is not http\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
          out.flush();
        } catch (IOException ignored) {
          // the client hung up
        }
      });
      server.setDaemon(true);
      server.start();
      TransportRequest r = new TransportRequest(URI.create("http://127.0.0.1:" + garbage.getLocalPort() + "/"),
          Map.of(), new byte[0]);

      assertThat(failureOf(transport.send(r))).isInstanceOf(IOException.class);
    }
  }

  @Test
  void builderRejectsACallTimeoutUnderOneMillisecond() {
    assertThatThrownBy(() -> OkHttpTransport.builder().callTimeout(Duration.ofNanos(500_000)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("callTimeout must be from 1 ms");
  }

  @Test
  void builderRejectsAZeroTimeout() {
    assertThatThrownBy(() -> OkHttpTransport.builder().readTimeout(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("readTimeout must be a positive Duration");
  }

  @Test
  void builderRejectsAnIdleSpinOutsideZeroToTenMilliseconds() {
    assertThatThrownBy(() -> OkHttpTransport.builder().idleSpin(Duration.ofMillis(11)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("idleSpin must be 0 to 10 ms");
    assertThatThrownBy(() -> OkHttpTransport.builder().idleSpin(Duration.ofNanos(-1)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Duration.ZERO");
  }
}
