package dev.hookpost.examples.spring.shipping;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hookpost.spring.VerifiedWebhook;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * Receives {@code order.created} webhooks. The starter's filter verified each one before this
 * runs (a forged or stale request is answered 401 and never gets here). Deliveries are
 * at-least-once, so it deduplicates on {@code webhook-id}. Its first answer is a 503, to show
 * the shop retrying.
 */
@RestController
public class ShippingController {
  private final AtomicInteger requests = new AtomicInteger();
  private final Set<String> seen = ConcurrentHashMap.newKeySet();
  private final List<String> orders = new CopyOnWriteArrayList<>();

  @PostMapping("/webhooks/orders")
  public ResponseEntity<Void> orderCreated(VerifiedWebhook webhook, @RequestBody JsonNode envelope) {
    if (requests.incrementAndGet() == 1) {
      System.out.printf("shipping: %s arrived verified; answering 503 (busy) so the shop retries%n", webhook.id());
      return ResponseEntity.status(503).build();
    }
    if (seen.add(webhook.id())) {
      String orderId = envelope.at("/data/orderId").asText();
      orders.add(orderId);
      System.out.printf("shipping: verified %s: ship order %s%n", webhook.id(), orderId);
    }
    return ResponseEntity.noContent().build();
  }

  /** How many requests reached this controller. */
  public int requests() {
    return requests.get();
  }

  /** The orders to ship, once each. */
  public List<String> orders() {
    return List.copyOf(orders);
  }
}
