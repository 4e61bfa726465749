/**
 * Micrometer meters for Hookpost, registered by one listener:
 * {@link dev.hookpost.micrometer.HookpostMetrics}.
 */
package dev.hookpost.micrometer;
