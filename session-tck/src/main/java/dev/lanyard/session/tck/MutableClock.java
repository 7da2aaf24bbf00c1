package dev.lanyard.session.tck;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A clock that tests move by hand, so that expiry is tested without waiting. It only moves
 * forward. Thread-safe.
 *
 * <p>It starts at the real current time (to the millisecond), so that stores that keep real time
 * themselves (Redis's TTL) and the manager agree on what "now" means when a test begins.
 *
 * @since 0.1.0
 */
public final class MutableClock extends Clock {

    private final AtomicReference<Instant> now;
    private final ZoneId zone;

    private MutableClock(AtomicReference<Instant> now, ZoneId zone) {
        this.now = now;
        this.zone = zone;
    }

    /** @return a clock at the real current instant, truncated to milliseconds, in UTC */
    public static MutableClock startingNow() {
        return new MutableClock(new AtomicReference<>(Instant.now().truncatedTo(ChronoUnit.MILLIS)), ZoneOffset.UTC);
    }

    /**
     * @param start the first instant
     * @return a clock at {@code start}, in UTC
     */
    public static MutableClock startingAt(Instant start) {
        return new MutableClock(new AtomicReference<>(Objects.requireNonNull(start, "start")), ZoneOffset.UTC);
    }

    /**
     * Moves the clock forward.
     *
     * @param amount a duration that is not negative
     * @return the new instant
     */
    public Instant advance(Duration amount) {
        if (amount.isNegative()) {
            throw new IllegalArgumentException("a MutableClock only moves forward (got " + amount + ")");
        }
        return now.updateAndGet(t -> t.plus(amount));
    }

    @Override
    public Instant instant() {
        return now.get();
    }

    @Override
    public ZoneId getZone() {
        return zone;
    }

    /** Returns a clock sharing this one's time, in another zone. */
    @Override
    public Clock withZone(ZoneId zone) {
        return new MutableClock(now, zone);
    }
}
