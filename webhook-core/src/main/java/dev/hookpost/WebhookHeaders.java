package dev.hookpost;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Locale;
import java.util.Properties;
import java.util.Set;

/** The HTTP header names of the Standard Webhooks wire format, in their canonical lower case. */
public final class WebhookHeaders {
  /** The message id; the same for every attempt and every subscription of one event. */
  public static final String ID = "webhook-id";
  /** The attempt's time in Unix seconds, part of the signed content. */
  public static final String TIMESTAMP = "webhook-timestamp";
  /** One or more space-separated {@code v1,<base64>} (HMAC) or {@code v1a,<base64>} (Ed25519) signatures. */
  public static final String SIGNATURE = "webhook-signature";

  /** {@code content-type}; every request's is {@link #JSON}. */
  public static final String CONTENT_TYPE = "content-type";
  /** {@code user-agent}; every request's is {@link #USER_AGENT_VALUE}. */
  public static final String USER_AGENT = "user-agent";
  /** {@code application/json}, the body's media type. */
  public static final String JSON = "application/json";

  /** Names an application may not set on a subscription, because the library owns them. */
  static final Set<String> RESERVED =
      Set.of(CONTENT_TYPE, USER_AGENT, "content-length", "content-encoding", "host", "transfer-encoding",
          "connection", "te", "trailer", "upgrade", "expect", "keep-alive");

  /** The {@code user-agent} every request carries: {@code Hookpost/<version>}. */
  public static final String USER_AGENT_VALUE = "Hookpost/" + version();

  private WebhookHeaders() {}

  static boolean isReserved(String name) {
    String n = name.toLowerCase(Locale.ROOT);
    return RESERVED.contains(n) || n.startsWith("webhook-") || n.startsWith("proxy-");
  }

  private static String version() {
    Properties props = new Properties();
    try (InputStream in = WebhookHeaders.class.getResourceAsStream("hookpost.properties")) {
      if (in != null) {
        props.load(in);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return props.getProperty("version", "dev");
  }
}
