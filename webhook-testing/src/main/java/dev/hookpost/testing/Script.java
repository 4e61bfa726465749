package dev.hookpost.testing;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

/** Scripted answers: per-path queues first, then the global queue, then the default. Thread-safe. */
final class Script {
  private final Deque<Answer> global = new ArrayDeque<>();
  private final Map<String, Deque<Answer>> byPath = new HashMap<>();
  private Supplier<Answer> fallback = Answer::ok;

  synchronized void add(String path, Answer answer) {
    if (path == null) {
      global.add(answer);
    } else {
      byPath.computeIfAbsent(path, p -> new ArrayDeque<>()).add(answer);
    }
  }

  synchronized void fallback(Supplier<Answer> answers) {
    fallback = answers;
  }

  synchronized Answer next(String path) {
    Deque<Answer> forPath = byPath.get(path);
    if (forPath != null && !forPath.isEmpty()) {
      return forPath.poll();
    }
    Answer a = global.poll();
    if (a != null) {
      return a;
    }
    Answer next = fallback.get();
    if (next == null) {
      throw new IllegalStateException("the default answer supplier returned null");
    }
    return next;
  }

  synchronized void reset() {
    global.clear();
    byPath.clear();
    fallback = Answer::ok;
  }
}
