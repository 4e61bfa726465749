package dev.hookpost;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * Reads a subscription's endpoint: an absolute http(s) URL without credentials or fragment, whose
 * host is an IP address (in any spelling: the transport's guard checks it) or a valid DNS name.
 * Every refusal names what is wrong and the fix. Pure; thread-safe.
 */
final class Endpoints {
  private Endpoints() {}

  /**
   * The endpoint as a URI.
   *
   * @throws IllegalArgumentException naming the problem: missing, not a URL, another scheme,
   *     credentials, a fragment, no host, a bad port, or a host that is not a valid name
   */
  static URI parse(String url) {
    String fix = "; use an absolute http(s) URL such as https://example.com/webhooks";
    if (url == null || url.isBlank()) {
      throw new IllegalArgumentException("endpoint is required" + fix);
    }
    URI uri;
    try {
      uri = new URI(url.trim());
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("endpoint '" + Names.printable(url) + "' is not a valid URL ("
          + e.getReason() + ")" + fix, e);
    }
    String scheme = uri.getScheme() == null ? null : uri.getScheme().toLowerCase(Locale.ROOT);
    if (scheme == null || !(scheme.equals("http") || scheme.equals("https"))) {
      throw new IllegalArgumentException("endpoint '" + Names.printable(url) + "' has scheme '"
          + uri.getScheme() + "'; only http and https are allowed" + fix);
    }
    if (uri.getRawUserInfo() != null) {
      throw new IllegalArgumentException("endpoint must not carry credentials (user:password@); send them"
          + " with .header(\"Authorization\", ...) instead");
    }
    checkAuthority(url, uri, fix);
    if (uri.getRawFragment() != null) {
      throw new IllegalArgumentException("endpoint '" + Names.printable(url) + "' has a #fragment, which"
          + " is never sent; remove it");
    }
    return uri;
  }

  /**
   * Checks the host and port. {@link URI} reads its own, narrower grammar: for {@code 127.1},
   * {@code 0x7f.1}, {@code 127.0.0.1.}, {@code ex_ample.com}, {@code %41.com} or a non-ASCII
   * host it finds no host at all, only a raw authority, which is read here instead so that the
   * message says what is wrong with the host. IPv4 addresses in any spelling pass: the
   * transport's {@link AddressGuard#checkHost} parses and checks them.
   */
  private static void checkAuthority(String url, URI uri, String fix) {
    String authority = uri.getRawAuthority();
    if (authority == null || authority.isEmpty()) {
      throw new IllegalArgumentException("endpoint '" + Names.printable(url) + "' has no host" + fix);
    }
    String host = uri.getHost();
    int port = uri.getPort();
    if (host == null) { // a registry-based authority: URI parsed no user info, host or port
      if (authority.indexOf('@') >= 0) {
        throw new IllegalArgumentException("endpoint must not carry credentials (user:password@); send them"
            + " with .header(\"Authorization\", ...) instead");
      }
      int colon = authority.lastIndexOf(':');
      host = colon < 0 ? authority : authority.substring(0, colon);
      if (colon >= 0) {
        String digits = authority.substring(colon + 1);
        if (!digits.matches("[0-9]{1,5}")) {
          throw new IllegalArgumentException("endpoint port '" + Names.printable(digits) + "' is not a number"
              + fix);
        }
        port = Integer.parseInt(digits);
      }
    }
    if (host.isEmpty()) {
      throw new IllegalArgumentException("endpoint '" + Names.printable(url) + "' has no host" + fix);
    }
    if (port != -1 && (port < 1 || port > 65_535)) {
      throw new IllegalArgumentException("endpoint port " + port + " is outside 1..65535" + fix);
    }
    if (host.startsWith("[")) {
      return; // URI validated the IPv6 literal
    }
    String problem = Hosts.problem(host);
    if (problem != null) {
      throw new IllegalArgumentException("endpoint host '" + Names.printable(host) + "' " + problem + fix);
    }
  }
}
