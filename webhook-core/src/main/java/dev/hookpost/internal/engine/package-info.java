/**
 * The delivery engine behind {@code WebhookPublisher}, in parts with one job each (see
 * ARCHITECTURE.md at the project root). Not exported by the module: nothing here is API.
 */
package dev.hookpost.internal.engine;
