package dev.hookpost;

import java.time.Duration;

/** The publisher's tuning, validated by its builder. */
record EngineSettings(
    int maxConcurrencyPerEndpoint,
    double rateLimitPerEndpoint,
    int maxPendingDeliveries,
    int maxPendingPerSubscription,
    Duration blockWhenFull,
    int maxPayloadBytes,
    int disableAfterFailedDeliveries,
    Duration disableAfterFailingFor,
    Duration lease,
    Duration pollInterval,
    int maxInFlight) {}
