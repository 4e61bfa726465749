package dev.hookpost;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class HostsTest {
  static String dotted(byte[] b) throws Exception {
    return InetAddress.getByAddress(b).getHostAddress();
  }

  @ParameterizedTest(name = "{0} is {1}")
  @CsvSource({
      "127.0.0.1, 127.0.0.1",
      "127.1, 127.0.0.1",                  // short form: the last part fills three bytes
      "127.0.1, 127.0.0.1",                // the last part fills two bytes
      "2130706433, 127.0.0.1",             // one decimal number
      "0x7f000001, 127.0.0.1",             // one hex number
      "0X7F000001, 127.0.0.1",
      "017700000001, 127.0.0.1",           // one octal number
      "0177.0.0.1, 127.0.0.1",             // octal parts: Java alone would read 177
      "0x7f.0.0.1, 127.0.0.1",             // hex parts
      "0x7f.1, 127.0.0.1",                 // mixed and short
      "0x7f.0x0.0.01, 127.0.0.1",
      "0x7f.00000000000000000000.1, 127.0.0.1", // leading zeros to any length
      "0x.0.0.0, 0.0.0.0",                 // '0x' alone is 0
      "127.0.0.1., 127.0.0.1",             // one trailing dot
      "0xa9fea9fe, 169.254.169.254",
      "8.8.8.8, 8.8.8.8",
      "255.255.255.255, 255.255.255.255",
      "4294967295, 255.255.255.255",
  })
  void parsesEveryIpv4SpellingResolversAccept(String host, String address) throws Exception {
    assertThat(dotted(Hosts.parseIpv4(host))).isEqualTo(address);
  }

  @ParameterizedTest(name = "{0} is a name")
  @ValueSource(strings = {"example.com", "localhost", "0x7f.example", "127.0.0.1.example", "a1", "example.com.",
      "1.2.3.x"})
  void aHostNotEndingInANumberIsAName(String host) {
    assertThat(Hosts.parseIpv4(host)).isNull();
  }

  @ParameterizedTest(name = "{0}: {1}")
  @CsvSource(delimiter = '|', value = {
      "1.2.3.4.5 | has 5 parts",
      "256.0.0.1 | part '256' is more than 255",
      "1.16777216 | part '16777216' is more than 16777215",
      "4294967296 | part '4294967296' is more than 4294967295",
      "99999999999999999999999 | is more than 4294967295",
      "08.0.0.1 | part '08' is not a decimal, hex (0x..) or octal (0..) number",
      "0x1g.1 | part '0x1g' is not",
      "example.123 | part 'example' is not",
      "1..1 | part '' is not",
  })
  void aHostEndingInANumberThatIsNoIpv4AddressSaysWhy(String host, String why) {
    assertThatThrownBy(() -> Hosts.parseIpv4(host)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("ends in a number, so resolvers read it as an IPv4 address, but")
        .hasMessageContaining(why);
  }

  @ParameterizedTest(name = "{0} is a valid DNS name")
  @ValueSource(strings = {"example.com", "EXAMPLE.com.", "a-b.c-d.example", "xn--bcher-kva.example", "localhost",
      "x"})
  void acceptsValidDnsNames(String host) {
    assertThat(Hosts.dnsNameProblem(host)).isNull();
  }

  @ParameterizedTest(name = "{0}: {1}")
  @CsvSource(delimiter = '|', value = {
      "%31%32%37.0.0.1 | is percent-encoded",
      "exa%6dple.com | is percent-encoded",
      "１２７.０.０.１ | has non-ASCII characters; write it in ASCII ('127.0.0.1')",
      "ｌｏｃａｌｈｏｓｔ | has non-ASCII characters; write it in ASCII ('localhost')",
      "bücher.example | has non-ASCII characters; write it in ASCII ('xn--bcher-kva.example')",
      "ex_ample.com | has '_', which host names cannot contain",
      "a..b | has an empty label",
      ".example.com | has an empty label",
      "-a.example | has label '-a', which starts or ends with '-'",
      "a-.example | has label 'a-'",
  })
  void saysWhatIsWrongWithAnInvalidDnsName(String host, String problem) {
    assertThat(Hosts.dnsNameProblem(host)).contains(problem);
  }

  @ParameterizedTest(name = "{0}: {1}")
  @CsvSource(delimiter = '|', value = {
      "%31%32%37.0.0.1 | is percent-encoded",
      "１２７.０.０.１ | has non-ASCII characters",
      "1.2.3.4.5 | ends in a number, so resolvers read it as an IPv4 address, but it has 5 parts",
      "ex_ample.com | has '_'",
  })
  void problemSaysWhatIsWrongWithAHostCharactersFirst(String host, String problem) {
    assertThat(Hosts.problem(host)).contains(problem);
  }

  @ParameterizedTest(name = "{0} is a fine host")
  @ValueSource(strings = {"0x7f.1", "127.0.0.1.", "example.com", "2130706433"})
  void problemIsNullForAnIpv4AddressInAnySpellingOrADnsName(String host) {
    assertThat(Hosts.problem(host)).isNull();
  }

  @ParameterizedTest(name = "a name of {0} characters is refused")
  @ValueSource(ints = {254, 300})
  void refusesANameLongerThan253Characters(int length) {
    String name = ("a".repeat(62) + ".").repeat(5).substring(0, length);

    assertThat(Hosts.dnsNameProblem(name)).contains("a DNS name has at most 253");
  }

  @Test
  void refusesALabelLongerThan63Characters() {
    assertThat(Hosts.dnsNameProblem("x".repeat(63) + ".example")).isNull();
    assertThat(Hosts.dnsNameProblem("x".repeat(64) + ".example")).contains("a label of 64 characters");
  }
}
