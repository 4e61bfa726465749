package dev.hookpost.internal.engine;

import dev.hookpost.DeliveryListener;
import dev.hookpost.DeliveryOutcome;
import dev.hookpost.RetryPolicy;
import dev.hookpost.Signer;
import dev.hookpost.Subscription;
import dev.hookpost.WebhookPublisher;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Builds publishers on manual time and a scripted transport, and records what listeners hear. */
class EngineFixture {
  static final String SECRET = Signer.generateSecret();
  final ManualTime time = new ManualTime();
  final ScriptedTransport transport = new ScriptedTransport();
  final List<DeliveryOutcome> heard = new CopyOnWriteArrayList<>();
  final DeliveryListener recorder = new DeliveryListener() {
    @Override
    public void onOutcome(DeliveryOutcome outcome) {
      heard.add(outcome);
    }
  };

  static Subscription sub(String id) {
    return Subscription.builder().id(id).endpoint("https://" + id + ".example/hooks").secret(SECRET).build();
  }

  WebhookPublisher.Builder builder() {
    return WebhookPublisher.builder().transport(transport).clock(time.clock()).scheduler(time.scheduler())
        .retryPolicy(RetryPolicy.fixedSchedule(Duration.ofSeconds(5), Duration.ofSeconds(5))).listener(recorder)
        .shutdownTimeout(Duration.ZERO);
  }

  /** The engine behind a publisher, for its cache sizes. */
  static Engine engineOf(WebhookPublisher publisher) {
    try {
      var field = WebhookPublisher.class.getDeclaredField("engine");
      field.setAccessible(true);
      return (Engine) field.get(publisher);
    } catch (ReflectiveOperationException e) {
      throw new AssertionError(e);
    }
  }
}
