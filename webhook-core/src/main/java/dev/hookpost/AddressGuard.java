package dev.hookpost;

import dev.hookpost.spi.EndpointRefusedException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Decides which IP addresses a transport may connect to, so that a webhook URL typed by a
 * stranger cannot reach the application's own network (SSRF).
 *
 * <p>{@link #publicOnly()}, the default of {@code OkHttpTransport}, refuses every address that
 * is not globally routable: loopback ({@code 127.0.0.0/8}, {@code ::1}), unspecified
 * ({@code 0.0.0.0/8}, {@code ::}), private ({@code 10/8}, {@code 172.16/12},
 * {@code 192.168/16}), link-local ({@code 169.254/16} with the cloud metadata service,
 * {@code fe80::/10}), CGNAT ({@code 100.64/10}), unique-local ({@code fc00::/7}), site-local
 * ({@code fec0::/10}), multicast, broadcast, benchmarking, documentation and reserved ranges,
 * and IPv6 forms that embed an IPv4 address (mapped, compatible, NAT64 {@code 64:ff9b::/96},
 * 6to4 {@code 2002::/16}) when the embedded address is refused; Teredo and the other
 * {@code 2001::/23} assignments are refused outright.
 *
 * <pre>{@code
 * AddressGuard guard = AddressGuard.publicOnly().allowing("10.20.0.0/16", "hooks.internal.example");
 * }</pre>
 *
 * <p>A transport must check every address a host resolves to and then connect only to an
 * address it checked, never resolving the name a second time. Immutable and thread-safe.
 */
public final class AddressGuard {
  private static final Pattern HOST = Pattern.compile("[A-Za-z0-9.-]+");
  private static final AddressGuard PUBLIC_ONLY = new AddressGuard(false, List.of(), Set.of());
  private static final AddressGuard ALLOW_ALL = new AddressGuard(true, List.of(), Set.of());

  private final boolean allowPrivate;
  private final List<Cidr> allowedRanges;
  private final Set<String> allowedHosts;

  private AddressGuard(boolean allowPrivate, List<Cidr> allowedRanges, Set<String> allowedHosts) {
    this.allowPrivate = allowPrivate;
    this.allowedRanges = allowedRanges;
    this.allowedHosts = allowedHosts;
  }

  /** Refuses every address that is not globally routable (the list above). The default. */
  public static AddressGuard publicOnly() {
    return PUBLIC_ONLY;
  }

  /**
   * Allows every address, private networks and loopback included. For endpoints the
   * application itself controls (tests, internal services); never for URLs users type in.
   */
  public static AddressGuard allowingPrivateNetworks() {
    return ALLOW_ALL;
  }

  /**
   * Returns a guard that also allows the given CIDR ranges ({@code 10.20.0.0/16},
   * {@code fd00:1::/64}), single addresses ({@code 127.0.0.1}) or host names
   * ({@code hooks.internal.example}, matched exactly, case-insensitively).
   *
   * @throws IllegalArgumentException naming an entry that is none of these
   */
  public AddressGuard allowing(String... hostsOrRanges) {
    List<Cidr> ranges = new ArrayList<>(allowedRanges);
    java.util.HashSet<String> hosts = new java.util.HashSet<>(allowedHosts);
    for (String entry : hostsOrRanges) {
      if (entry == null || entry.isBlank()) {
        throw new IllegalArgumentException("allowed entry must be a CIDR range, an IP address or a host name, was '"
            + entry + "'");
      }
      Cidr cidr = Cidr.parse(entry.trim());
      if (cidr != null) {
        ranges.add(cidr);
      } else if (entry.trim().matches("[\\d.]+")) {
        throw new IllegalArgumentException("allowed entry '" + Names.printable(entry) + "' is a number, not a host"
            + " name; write the address in full (e.g. 127.0.0.1) or as a range (127.0.0.0/8)");
      } else if (HOST.matcher(entry.trim()).matches()) {
        hosts.add(entry.trim().toLowerCase(Locale.ROOT));
      } else {
        throw new IllegalArgumentException("allowed entry '" + Names.printable(entry) + "' is not a CIDR range"
            + " (10.0.0.0/8), an IP address or a host name");
      }
    }
    return new AddressGuard(allowPrivate, List.copyOf(ranges), Set.copyOf(hosts));
  }

  /**
   * Checks one resolved address of {@code host}.
   *
   * @throws EndpointRefusedException naming the host, the address, why it is refused, and how to
   *     allow it
   */
  public void check(String host, InetAddress address) {
    if (allowPrivate || allowedHosts.contains(host.toLowerCase(Locale.ROOT))) {
      return;
    }
    for (Cidr range : allowedRanges) {
      if (range.contains(address)) {
        return;
      }
    }
    String why = refusalReason(address);
    if (why != null) {
      throw new EndpointRefusedException("refused to connect to " + host + " (" + address.getHostAddress()
          + "): " + why + " addresses are not allowed by default; allow it with"
          + " AddressGuard.publicOnly().allowing(\"" + address.getHostAddress() + "\") if the endpoint is yours");
    }
  }

  /**
   * Checks a URL's host before anything is resolved. An IP address, in any spelling resolvers
   * accept, is parsed here and checked like a resolved address: IPv6, and IPv4 as
   * {@code 127.0.0.1}, {@code 127.1}, {@code 2130706433}, {@code 0x7f000001}, {@code 0177.0.0.1},
   * {@code 0x7f.1}, each also with a trailing dot. A DNS name is left to the resolver.
   *
   * @return the address to connect to, or empty when {@code host} is a DNS name (each address it
   *     resolves to must then pass {@link #check}). Connect to this address, never to what the
   *     host text parses to elsewhere: Java reads {@code 0177.0.0.1} as decimal, and
   *     {@code 0x7f000001} not at all, sending it to DNS
   * @throws EndpointRefusedException if the address is refused, or {@code host} ends in a number
   *     (so resolvers read it as an IPv4 address) but is none, or is a malformed IPv6 address
   */
  public Optional<InetAddress> checkHost(String host) {
    InetAddress address;
    if (host.indexOf(':') >= 0) {
      try { // in brackets, Java parses the literal and never asks DNS
        address = InetAddress.getByName(host.startsWith("[") ? host : "[" + host + "]");
      } catch (UnknownHostException e) {
        throw new EndpointRefusedException("refused host " + host + ": not an IPv6 address");
      }
    } else {
      byte[] ipv4;
      try {
        ipv4 = Hosts.parseIpv4(host);
      } catch (IllegalArgumentException e) {
        throw new EndpointRefusedException("refused host " + host + ": it " + e.getMessage()
            + "; write the address as a.b.c.d, or use a DNS name");
      }
      if (ipv4 == null) {
        return Optional.empty();
      }
      try {
        address = InetAddress.getByAddress(ipv4);
      } catch (UnknownHostException e) {
        throw new AssertionError("four bytes are an IPv4 address", e);
      }
    }
    check(host, address);
    return Optional.of(address);
  }

  /** Why {@code address} is not public, or null when it is globally routable. */
  static String refusalReason(InetAddress address) {
    byte[] b = address.getAddress();
    if (address instanceof Inet4Address) {
      return ipv4Reason(b, 0);
    }
    if (address instanceof Inet6Address) {
      return ipv6Reason(b);
    }
    return "unknown kind of";
  }

  private static String ipv4Reason(byte[] b, int o) {
    int a0 = b[o] & 0xff;
    int a1 = b[o + 1] & 0xff;
    int a2 = b[o + 2] & 0xff;
    int a3 = b[o + 3] & 0xff;
    if (a0 == 0) {
      return "'this network' (0.0.0.0/8)";
    }
    if (a0 == 10) {
      return "private (10.0.0.0/8)";
    }
    if (a0 == 100 && (a1 & 0xc0) == 64) {
      return "carrier-grade NAT (100.64.0.0/10)";
    }
    if (a0 == 127) {
      return "loopback (127.0.0.0/8)";
    }
    if (a0 == 169 && a1 == 254) {
      return "link-local (169.254.0.0/16, cloud metadata)";
    }
    if (a0 == 172 && (a1 & 0xf0) == 16) {
      return "private (172.16.0.0/12)";
    }
    if (a0 == 192 && a1 == 0 && a2 == 0) {
      return "IETF protocol assignment (192.0.0.0/24)";
    }
    if (a0 == 192 && a1 == 0 && a2 == 2) {
      return "documentation (192.0.2.0/24)";
    }
    if (a0 == 192 && a1 == 88 && a2 == 99) {
      return "6to4 relay anycast (192.88.99.0/24)";
    }
    if (a0 == 192 && a1 == 168) {
      return "private (192.168.0.0/16)";
    }
    if (a0 == 198 && (a1 & 0xfe) == 18) {
      return "benchmarking (198.18.0.0/15)";
    }
    if (a0 == 198 && a1 == 51 && a2 == 100) {
      return "documentation (198.51.100.0/24)";
    }
    if (a0 == 203 && a1 == 0 && a2 == 113) {
      return "documentation (203.0.113.0/24)";
    }
    if ((a0 & 0xf0) == 224) {
      return "multicast (224.0.0.0/4)";
    }
    if (a0 == 255 && a1 == 255 && a2 == 255 && a3 == 255) {
      return "broadcast (255.255.255.255)";
    }
    if ((a0 & 0xf0) == 240) {
      return "reserved (240.0.0.0/4)";
    }
    return null;
  }

  private static String ipv6Reason(byte[] b) {
    boolean first10Zero = true;
    for (int i = 0; i < 10; i++) {
      first10Zero &= b[i] == 0;
    }
    if (first10Zero && (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff) {
      String inner = ipv4Reason(b, 12);
      return inner == null ? null : "IPv4-mapped " + inner;
    }
    if (first10Zero && b[10] == 0 && b[11] == 0) {
      boolean first15Zero = true;
      for (int i = 10; i < 15; i++) {
        first15Zero &= b[i] == 0;
      }
      if (first15Zero && b[15] == 0) {
        return "unspecified (::)";
      }
      if (first15Zero && b[15] == 1) {
        return "loopback (::1)";
      }
      return "IPv4-compatible (::/96, deprecated)";
    }
    int w0 = ((b[0] & 0xff) << 8) | (b[1] & 0xff);
    int w1 = ((b[2] & 0xff) << 8) | (b[3] & 0xff);
    int w2 = ((b[4] & 0xff) << 8) | (b[5] & 0xff);
    boolean first8Zero = true;
    for (int i = 0; i < 8; i++) {
      first8Zero &= b[i] == 0;
    }
    if (first8Zero && (b[8] & 0xff) == 0xff && (b[9] & 0xff) == 0xff && b[10] == 0 && b[11] == 0) {
      String inner = ipv4Reason(b, 12);
      return inner == null ? null : "IPv4-translated (::ffff:0:0/96) " + inner;
    }
    if (w0 == 0x64 && w1 == 0xff9b) {
      boolean wellKnown = true;
      for (int i = 4; i < 12; i++) {
        wellKnown &= b[i] == 0;
      }
      if (wellKnown) {
        String inner = ipv4Reason(b, 12);
        return inner == null ? null : "NAT64 (64:ff9b::/96) of " + inner;
      }
      return w2 == 1 ? "local-use NAT64 (64:ff9b:1::/48)" : "NAT64 translation (64:ff9b::/32)";
    }
    if (w0 == 0x0100 && w1 == 0 && w2 == 0 && b[6] == 0 && b[7] == 0) {
      return "discard-only (100::/64)";
    }
    if (w0 == 0x2001 && (w1 & 0xfe00) == 0) {
      return "IETF protocol assignment incl. Teredo (2001::/23)";
    }
    if (w0 == 0x2001 && w1 == 0x0db8) {
      return "documentation (2001:db8::/32)";
    }
    if (w0 == 0x3fff && (w1 & 0xf000) == 0) {
      return "documentation (3fff::/20)";
    }
    if (w0 == 0x2002) {
      String inner = ipv4Reason(b, 2);
      return inner == null ? null : "6to4 (2002::/16) of " + inner;
    }
    if ((w0 & 0xfe00) == 0xfc00) {
      return "unique-local (fc00::/7)";
    }
    if ((w0 & 0xffc0) == 0xfe80) {
      return "link-local (fe80::/10)";
    }
    if ((w0 & 0xffc0) == 0xfec0) {
      return "site-local (fec0::/10, deprecated)";
    }
    if ((w0 & 0xff00) == 0xff00) {
      return "multicast (ff00::/8)";
    }
    return null;
  }

  @Override
  public String toString() {
    return allowPrivate ? "AddressGuard[allow all]"
        : "AddressGuard[public only" + (allowedRanges.isEmpty() && allowedHosts.isEmpty() ? ""
            : ", also " + allowedRanges + " " + allowedHosts) + "]";
  }

  /** An address range; a single address is a range of its full length. */
  private record Cidr(byte[] network, int prefix, String text) {
    private static final Pattern LITERAL = Pattern.compile("[0-9A-Fa-f:.]+(/\\d{1,3})?");

    static Cidr parse(String s) {
      if (!LITERAL.matcher(s).matches() || (!s.contains(":") && !s.matches("\\d{1,3}(\\.\\d{1,3}){3}(/\\d+)?"))) {
        return null;
      }
      String[] parts = s.split("/", 2);
      if (!s.contains(":")) {
        for (String octet : parts[0].split("\\.")) {
          if (Integer.parseInt(octet) > 255) {
            // else InetAddress.getByName would look the "literal" up in DNS, and a typo such as
            // 10.0.0.256 would silently become a host name that never matches
            throw new IllegalArgumentException("allowed entry '" + s + "' is not an IPv4 address: each of its"
                + " four parts must be 0 to 255");
          }
        }
      }
      byte[] addr;
      try {
        addr = InetAddress.getByName(parts[0]).getAddress(); // a literal: no DNS lookup
      } catch (UnknownHostException e) {
        return null;
      }
      int prefix = parts.length == 2 ? Integer.parseInt(parts[1]) : addr.length * 8;
      if (prefix > addr.length * 8) {
        throw new IllegalArgumentException("allowed range '" + s + "' has prefix /" + prefix + "; at most /"
            + addr.length * 8 + " for this address family");
      }
      return new Cidr(addr, prefix, s);
    }

    boolean contains(InetAddress address) {
      byte[] a = address.getAddress();
      if (a.length != network.length) {
        return false;
      }
      int full = prefix / 8;
      for (int i = 0; i < full; i++) {
        if (a[i] != network[i]) {
          return false;
        }
      }
      int rest = prefix % 8;
      if (rest == 0) {
        return true;
      }
      int mask = (0xff << (8 - rest)) & 0xff;
      return (a[full] & mask) == (network[full] & mask);
    }

    @Override
    public String toString() {
      return text;
    }
  }
}
