package dev.hookpost;

import dev.hookpost.spi.EndpointRefusedException;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The SSRF address guard, address by address. Every address here is parsed from a literal
 * (no DNS) and only checked, never contacted.
 */
class AddressGuardTest {
  static final AddressGuard PUBLIC_ONLY = AddressGuard.publicOnly();

  /** An IP literal, parsed without any DNS lookup. */
  static InetAddress ip(String literal) {
    try {
      return InetAddress.getByName(literal);
    } catch (UnknownHostException e) {
      throw new AssertionError("not an IP literal: " + literal, e);
    }
  }

  /** {@code ::ffff:a.b.c.d} kept as an Inet6Address (InetAddress.getByName would turn it into IPv4). */
  static Inet6Address mapped(String ipv4) {
    byte[] v4 = ip(ipv4).getAddress();
    byte[] v6 = new byte[16];
    v6[10] = (byte) 0xff;
    v6[11] = (byte) 0xff;
    System.arraycopy(v4, 0, v6, 12, 4);
    try {
      return Inet6Address.getByAddress(null, v6, -1);
    } catch (UnknownHostException e) {
      throw new AssertionError(e);
    }
  }

  static void assertRefused(AddressGuard guard, String host, InetAddress address) {
    assertThatThrownBy(() -> guard.check(host, address))
        .as("%s (%s) should be refused", host, address)
        .isInstanceOf(EndpointRefusedException.class);
  }

  static void assertAllowed(AddressGuard guard, String host, InetAddress address) {
    assertThatCode(() -> guard.check(host, address))
        .as("%s (%s) should be allowed", host, address)
        .doesNotThrowAnyException();
  }

  // ---- publicOnly(): what it refuses ----

  @ParameterizedTest(name = "refuses {0}")
  @ValueSource(strings = {
      "127.0.0.1", "127.255.255.254",                       // loopback
      "0.0.0.0", "0.1.2.3",                                 // 'this network'
      "10.0.0.1", "172.16.0.1", "172.31.255.255", "192.168.0.1", // private
      "169.254.169.254",                                    // link-local, cloud metadata
      "100.64.0.1", "100.127.255.255",                      // carrier-grade NAT
      "192.0.0.8",                                          // IETF protocol assignments
      "192.0.2.1", "198.51.100.7", "203.0.113.9",           // documentation
      "198.18.0.1", "198.19.255.255",                       // benchmarking
      "224.0.0.1", "239.255.255.250",                       // multicast
      "240.0.0.1", "255.255.255.255",                       // reserved, broadcast
      "192.88.99.1",                                        // 6to4 relay anycast
      "::1", "::",                                          // loopback, unspecified
      "fe80::1", "febf::1",                                 // link-local, both ends of fe80::/10
      "fc00::1", "fd12:3456::1",                            // unique-local
      "fec0::1",                                            // site-local
      "ff02::1",                                            // multicast
      "2001:db8::1", "3fff::1",                             // documentation
      "2001::1",                                            // Teredo
      "64:ff9b::a00:1", "64:ff9b::7f00:1",                  // NAT64 of 10.0.0.1 and 127.0.0.1
      "64:ff9b:1::1",                                       // local-use NAT64
      "64:ff9b:2::a00:1",                                   // elsewhere in 64:ff9b::/32
      "::ffff:0:a00:1",                                     // IPv4-translated 10.0.0.1
      "2002:7f00:1::1",                                     // 6to4 of 127.0.0.1
      "::7f00:1",                                           // IPv4-compatible 127.0.0.1
      "100::1",                                             // discard-only
  })
  void publicOnlyRefusesAddressesThatAreNotGloballyRoutable(String literal) {
    InetAddress address = ip(literal);

    assertThat(AddressGuard.refusalReason(address)).isNotNull();
    assertRefused(PUBLIC_ONLY, literal, address);
  }

  @ParameterizedTest(name = "refuses ::ffff:{0} as an Inet6Address")
  @ValueSource(strings = {"127.0.0.1", "10.0.0.1", "169.254.169.254"})
  void publicOnlyRefusesTheIpv4MappedIpv6FormOfAPrivateAddress(String ipv4) {
    Inet6Address address = mapped(ipv4);

    assertThat(address).isInstanceOf(Inet6Address.class);
    assertThat(AddressGuard.refusalReason(address)).startsWith("IPv4-mapped");
    assertRefused(PUBLIC_ONLY, "mapped.example", address);
  }

  @ParameterizedTest(name = "\"{0}\" is loopback to Java and refused")
  @ValueSource(strings = {"127.1", "127.0.1", "2130706433"})
  void publicOnlyRefusesLoopbackWrittenInTheShortNumericFormsJavaParses(String host) {
    InetAddress address = ip(host); // a literal to Java: no DNS lookup

    assertThat(address.getHostAddress()).isEqualTo("127.0.0.1");
    assertThat(AddressGuard.refusalReason(address)).contains("loopback");
    assertRefused(PUBLIC_ONLY, host, address);
  }

