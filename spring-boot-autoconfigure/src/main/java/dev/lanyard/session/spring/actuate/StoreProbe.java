package dev.lanyard.session.spring.actuate;

import dev.lanyard.session.SessionHandle;
import dev.lanyard.session.spi.SessionStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * Asks the session store whether it answers, by reading a session handle that never exists: one round trip,
 * bounded by the store's own command timeout, no write. Independent of Spring Boot's health API (which moved
 * between Boot 3 and Boot 4), so an application on either line can adapt it. Thread-safe.
 *
 * @since 0.1.0
 */
public final class StoreProbe {

    /** A well-formed handle no session can have (a SHA-256 of all zero bits is astronomically unlikely). */
    private static final SessionHandle PROBE = SessionHandle.of("A".repeat(43));

    private final SessionStore store;
    private final Clock clock;

    /**
     * @param store the store to probe
     * @param clock measures the round trip
     */
    public StoreProbe(SessionStore store, Clock clock) {
        this.store = Objects.requireNonNull(store, "store");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * The outcome of one probe.
     *
     * @param up whether the store answered
     * @param store the store's class name (never its location, which may hold a password)
     * @param latency how long the probe took
     * @param error the failure's class name when down, else {@code null}
     */
    public record Result(boolean up, String store, Duration latency, String error) {}

    /**
     * Probes the store once.
     *
     * @return the outcome; never throws
     */
    public Result check() {
        Instant start = clock.instant();
        try {
            store.load(PROBE);
            return new Result(true, store.getClass().getSimpleName(), Duration.between(start, clock.instant()), null);
        } catch (RuntimeException e) {
            return new Result(
                    false,
                    store.getClass().getSimpleName(),
                    Duration.between(start, clock.instant()),
                    e.getClass().getName());
        }
    }
}
