package dev.hookpost.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hookpost.Signer;
import dev.hookpost.WebhookVerifier;
import jakarta.servlet.http.HttpServletRequest;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockFilterChain;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.util.StreamUtils;

/** The filter on its own, as any Servlet container would run it. */
class WebhookVerificationFilterTest {
  private static final String SECRET = Signer.generateSecret();
  private static final byte[] BODY = "{\"type\":\"order.created\",\"data\":{}}".getBytes(StandardCharsets.UTF_8);

  private final WebhookVerificationFilter filter = new WebhookVerificationFilter(WebhookVerifier.create(SECRET), 64);

  private static MockHttpServletRequest signed(byte[] body, String... secrets) {
    long now = Instant.now().getEpochSecond();
    MockHttpServletRequest request = new MockHttpServletRequest("POST", "/webhooks/orders");
    request.setContent(body);
    request.addHeader("webhook-id", "msg_1");
    request.addHeader("webhook-timestamp", Long.toString(now));
    for (String secret : secrets) { // rotation: one header value per signature
      request.addHeader("webhook-signature", Signer.standardWebhooks(secret).sign("msg_1", now, body));
    }
    return request;
  }

  @Test
  void aVerifiedRequestReachesTheChainWithItsBodyReadableAgainAndTheWebhookAttached() throws Exception {
    MockHttpServletResponse response = new MockHttpServletResponse();
    MockFilterChain chain = new MockFilterChain();

    filter.doFilter(signed(BODY, SECRET), response, chain);

    HttpServletRequest passed = (HttpServletRequest) chain.getRequest();
    assertThat(passed).isNotNull();
    assertThat(StreamUtils.copyToByteArray(passed.getInputStream())).isEqualTo(BODY);
    assertThat(WebhookVerificationFilter.verified(passed)).hasValueSatisfying(w -> {
      assertThat(w.id()).isEqualTo("msg_1");
      assertThat(w.body()).isEqualTo(BODY);
    });
  }

  @Test
  void aSignatureInAnyOfSeveralHeaderValuesIsAccepted() throws Exception {
    MockFilterChain chain = new MockFilterChain();

    filter.doFilter(signed(BODY, Signer.generateSecret(), SECRET), new MockHttpServletResponse(), chain);

    assertThat(chain.getRequest()).isNotNull();
  }

  @Test
  void aChangedBodyIsAnswered401AndStopsTheChain() throws Exception {
    MockHttpServletRequest request = signed(BODY, SECRET);
    request.setContent("{\"type\":\"order.created\",\"data\":{\"x\":1}}".getBytes(StandardCharsets.UTF_8));
    MockHttpServletResponse response = new MockHttpServletResponse();
    MockFilterChain chain = new MockFilterChain();

    filter.doFilter(request, response, chain);

    assertThat(response.getStatus()).isEqualTo(401);
    assertThat(response.getContentAsString()).startsWith("NO_MATCHING_SIGNATURE: ");
    assertThat(chain.getRequest()).isNull();
  }

  @Test
  void aBodyOverTheLimitIsAnswered413WithoutVerifying() throws Exception {
    byte[] big = new byte[65];
    MockHttpServletResponse response = new MockHttpServletResponse();
    MockFilterChain chain = new MockFilterChain();

    filter.doFilter(signed(big, SECRET), response, chain);

    assertThat(response.getStatus()).isEqualTo(413);
    assertThat(chain.getRequest()).isNull();
  }
}