  @ParameterizedTest(name = "checkHost(\"{0}\") refuses {1} at once")
  @CsvSource(delimiter = '|', value = {
      "0x7f000001         | 127.0.0.1",
      "017700000001       | 127.0.0.1",
      "0177.0.0.1         | 127.0.0.1",
      "0x7f.1             | 127.0.0.1",
      "127.1              | 127.0.0.1",
      "127.0.0.1.         | 127.0.0.1",
      "0xa9fea9fe         | 169.254.169.254",
      "012.0x1            | 10.0.0.1",
      "::1                | 0:0:0:0:0:0:0:1",
      "[::ffff:127.0.0.1] | 127.0.0.1",
  })
  void checkHostParsesEveryNumericSpellingAndRefusesAnInternalAddress(String host, String address) {
    assertThatThrownBy(() -> PUBLIC_ONLY.checkHost(host)).isInstanceOf(EndpointRefusedException.class)
        .hasMessageContaining("refused to connect to " + host + " (" + address + ")");
  }

  @ParameterizedTest(name = "checkHost(\"{0}\") is {1}, allowed")
  @CsvSource(delimiter = '|', value = {"0x08080808 | 8.8.8.8", "010.8.8.8 | 8.8.8.8", "8.8.8.8 | 8.8.8.8",
      "134744072 | 8.8.8.8", "2001:4860:4860::8888 | 2001:4860:4860:0:0:0:0:8888"})
  void checkHostReturnsTheAddressToConnectToWhenItIsAllowed(String host, String address) {
    assertThat(PUBLIC_ONLY.checkHost(host)).map(InetAddress::getHostAddress).contains(address);
  }

  @Test
  void checkHostAppliesTheAllowedRangesToANumericSpelling() {
    assertThat(PUBLIC_ONLY.allowing("127.0.0.1").checkHost("0x7f.1")).map(InetAddress::getHostAddress)
        .contains("127.0.0.1");
  }

  @ParameterizedTest(name = "checkHost(\"{0}\") leaves a DNS name to the resolver")
  @ValueSource(strings = {"example.com", "localhost", "0x7f.example", "localhost."})
  void checkHostLeavesADnsNameToTheResolver(String host) {
    assertThat(PUBLIC_ONLY.checkHost(host)).isEmpty();
  }

  @Test
  void checkHostRefusesAHostThatEndsInANumberButIsNoIpv4Address() {
    assertThatThrownBy(() -> PUBLIC_ONLY.checkHost("1.2.3.4.5")).isInstanceOf(EndpointRefusedException.class)
        .hasMessageContaining("refused host 1.2.3.4.5: it ends in a number");
  }

  @ParameterizedTest(name = "{0} is refused as {1}")
  @CsvSource(delimiter = '|', value = {
      "127.0.0.1        | loopback",
      "::1              | loopback",
      "0.0.0.0          | 'this network'",
      "::               | unspecified",
      "10.0.0.1         | private (10.0.0.0/8)",
      "172.16.0.1       | private (172.16.0.0/12)",
      "192.168.0.1      | private (192.168.0.0/16)",
      "169.254.169.254  | cloud metadata",
      "100.64.0.1       | carrier-grade NAT",
      "198.18.0.1       | benchmarking",
      "203.0.113.9      | documentation",
      "224.0.0.1        | multicast",
      "255.255.255.255  | broadcast",
      "240.0.0.1        | reserved",
      "fe80::1          | link-local",
      "fd12:3456::1     | unique-local",
      "fec0::1          | site-local",
      "ff02::1          | multicast",
      "2001::1          | Teredo",
      "2001:db8::1      | documentation",
      "64:ff9b::a00:1   | NAT64 (64:ff9b::/96) of private",
      "64:ff9b:1::1     | local-use NAT64",
      "2002:7f00:1::1   | 6to4 (2002::/16) of loopback",
      "::7f00:1         | IPv4-compatible",
      "100::1           | discard-only",
  })
  void theRefusalReasonNamesTheKindOfAddress(String literal, String reason) {
    assertThat(AddressGuard.refusalReason(ip(literal))).contains(reason);
  }

  // ---- publicOnly(): what it allows ----

  @ParameterizedTest(name = "allows {0}")
  @ValueSource(strings = {
      "8.8.8.8", "1.1.1.1",
      "172.15.255.255", "172.32.0.1",       // just outside 172.16.0.0/12
      "100.128.0.1",                         // just outside 100.64.0.0/10
      "192.169.0.1",                         // just outside 192.168.0.0/16
      "2606:4700:4700::1111", "2a00:1450::1",
      "64:ff9b::808:808",                    // NAT64 of 8.8.8.8
      "2002:808:808::1",                     // 6to4 of 8.8.8.8
  })
  void publicOnlyAllowsGloballyRoutableAddresses(String literal) {
    InetAddress address = ip(literal);

    assertThat(AddressGuard.refusalReason(address)).isNull();
    assertAllowed(PUBLIC_ONLY, "public.example", address);
  }

