package dev.hookpost.internal.engine;

import java.time.Duration;

/**
 * The publisher's tuning, validated by its builder (where each setting's default and range is
 * documented).
 *
 * @param maxPendingPerSubscription the most failing deliveries (pending after a failed attempt)
 *     one subscription may have; new ones past it end at once as given up
 * @param retention how long a durable store keeps ended deliveries ({@link Purger})
 */
public record EngineSettings(
    int maxConcurrencyPerEndpoint,
    double rateLimitPerEndpoint,
    int maxPendingPerSubscription,
    Duration blockWhenFull,
    int maxPayloadBytes,
    int disableAfterFailedDeliveries,
    Duration disableAfterFailingFor,
    Duration lease,
    Duration pollInterval,
    int maxInFlight,
    dev.hookpost.Retention retention) {}
