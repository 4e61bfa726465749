package dev.hookpost;

import java.net.IDN;

/**
 * What the host of an endpoint URL is: an IPv4 address in any spelling a resolver accepts, or a
 * DNS name, and what is wrong with it when it is neither. Pure functions.
 *
 * <p>IPv4 spellings follow {@code inet_aton} and the WHATWG URL standard, which browsers, curl and
 * the C library share: one to four parts separated by dots, each decimal, hex ({@code 0x7f}) or
 * octal (a leading {@code 0}: {@code 0177}); the last part fills the bytes left
 * ({@code 127.1} is {@code 127.0.0.1}, {@code 2130706433} too); one trailing dot is allowed. Java's
 * own parser knows only decimal, so a transport must connect to the address parsed here, never
 * to what Java or a resolver makes of the text.
 */
final class Hosts {
  private Hosts() {}

  /**
   * Parses {@code host} as an IPv4 address in any spelling above.
   *
   * @return the four bytes, or null when {@code host} does not end in a number (then it is a name)
   * @throws IllegalArgumentException when it ends in a number but is no IPv4 address (resolvers
   *     and browsers read it as one and fail, or worse, disagree); the message says why
   */
  static byte[] parseIpv4(String host) {
    String text = host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
    String[] parts = text.split("\\.", -1);
    if (!isNumber(parts[parts.length - 1])) {
      return null;
    }
    if (parts.length > 4) {
      throw new IllegalArgumentException("ends in a number, so resolvers read it as an IPv4 address, but it has "
          + parts.length + " parts; an IPv4 address has at most 4");
    }
    long[] values = new long[parts.length];
    for (int i = 0; i < parts.length; i++) {
      values[i] = number(parts[i]);
      if (values[i] < 0) {
        throw new IllegalArgumentException("ends in a number, so resolvers read it as an IPv4 address, but part '"
            + parts[i] + "' is not a decimal, hex (0x..) or octal (0..) number");
      }
      long max = i < parts.length - 1 ? 255 : (1L << (8 * (5 - parts.length))) - 1;
      if (values[i] > max) {
        throw new IllegalArgumentException("ends in a number, so resolvers read it as an IPv4 address, but part '"
            + parts[i] + "' is more than " + max);
      }
    }
    long address = 0;
    for (int i = 0; i < parts.length - 1; i++) {
      address |= values[i] << (8 * (3 - i));
    }
    address |= values[parts.length - 1];
    return new byte[] {(byte) (address >>> 24), (byte) (address >>> 16), (byte) (address >>> 8), (byte) address};
  }

  /** Whether {@code part} is what WHATWG calls a number: ASCII digits, or {@code 0x} and hex digits. */
  private static boolean isNumber(String part) {
    int from = part.startsWith("0x") || part.startsWith("0X") ? 2 : 0;
    if (from == 0 && part.isEmpty()) {
      return false;
    }
    for (int i = from; i < part.length(); i++) {
      char c = part.charAt(i);
      boolean digit = c >= '0' && c <= '9';
      if (!(digit || (from == 2 && ((c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))))) {
        return false;
      }
    }
    return true;
  }

  /** The value of one part (decimal, {@code 0x} hex or {@code 0} octal), or -1 if it is none; capped past 2^32. */
  private static long number(String part) {
    int radix = 10;
    String digits = part;
    if (part.length() >= 2 && (part.startsWith("0x") || part.startsWith("0X"))) {
      radix = 16;
      digits = part.substring(2);
      if (digits.isEmpty()) {
        return 0; // "0x" alone is 0 to inet_aton and WHATWG alike
      }
    } else if (part.length() >= 2 && part.charAt(0) == '0') {
      radix = 8;
      digits = part.substring(1);
    }
    if (digits.isEmpty()) {
      return -1;
    }
    long value = 0;
    for (int i = 0; i < digits.length(); i++) {
      int d = Character.digit(digits.charAt(i), radix);
      if (d < 0 || digits.charAt(i) > 'f') { // Character.digit accepts full-width and other non-ASCII digits
        return -1;
      }
      value = Math.min(value * radix + d, 1L << 40);
    }
    return value;
  }

  /**
   * What is wrong with {@code host} as a URL's host, or null when it is an IPv4 address in any
   * spelling above or a valid DNS name (IPv6 literals are not asked about).
   */
  static String problem(String host) {
    String characters = characterProblem(host);
    if (characters != null) {
      return characters;
    }
    try {
      return parseIpv4(host) != null ? null : dnsNameProblem(host);
    } catch (IllegalArgumentException e) {
      return e.getMessage();
    }
  }

  /** Percent-encoding or non-ASCII characters, which a host must not be written in; else null. */
  private static String characterProblem(String host) {
    if (host.indexOf('%') >= 0) {
      return "is percent-encoded; write the host name in plain characters";
    }
    for (int i = 0; i < host.length(); i++) {
      if (host.charAt(i) > 0x7f) {
        return "has non-ASCII characters; write it in ASCII" + asciiForm(host);
      }
    }
    return null;
  }

  /**
   * What is wrong with {@code host} as a DNS name (RFC 1123: labels of letters, digits and
   * hyphens, not starting or ending with a hyphen, 1 to 63 characters, 253 in all, one trailing
   * dot allowed), or null when nothing is.
   */
  static String dnsNameProblem(String host) {
    String characters = characterProblem(host);
    if (characters != null) {
      return characters;
    }
    String name = host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
    if (name.length() > 253) {
      return "is " + name.length() + " characters long; a DNS name has at most 253";
    }
    for (String label : name.split("\\.", -1)) {
      if (label.isEmpty()) {
        return "has an empty label (two dots in a row, or a leading dot)";
      }
      if (label.length() > 63) {
        return "has a label of " + label.length() + " characters; at most 63 are allowed";
      }
      if (label.startsWith("-") || label.endsWith("-")) {
        return "has label '" + label + "', which starts or ends with '-'";
      }
      for (int i = 0; i < label.length(); i++) {
        char c = label.charAt(i);
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-')) {
          return "has '" + c + "', which host names cannot contain; use letters, digits, '-' and '.'";
        }
      }
    }
    return null;
  }

  /** " ('xn--...')" when IDNA maps {@code host} to ASCII (full-width digits, Unicode names), else "". */
  private static String asciiForm(String host) {
    try {
      return " ('" + IDN.toASCII(host, IDN.ALLOW_UNASSIGNED) + "')";
    } catch (IllegalArgumentException e) {
      return "";
    }
  }
}
