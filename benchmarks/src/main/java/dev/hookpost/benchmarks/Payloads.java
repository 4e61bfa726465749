package dev.hookpost.benchmarks;

import java.util.LinkedHashMap;
import java.util.Map;

/** The shared event data of every benchmark: a map that makes a ~1 KiB JSON envelope. */
final class Payloads {
  private Payloads() {}

  static Map<String, Object> oneKib(int n) {
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("orderId", "A-" + n);
    data.put("customer", "customer-" + (n % 1000));
    data.put("currency", "EUR");
    data.put("totalCents", 129_900 + n % 100);
    data.put("note", "x".repeat(880));
    return data;
  }
}
