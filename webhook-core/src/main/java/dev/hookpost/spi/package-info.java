/**
 * What integrators implement: {@link dev.hookpost.spi.Transport} (how a request goes out; the
 * {@code webhook-okhttp} module has the production one) and {@link dev.hookpost.spi.DeliveryStore}
 * (where deliveries live; {@code webhook-jdbc} has the durable one), with the types they exchange.
 *
 * <p>A store is the one truth about a delivery: its {@link dev.hookpost.spi.DeliveryState} changes
 * only as that enum allows, and a change that succeeds is what lets exactly one publisher report
 * the delivery's outcome. Implementations must be thread-safe.
 */
package dev.hookpost.spi;
