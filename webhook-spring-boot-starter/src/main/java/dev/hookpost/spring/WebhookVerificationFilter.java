package dev.hookpost.spring;

import dev.hookpost.WebhookHeaders;
import dev.hookpost.WebhookVerificationException;
import dev.hookpost.WebhookVerifier;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A Jakarta Servlet filter that verifies Standard Webhooks before the application sees them:
 * it reads the raw body, checks {@code webhook-signature} over exactly those bytes and
 * {@code webhook-timestamp} against the verifier's tolerance, and then either
 * <ul>
 *   <li>answers {@code 401} with the reason as plain text ({@code NO_MATCHING_SIGNATURE: ...}),
 *       without calling the rest of the chain, or
 *   <li>passes on a request whose body reads the same bytes again, with the
 *       {@link VerifiedWebhook} as the request attribute {@link #ATTRIBUTE}.
 * </ul>
 * A body over the limit (default 1 MiB) is answered {@code 413}. Works in any Servlet 6
 * container; Spring Boot registers it for {@code hookpost.receiver.paths} when
 * {@code hookpost.receiver.secrets} is set.
 *
 * <p>Thread-safe.
 */
public final class WebhookVerificationFilter extends HttpFilter {
  private static final long serialVersionUID = 1L;

  /** The request attribute holding the {@link VerifiedWebhook}. */
  public static final String ATTRIBUTE = VerifiedWebhook.class.getName();

  /** The default largest body read: 1 MiB, the publisher's default largest event. */
  public static final int DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

  private final transient WebhookVerifier verifier;
  private final int maxBodyBytes;

  /** A filter verifying with {@code verifier}, reading bodies up to 1 MiB. */
  public WebhookVerificationFilter(WebhookVerifier verifier) {
    this(verifier, DEFAULT_MAX_BODY_BYTES);
  }

  /**
   * A filter verifying with {@code verifier}, reading bodies up to {@code maxBodyBytes}.
   *
   * @throws IllegalArgumentException if {@code maxBodyBytes} is below 1
   */
  public WebhookVerificationFilter(WebhookVerifier verifier, int maxBodyBytes) {
    if (maxBodyBytes < 1) {
      throw new IllegalArgumentException("maxBodyBytes must be at least 1, was " + maxBodyBytes);
    }
    this.verifier = Objects.requireNonNull(verifier, "verifier");
    this.maxBodyBytes = maxBodyBytes;
  }

  /** The verified webhook the filter attached to {@code request}, if it did. */
  public static Optional<VerifiedWebhook> verified(ServletRequest request) {
    return request.getAttribute(ATTRIBUTE) instanceof VerifiedWebhook w ? Optional.of(w) : Optional.empty();
  }

  @Override
  protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws IOException, ServletException {
    byte[] body;
    try (InputStream in = request.getInputStream()) {
      body = in.readNBytes(maxBodyBytes + 1);
    }
    if (body.length > maxBodyBytes) {
      refuse(response, HttpServletResponse.SC_REQUEST_ENTITY_TOO_LARGE,
          "body over " + maxBodyBytes + " bytes; raise hookpost.receiver.max-body-bytes if such webhooks are expected");
      return;
    }
    String id = header(request, WebhookHeaders.ID);
    String timestamp = header(request, WebhookHeaders.TIMESTAMP);
    try {
      verifier.verify(id, timestamp, header(request, WebhookHeaders.SIGNATURE), body);
    } catch (WebhookVerificationException e) {
      refuse(response, HttpServletResponse.SC_UNAUTHORIZED, e.reason() + ": " + e.getMessage());
      return;
    }
    request.setAttribute(ATTRIBUTE, new VerifiedWebhook(id, Instant.ofEpochSecond(Long.parseLong(timestamp.trim())), body));
    chain.doFilter(new VerifiedRequest(request, body), response);
  }

  /** Every value of the header joined by spaces (signatures may come in several), or null. */
  private static String header(HttpServletRequest request, String name) {
    List<String> values = Collections.list(request.getHeaders(name));
    return values.isEmpty() ? null : String.join(" ", values);
  }

  private static void refuse(HttpServletResponse response, int status, String reason) throws IOException {
    response.setStatus(status);
    response.setContentType("text/plain;charset=UTF-8");
    response.getWriter().write(reason);
  }

  /** The request with its body replaced by the bytes already read and verified. */
  private static final class VerifiedRequest extends HttpServletRequestWrapper {
    private final byte[] body;

    VerifiedRequest(HttpServletRequest request, byte[] body) {
      super(request);
      this.body = body;
    }

    @Override
    public ServletInputStream getInputStream() {
      ByteArrayInputStream in = new ByteArrayInputStream(body);
      return new ServletInputStream() {
        @Override
        public int read() {
          return in.read();
        }

        @Override
        public int read(byte[] b, int off, int len) {
          return in.read(b, off, len);
        }

        @Override
        public boolean isFinished() {
          return in.available() == 0;
        }

        @Override
        public boolean isReady() {
          return true;
        }

        @Override
        public void setReadListener(ReadListener listener) {
          throw new UnsupportedOperationException("the verified body is already in memory: read it synchronously");
        }
      };
    }

    @Override
    public BufferedReader getReader() {
      String encoding = getCharacterEncoding();
      Charset charset = encoding == null ? StandardCharsets.UTF_8 : Charset.forName(encoding);
      return new BufferedReader(new InputStreamReader(getInputStream(), charset));
    }

    @Override
    public int getContentLength() {
      return body.length;
    }

    @Override
    public long getContentLengthLong() {
      return body.length;
    }
  }
}
