package dev.hookpost.testing;

import dev.hookpost.DeliveryOutcome;
import dev.hookpost.Subscription;
import dev.hookpost.testing.PublisherReports.AttemptSeen;
import dev.hookpost.testing.PublisherReports.Snapshot;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;

/**
 * Why a wait on the fake receiver failed, in words: what the receiver saw, what the publisher
 * reported to {@link FakeWebhookReceiver#listener()}, and the likely causes with their fixes, those
 * the reports point at first, then the rest in order of how often they happen. Pure functions.
 */
final class Diagnosis {
  /** At most this many reports are quoted; the rest are counted. */
  static final int MAX_QUOTED = 10;

  private Diagnosis() {}

  /**
   * The explanation appended when nothing at all arrived.
   *
   * @param receiverUrl the receiver's default URL, e.g. {@code http://127.0.0.1:49152/webhooks}
   * @param connections how many connections the receiver accepted
   */
  static String nothingArrived(String receiverUrl, int connections, Snapshot reports) {
    StringBuilder sb = new StringBuilder();
    sb.append("\nThe receiver at ").append(receiverUrl).append(connections == 0
        ? " saw no connection at all: nothing reached it."
        : " accepted " + connections + " connection(s) but no complete HTTP request on them.");
    sb.append(quote(reports));
    String origin = origin(receiverUrl);
    String rejected = first(reports, DeliveryOutcome.Rejected.class);
    String elsewhere = elsewhere(reports, origin);
    String abandoned = first(reports, DeliveryOutcome.Abandoned.class);
    boolean silent = reports.handedOut() && reports.attempts().isEmpty() && reports.outcomes().isEmpty();
    List<String> seen = new ArrayList<>();
    List<String> others = new ArrayList<>();
    (rejected != null ? seen : others).add("The publisher's address guard refused 127.0.0.1, where the receiver"
        + " listens: transports refuse loopback addresses by default" + evidence(rejected) + ". Fix: build the"
        + " publisher with receiver.publisher(), or give its transport receiver.addressGuard(), e.g."
        + " OkHttpTransport.builder().addressGuard(receiver.addressGuard()).build().");
    (elsewhere != null ? seen : others).add("The subscription points at another URL than the receiver's "
        + receiverUrl + evidence(elsewhere) + ". Fix: use receiver.subscription(), or receiver.subscription(path)"
        + " for another path on the receiver.");
    (abandoned != null ? seen : others).add("The publisher was closed before the attempt" + evidence(abandoned)
        + ". Fix: keep it open until the wait returns (close it after the await, e.g. at the end of its"
        + " try-with-resources block).");
    (silent ? seen : others).add("The subscription's event types do not match the event's type, so no delivery"
        + " was made" + (silent ? " (seen above: the publisher reported no attempt and no outcome)" : "")
        + ". Fix: leave eventTypes unset, or add the type (or a pattern such as \"order.*\") to them.");
    sb.append("\nLikely causes, most likely first:");
    int n = 1;
    for (String cause : seen) {
      sb.append("\n  ").append(n++).append(". ").append(cause);
    }
    for (String cause : others) {
      sb.append("\n  ").append(n++).append(". ").append(cause);
    }
    return sb.toString();
  }

  /** What the publisher reported, for a wait that got some deliveries but not the ones expected; "" if nothing. */
  static String reported(Snapshot reports) {
    boolean onlyDelivered = reports.outcomes().stream().allMatch(o -> o instanceof DeliveryOutcome.Delivered);
    return onlyDelivered ? "" : quote(reports);
  }

  private static String quote(Snapshot reports) {
    if (!reports.handedOut()) {
      return "\nThe publisher was not given receiver.listener() (or was given it before the receiver's last reset"
          + " and has reported nothing since), so what it did is unknown here; build it with receiver.publisher()"
          + " (which adds the listener) or add .listener(receiver.listener()), and this message will quote its"
          + " attempts and outcomes.";
    }
    List<String> lines = new ArrayList<>();
    for (DeliveryOutcome o : reports.outcomes()) {
      lines.add(describe(o));
    }
    for (AttemptSeen a : reports.attempts()) {
      if (!ended(reports, a)) { // an ended delivery's outcome says it already
        lines.add(describe(a));
      }
    }
    if (lines.isEmpty()) {
      return "\nThe publisher (through receiver.listener()) reported no attempt and no outcome.";
    }
    StringBuilder sb = new StringBuilder("\nThe publisher reported (through receiver.listener()):");
    for (int i = 0; i < Math.min(MAX_QUOTED, lines.size()); i++) {
      sb.append("\n  - ").append(lines.get(i));
    }
    if (lines.size() > MAX_QUOTED) {
      sb.append("\n  - … and ").append(lines.size() - MAX_QUOTED).append(" more");
    }
    return sb.toString();
  }

  private static boolean ended(Snapshot reports, AttemptSeen a) {
    return reports.outcomes().stream()
        .anyMatch(o -> o.eventId().equals(a.eventId()) && endpoint(o.subscription()).equals(a.endpoint()));
  }

  static String describe(AttemptSeen a) {
    return "attempt at event " + a.eventId() + " to " + a.endpoint() + ": " + a.result();
  }

  /** e.g. "Rejected event evt_1 to http://127.0.0.1:1234/webhooks", as a cause's evidence. */
  static String head(DeliveryOutcome o) {
    return o.getClass().getSimpleName() + " event " + o.eventId() + " to " + endpoint(o.subscription());
  }

  /** e.g. "Rejected event evt_1 to http://127.0.0.1:1234/webhooks after 0 attempts: refused to connect ...". */
  static String describe(DeliveryOutcome o) {
    String head = head(o) + " after " + o.attempts() + " attempt(s)";
    if (o instanceof DeliveryOutcome.Delivered d) {
      return head + ": HTTP " + d.status();
    } else if (o instanceof DeliveryOutcome.GaveUp g) {
      return head + ": " + g.reason();
    } else if (o instanceof DeliveryOutcome.Rejected r) {
      return head + ": " + r.reason();
    } else if (o instanceof DeliveryOutcome.Skipped s) {
      return head + ": " + s.reason();
    }
    return head + ": " + ((DeliveryOutcome.Abandoned) o).reason();
  }

  /** The endpoint without its query (which may carry a token), e.g. {@code http://127.0.0.1:1234/webhooks}. */
  static String endpoint(Subscription s) {
    URI u = s.endpoint();
    return u.getScheme() + "://" + u.getRawAuthority() + (u.getRawPath() == null ? "" : u.getRawPath());
  }

  private static String origin(String url) {
    URI u = URI.create(url);
    return u.getScheme() + "://" + u.getRawAuthority() + "/";
  }

  private static String first(Snapshot reports, Class<? extends DeliveryOutcome> kind) {
    return reports.outcomes().stream().filter(kind::isInstance).findFirst().map(Diagnosis::head).orElse(null);
  }

  private static String elsewhere(Snapshot reports, String origin) {
    for (DeliveryOutcome o : reports.outcomes()) {
      if (!(endpoint(o.subscription()) + "/").startsWith(origin)) {
        return head(o);
      }
    }
    for (AttemptSeen a : reports.attempts()) {
      if (!(a.endpoint() + "/").startsWith(origin)) {
        return describe(a);
      }
    }
    return null;
  }

  private static String evidence(String seen) {
    return seen == null ? "" : " (seen above: " + seen + ")";
  }
}
