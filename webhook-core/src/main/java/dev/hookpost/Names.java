package dev.hookpost;

/** Validation of the names that travel on the wire: event types, event ids, subscription ids. */
final class Names {
  static final int MAX_LENGTH = 255;

  private Names() {}

  /**
   * Returns {@code value} when it is non-blank, at most 255 characters of
   * {@code [A-Za-z0-9_.-]}; otherwise throws an {@link IllegalArgumentException} naming
   * {@code field}.
   */
  static String require(String field, String value, String example) {
    if (value == null) {
      throw new IllegalArgumentException(field + " is required; pass a name such as '" + example + "'");
    }
    if (value.isBlank()) {
      throw new IllegalArgumentException(field + " must not be blank; pass a name such as '" + example + "'");
    }
    if (value.length() > MAX_LENGTH) {
      throw new IllegalArgumentException(field + " is " + value.length()
          + " characters long; at most " + MAX_LENGTH + " are allowed");
    }
    if (!allowed(value)) {
      throw new IllegalArgumentException(field + " '" + printable(value)
          + "' has a character outside [A-Za-z0-9_.-]; use only letters, digits, '_', '.' and '-' (e.g. '"
          + example + "')");
    }
    return value;
  }

  /**
   * Returns {@code value} when it is null (absent) or a non-blank key of at most 255 characters
   * without control characters (tenants, ordering keys: the application's own ids); otherwise
   * throws an {@link IllegalArgumentException} naming {@code field}.
   */
  static String requireKey(String field, String value, String example) {
    if (value == null) {
      return null;
    }
    if (value.isBlank()) {
      throw new IllegalArgumentException(field + " must not be blank; pass null for none, or an id such as '"
          + example + "'");
    }
    if (value.length() > MAX_LENGTH) {
      throw new IllegalArgumentException(field + " is " + value.length() + " characters long; at most "
          + MAX_LENGTH + " are allowed");
    }
    for (int i = 0; i < value.length(); i++) {
      if (Character.isISOControl(value.charAt(i))) {
        throw new IllegalArgumentException(field + " '" + printable(value) + "' holds a control character;"
            + " use printable text such as '" + example + "'");
      }
    }
    return value;
  }

  /** Whether every character is one of {@code [A-Za-z0-9_.-]} (a loop: a regex was a visible cost per send). */
  private static boolean allowed(String value) {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '.'
          || c == '-')) {
        return false;
      }
    }
    return true;
  }

  /** Shortens and escapes a user value for an error message. */
  static String printable(String value) {
    String cut = value.length() > 80 ? value.substring(0, 80) + "…" : value;
    StringBuilder sb = new StringBuilder(cut.length());
    for (char c : cut.toCharArray()) {
      if (c < 0x20 || c == 0x7f) {
        sb.append(String.format("\\u%04x", (int) c));
      } else {
        sb.append(c);
      }
    }
    return sb.toString();
  }
}
