/**
 * OpenTelemetry tracing for Hookpost, on the OpenTelemetry API only:
 * {@link dev.hookpost.opentelemetry.HookpostTracing}.
 */
package dev.hookpost.opentelemetry;