  @Test
  void publicOnlyAllowsTheIpv4MappedIpv6FormOfAPublicAddress() {
    Inet6Address address = mapped("8.8.8.8");

    assertThat(AddressGuard.refusalReason(address)).isNull();
    assertAllowed(PUBLIC_ONLY, "public.example", address);
  }

  // ---- the refusal message ----

  @Test
  void theRefusalNamesTheHostTheAddressTheReasonAndHowToAllowIt() {
    assertThatThrownBy(() -> PUBLIC_ONLY.check("metadata.example", ip("169.254.169.254")))
        .isInstanceOf(EndpointRefusedException.class)
        .hasMessageContaining("metadata.example")
        .hasMessageContaining("169.254.169.254")
        .hasMessageContaining("link-local")
        .hasMessageContaining("AddressGuard.publicOnly().allowing(\"169.254.169.254\")");
  }

  @Test
  void aLoopbackRefusalSaysLoopback() {
    assertThatThrownBy(() -> PUBLIC_ONLY.check("localhost", ip("127.0.0.1")))
        .hasMessageContaining("refused to connect to localhost (127.0.0.1)")
        .hasMessageContaining("loopback");
  }

  @ParameterizedTest(name = "the allowing(...) suggested for {0} works")
  @ValueSource(strings = {"127.0.0.1", "10.1.2.3", "::1", "fd12:3456::1", "64:ff9b::7f00:1"})
  void theAllowingSuggestedInTheRefusalActuallyAllowsThatAddress(String literal) {
    InetAddress address = ip(literal);
    Throwable refusal = catchRefusal(() -> PUBLIC_ONLY.check("internal.example", address));
    Matcher suggestion = Pattern.compile("allowing\\(\"([^\"]+)\"\\)").matcher(refusal.getMessage());

    assertThat(suggestion.find()).as("message suggests allowing(...): %s", refusal.getMessage()).isTrue();
    assertAllowed(PUBLIC_ONLY.allowing(suggestion.group(1)), "internal.example", address);
  }

  static Throwable catchRefusal(Runnable check) {
    try {
      check.run();
    } catch (EndpointRefusedException e) {
      return e;
    }
    throw new AssertionError("expected a refusal");
  }

  // ---- allowing(...) ----

  @ParameterizedTest(name = "10.20.0.0/16 allows {0}")
  @ValueSource(strings = {"10.20.5.5", "10.20.0.0", "10.20.255.255"})
  void allowingACidrRangeAllowsEveryAddressInside(String literal) {
    assertAllowed(PUBLIC_ONLY.allowing("10.20.0.0/16"), "internal.example", ip(literal));
  }

  @ParameterizedTest(name = "10.20.0.0/16 still refuses {0}")
  @ValueSource(strings = {"10.21.0.1", "10.19.255.255", "127.0.0.1", "fd00::1"})
  void allowingACidrRangeStillRefusesEverythingOutside(String literal) {
    assertRefused(PUBLIC_ONLY.allowing("10.20.0.0/16"), "internal.example", ip(literal));
  }

  @ParameterizedTest(name = "10.16.0.0/12 -> {0} allowed: {1}")
  @CsvSource({
      "10.16.0.0, true",
      "10.31.255.255, true",
      "10.15.255.255, false",
      "10.32.0.0, false",
  })
  void allowingARangeWhosePrefixIsNotAWholeNumberOfBytesMasksTheLastByte(String literal, boolean allowed) {
    AddressGuard guard = PUBLIC_ONLY.allowing("10.16.0.0/12");

    if (allowed) {
      assertAllowed(guard, "internal.example", ip(literal));
    } else {
      assertRefused(guard, "internal.example", ip(literal));
    }
  }

  @Test
  void allowingASingleAddressAllowsOnlyThatAddress() {
    AddressGuard guard = PUBLIC_ONLY.allowing("127.0.0.1");

    assertAllowed(guard, "127.0.0.1", ip("127.0.0.1"));
    assertRefused(guard, "127.0.0.2", ip("127.0.0.2"));
    assertRefused(guard, "::1", ip("::1"));
    assertRefused(guard, "10.0.0.1", ip("10.0.0.1"));
  }

