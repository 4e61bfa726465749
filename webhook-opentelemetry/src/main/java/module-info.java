/** OpenTelemetry tracing for Hookpost: {@code dev.hookpost.opentelemetry.HookpostTracing}. */
module dev.hookpost.opentelemetry {
  requires transitive dev.hookpost.core;
  requires transitive io.opentelemetry.api;
  requires io.opentelemetry.context;

  exports dev.hookpost.opentelemetry;
}
