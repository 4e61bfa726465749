package dev.hookpost;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class SubscriptionTest {
  static final String SECRET = SignerTest.SPEC_SECRET;

  static Subscription.Builder valid() {
    return Subscription.builder().endpoint("https://shipping.example.com/webhooks").secret(SECRET);
  }

  @Test
  void buildsWithDefaults() {
    Subscription s = valid().build();

    assertThat(s.id()).startsWith("sub_");
    assertThat(s.eventTypes()).containsExactly("*");
    assertThat(s.enabled()).isTrue();
    assertThat(s.headers()).isEmpty();
    assertThat(s.retryPolicy()).isEmpty();
  }

  @Test
  void matchesExactTypesAndPrefixWildcards() {
    Subscription s = valid().eventTypes("order.*", "invoice.paid").build();

    assertThat(s.accepts("order.created")).isTrue();
    assertThat(s.accepts("order.refund.issued")).isTrue();
    assertThat(s.accepts("invoice.paid")).isTrue();
    assertThat(s.accepts("invoice.created")).isFalse();
    assertThat(s.accepts("orders.created")).isFalse();
    assertThat(s.accepts("order")).isFalse();
  }

  @Test
  void hearsEveryTypeByDefault() {
    assertThat(valid().build().accepts("anything.at.all")).isTrue();
  }

  @Test
  void rejectsAMissingEndpoint() {
    assertThatThrownBy(() -> Subscription.builder().secret(SECRET).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("endpoint is required")
        .hasMessageContaining("https://example.com/webhooks");
  }

  @Test
  void rejectsAnUnparsableUrl() {
    assertThatThrownBy(() -> valid().endpoint("https://exa mple.com/x").build())
        .hasMessageContaining("endpoint 'https://exa mple.com/x' is not a valid URL");
  }

  @Test
  void rejectsAFileUrl() {
    assertThatThrownBy(() -> valid().endpoint("file:///etc/passwd").build())
        .hasMessageContaining("has scheme 'file'; only http and https are allowed");
  }

  @Test
  void rejectsAnFtpUrl() {
    assertThatThrownBy(() -> valid().endpoint("ftp://example.com/in").build())
        .hasMessageContaining("has scheme 'ftp'");
  }

  @Test
  void rejectsAUrlWithNoHost() {
    assertThatThrownBy(() -> valid().endpoint("https:///webhooks").build()).hasMessageContaining("has no host");
  }

  @ParameterizedTest(name = "builds with http://{0}/, which the transport's guard parses and checks")
  @ValueSource(strings = {"127.1", "0x7f.1", "0x7f000001", "2130706433", "0177.0.0.1", "127.0.0.1.", "8.8.8.8",
      "127.1:8080", "example.com.", "[::1]"})
  void buildsWithAnIpv4AddressInAnySpellingForTheTransportToCheck(String host) {
    assertThat(valid().endpoint("http://" + host + "/hooks").build().endpoint().toString())
        .isEqualTo("http://" + host + "/hooks");
  }

  @ParameterizedTest(name = "http://{0}/: {1}")
  @CsvSource(delimiter = '|', value = {
      "%31%32%37.0.0.1 | endpoint host '%31%32%37.0.0.1' is percent-encoded; write the host name in plain characters",
      "１２７.０.０.１ | endpoint host '１２７.０.０.１' has non-ASCII characters; write it in ASCII ('127.0.0.1')",
      "bücher.example | has non-ASCII characters; write it in ASCII ('xn--bcher-kva.example')",
      "ex_ample.com | endpoint host 'ex_ample.com' has '_', which host names cannot contain",
      "1.2.3.4.5 | endpoint host '1.2.3.4.5' ends in a number, so resolvers read it as an IPv4 address, but it has 5",
      "256.1 | but part '256' is more than 255",
      "a..example | has an empty label",
  })
  void rejectsAHostThatIsNoIpAddressNorDnsNameSayingWhatIsWrongWithIt(String host, String message) {
    assertThatThrownBy(() -> valid().endpoint("http://" + host + "/hooks").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(message)
        .hasMessageNotContaining("has no host");
  }

  @Test
  void rejectsCredentialsBeforeAHostJavasUriParserDoesNotRecognise() {
    assertThatThrownBy(() -> valid().endpoint("http://user:pw@127.1/hooks").build())
        .hasMessageContaining("must not carry credentials");
  }

  @ParameterizedTest(name = "http://127.1:{0}/ is refused")
  @CsvSource(delimiter = '|', value = {"99999 | port 99999 is outside 1..65535", "0 | port 0 is outside",
      "x1 | port 'x1' is not a number"})
  void checksThePortOfAHostJavasUriParserDoesNotRecognise(String port, String message) {
    assertThatThrownBy(() -> valid().endpoint("http://127.1:" + port + "/hooks").build())
        .hasMessageContaining(message);
  }

  @Test
  void rejectsARelativeUrl() {
    assertThatThrownBy(() -> valid().endpoint("/webhooks").build()).hasMessageContaining("only http and https");
  }

  @Test
  void rejectsCredentialsInTheUrl() {
    assertThatThrownBy(() -> valid().endpoint("https://user:pw@example.com/hooks").build())
        .hasMessageContaining("endpoint must not carry credentials")
        .hasMessageNotContaining("pw@");
  }

  @Test
  void rejectsAMissingSecret() {
    assertThatThrownBy(() -> Subscription.builder().endpoint("https://example.com/h").build())
        .hasMessageContaining("secret is required");
  }

  @Test
  void rejectsAMalformedSecret() {
    assertThatThrownBy(() -> valid().secret("hunter2").build()).hasMessageContaining("secret must start with 'whsec_'");
  }
  @Test
  void aPublicKeyGivenAsTheSecretIsRefusedSayingItBelongsToTheReceiver() {
    String publicKey = Signer.generateEd25519KeyPair().publicKey();

    assertThatThrownBy(() -> valid().secret(publicKey).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("a whpk_ key is an Ed25519 public key: it verifies, on the receiver");
  }


  @Test
  void rejectsAHeaderThatWouldOverwriteTheSignature() {
    assertThatThrownBy(() -> valid().header("Webhook-Signature", "v1,forged"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("header 'Webhook-Signature' is set by Hookpost itself");
  }

  @Test
  void rejectsAnInvalidHeaderName() {
    assertThatThrownBy(() -> valid().header("X Api Key", "v"))
        .hasMessageContaining("header name 'X Api Key' is not a valid HTTP header name");
  }

  @Test
  void rejectsAHeaderValueWithALineBreak() {
    assertThatThrownBy(() -> valid().header("X-Api-Key", "a\r\nInjected: yes"))
        .hasMessageContaining("needs a value of printable ASCII (no line breaks");
  }

  @Test
  void rejectsANonAsciiHeaderValueWithoutEchoingIt() {
    assertThatThrownBy(() -> valid().header("X-Api-Key", "sk_live_51Hx\u00e9Secret"))
        .hasMessageContaining("header 'X-Api-Key' needs a value of printable ASCII")
        .hasMessageNotContaining("sk_live");
  }

  @Test
  void rejectsAnyWebhookPrefixedOrFramingHeader() {
    assertThatThrownBy(() -> valid().header("webhook-anything", "x")).hasMessageContaining("is set by Hookpost itself");
    assertThatThrownBy(() -> valid().header("User-Agent", "x")).hasMessageContaining("is set by Hookpost itself");
    assertThatThrownBy(() -> valid().header("Content-Encoding", "gzip")).hasMessageContaining("is set by Hookpost");
    assertThatThrownBy(() -> valid().header("Proxy-Authorization", "x")).hasMessageContaining("is set by Hookpost");
  }

  @Test
  void rejectsAPortOutsideTheValidRange() {
    assertThatThrownBy(() -> valid().endpoint("https://example.com:99999/h").build())
        .hasMessageContaining("endpoint port 99999 is outside 1..65535");
  }

  @Test
  void logsOnlySchemeHostAndPortBecausePathsHoldTokens() {
    Subscription s = valid().endpoint("https://hooks.slack.com/services/T000/B000/XXXXSECRET").build();

    assertThat(s.endpointForLogs()).isEqualTo("https://hooks.slack.com/…");
    assertThat(s.toString()).doesNotContain("XXXXSECRET");
  }

  @Test
  void rejectsABadEventTypePattern() {
    assertThatThrownBy(() -> valid().eventTypes("order.*.created").build())
        .hasMessageContaining("eventTypes: 'order.*.created' is not an event type pattern");
  }

  @Test
  void neverShowsTheSecretInToString() {
    assertThat(valid().build().toString()).doesNotContain("whsec_").doesNotContain(SECRET.substring(6));
  }

  @Test
  void hidesTheQueryStringInToStringBecauseItMayHoldAToken() {
    assertThat(valid().endpoint("https://example.com/h?token=s3cr3t").build().toString()).doesNotContain("s3cr3t");
  }

  @Test
  void toBuilderCopiesEverySetting() {
    Subscription s = valid().id("shipping").eventTypes("order.*").header("X-Api-Key", "k")
        .retryPolicy(RetryPolicy.none()).build();

    assertThat(s.toBuilder().build()).isEqualTo(s);
    assertThat(s.withEnabled(false).enabled()).isFalse();
  }

  @Test
  void belongsToNoTenantByDefault() {
    Subscription s = valid().build();

    assertThat(s.tenant()).isEmpty();
    assertThat(s.allTenants()).isFalse();
    assertThat(s.acceptsTenant(null)).isTrue();
    assertThat(s.acceptsTenant("acme")).isFalse();
  }

  @Test
  void aTenantsSubscriptionHearsOnlyThatTenant() {
    Subscription s = valid().tenant("acme").build();

    assertThat(s.acceptsTenant("acme")).isTrue();
    assertThat(s.acceptsTenant("globex")).isFalse();
    assertThat(s.acceptsTenant(null)).isFalse();
    assertThat(s.toBuilder().build()).isEqualTo(s);
  }

  @Test
  void oneListeningToEveryTenantHearsEveryTenantButNotEventsWithoutOne() {
    Subscription s = valid().allTenants(true).build();

    assertThat(s.acceptsTenant("acme")).isTrue();
    assertThat(s.acceptsTenant(null)).isFalse();
  }

  @Test
  void rejectsATenantTogetherWithAllTenants() {
    assertThatThrownBy(() -> valid().id("audit").tenant("acme").allTenants(true).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("subscription audit has tenant 'acme' and allTenants; choose one");
  }

  @Test
  void rejectsABlankTenant() {
    assertThatThrownBy(() -> valid().tenant(" ").build())
        .hasMessageContaining("subscription tenant must not be blank");
  }
}
