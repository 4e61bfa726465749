/** Micrometer meters for Hookpost: {@code dev.hookpost.micrometer.HookpostMetrics}. */
module dev.hookpost.micrometer {
  requires transitive dev.hookpost.core;
  requires transitive micrometer.core;

  exports dev.hookpost.micrometer;
}
