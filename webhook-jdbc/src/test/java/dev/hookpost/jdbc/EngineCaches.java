package dev.hookpost.jdbc;

import dev.hookpost.WebhookPublisher;
import java.lang.reflect.Field;
import java.lang.reflect.Method;

/**
 * Reads what a publisher's engine keeps in memory: its {@code cacheSizes()}, {waiting handles,
 * held claims}. The engine is internal (not exported), so this goes through reflection on the
 * publisher's private {@code engine} field; tests run on the class path, where that is allowed.
 */
final class EngineCaches {
  private EngineCaches() {}

  /** {sends' deliveries waited for, claims held}. */
  static int[] of(WebhookPublisher publisher) {
    try {
      Field field = WebhookPublisher.class.getDeclaredField("engine");
      field.setAccessible(true);
      Object engine = field.get(publisher);
      Method sizes = engine.getClass().getDeclaredMethod("cacheSizes");
      sizes.setAccessible(true);
      return (int[]) sizes.invoke(engine);
    } catch (ReflectiveOperationException | RuntimeException e) {
      throw new AssertionError("could not read the engine's cacheSizes() of " + publisher
          + "; did WebhookPublisher's field \"engine\" or Engine.cacheSizes() change?", e);
    }
  }
}
