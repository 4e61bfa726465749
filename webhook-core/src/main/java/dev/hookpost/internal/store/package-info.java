/** The in-memory {@code DeliveryStore} and the delivery key it shares with the engine. Not exported. */
package dev.hookpost.internal.store;
