package dev.lanyard.session;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * A hand-moved clock for core's own tests. (session-tck publishes MutableClock for adapters;
 * core's tests cannot depend on session-tck, which depends on core.)
 */
final class TestClock extends Clock {

    private volatile Instant now = Instant.parse("2026-01-01T09:00:00Z");

    void advance(Duration amount) {
        now = now.plus(amount);
    }

    @Override
    public Instant instant() {
        return now;
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }
}