  @Test
  void allowingAnIpv6RangeAllowsInsideAndRefusesOutside() {
    AddressGuard guard = PUBLIC_ONLY.allowing("fd00::/8");

    assertAllowed(guard, "internal.example", ip("fd12:3456::1"));
    assertAllowed(guard, "internal.example", ip("fdff:ffff::1"));
    assertRefused(guard, "internal.example", ip("fc00::1"));
    assertRefused(guard, "internal.example", ip("::1"));
    assertRefused(guard, "internal.example", ip("10.0.0.1"));
  }

  @ParameterizedTest(name = "host \"{0}\" may use {1}")
  @CsvSource({
      "hooks.internal.example, 10.0.0.1",
      "HOOKS.Internal.Example, 127.0.0.1",
      "hooks.internal.example, ::1",
  })
  void allowingAHostNameAllowsAnyAddressForExactlyThatHostInAnyCase(String host, String literal) {
    assertAllowed(PUBLIC_ONLY.allowing("hooks.internal.example"), host, ip(literal));
  }

  @Test
  void allowingAHostNameGivenInCapitalsMatchesItInLowerCase() {
    assertAllowed(PUBLIC_ONLY.allowing("Hooks.Internal.Example"), "hooks.internal.example", ip("10.0.0.1"));
  }

  @ParameterizedTest(name = "allowing hooks.internal.example still refuses host \"{0}\"")
  @ValueSource(strings = {"other.example", "evil.hooks.internal.example", "hooks.internal.example.evil.com",
      "hooks-internal.example", "internal.example"})
  void allowingAHostNameDoesNotAllowOtherHosts(String host) {
    assertRefused(PUBLIC_ONLY.allowing("hooks.internal.example"), host, ip("10.0.0.1"));
  }

  @Test
  void allowingAccumulatesAcrossCalls() {
    AddressGuard guard = PUBLIC_ONLY.allowing("10.20.0.0/16").allowing("fd00::/8", "hooks.internal.example");

    assertAllowed(guard, "a.example", ip("10.20.1.1"));
    assertAllowed(guard, "a.example", ip("fd00::1"));
    assertAllowed(guard, "hooks.internal.example", ip("192.168.1.1"));
    assertRefused(guard, "a.example", ip("192.168.1.1"));
  }

  @Test
  void allowingReturnsANewGuardAndLeavesPublicOnlyAsItWas() {
    AddressGuard widened = AddressGuard.publicOnly().allowing("10.20.0.0/16");

    assertThat(widened).isNotSameAs(AddressGuard.publicOnly());
    assertRefused(AddressGuard.publicOnly(), "internal.example", ip("10.20.5.5"));
  }

  @ParameterizedTest(name = "allowingPrivateNetworks() allows {0}")
  @ValueSource(strings = {"127.0.0.1", "::1", "10.0.0.1", "169.254.169.254", "fd12:3456::1", "0.0.0.0",
      "64:ff9b::7f00:1", "8.8.8.8"})
  void allowingPrivateNetworksAllowsEverything(String literal) {
    assertAllowed(AddressGuard.allowingPrivateNetworks(), "anything.example", ip(literal));
  }

  @Test
  void allowingPrivateNetworksAllowsIpv4MappedLoopbackToo() {
    assertAllowed(AddressGuard.allowingPrivateNetworks(), "anything.example", mapped("127.0.0.1"));
  }

  @ParameterizedTest(name = "rejects entry \"{0}\"")
  @ValueSource(strings = {"", "   ", "10.0.0.0/33", "fd00::/129", "not a host!", "10.0.0.0/1234",
      "http://10.0.0.1/", "10.0.0.1:8080", "fd00:::1/8"})
  void allowingRejectsAnEntryThatIsNoRangeAddressOrHostNameAndNamesIt(String entry) {
    assertThatThrownBy(() -> PUBLIC_ONLY.allowing(entry))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'" + entry + "'");
  }

  @ParameterizedTest(name = "rejects out-of-range address \"{0}\"")
  @ValueSource(strings = {"10.0.0.256", "256.1.1.1", "300.0.0.0/8"})
  void allowingRejectsADottedQuadWithAnOctetAbove255InsteadOfTakingItForAHostName(String entry) {
    assertThatThrownBy(() -> PUBLIC_ONLY.allowing(entry))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'" + entry + "'");
  }

  @Test
  void allowingRejectsANumberThatWouldPassForAHostName() {
    assertThatThrownBy(() -> AddressGuard.publicOnly().allowing("127.1"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("allowed entry '127.1' is a number, not a host name");
  }

  @Test
  void allowingRejectsANullEntry() {
    assertThatThrownBy(() -> PUBLIC_ONLY.allowing((String) null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'null'");
  }

  @Test
  void aPrefixTooLongForTheFamilySaysTheLimit() {
    assertThatThrownBy(() -> PUBLIC_ONLY.allowing("10.0.0.0/33"))
        .hasMessageContaining("/33")
        .hasMessageContaining("at most /32");
  }
}
