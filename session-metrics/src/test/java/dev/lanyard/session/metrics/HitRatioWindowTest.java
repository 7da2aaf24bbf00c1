package dev.lanyard.session.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lanyard.session.tck.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class HitRatioWindowTest {

    private final MutableClock clock = MutableClock.startingAt(Instant.parse("2026-01-01T00:00:00Z"));
    private final HitRatioWindow window = new HitRatioWindow(Duration.ofMinutes(1), clock);

    @Test
    void anEmptyWindowHasNoRatio() {
        assertThat(window.ratio()).isNaN();
    }

    @Test
    void theRatioIsHitsOverLookups() {
        window.record(true);
        window.record(false);
        window.record(false);
        window.record(true);

        assertThat(window.ratio()).isEqualTo(0.5);
    }

    @Test
    void lookupsLeaveTheWindowSlotBySlot() {
        window.record(false);
        clock.advance(Duration.ofSeconds(30));
        window.record(true);

        clock.advance(Duration.ofSeconds(35));
        assertThat(window.ratio())
                .as("the first lookup's slot has left the window")
                .isEqualTo(1.0);
        clock.advance(Duration.ofSeconds(30));
        assertThat(window.ratio()).isNaN();
    }

    @Test
    void aReusedSlotStartsFromZero() {
        window.record(true);
        clock.advance(Duration.ofSeconds(60));

        window.record(false);

        assertThat(window.ratio()).isZero();
    }

    @Test
    void concurrentLookupsAreAllCounted() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Future<?> hits = pool.submit(() -> {
                for (int i = 0; i < 50_000; i++) {
                    window.record(true);
                }
            });
            Future<?> misses = pool.submit(() -> {
                for (int i = 0; i < 50_000; i++) {
                    window.record(false);
                }
            });
            hits.get(30, TimeUnit.SECONDS);
            misses.get(30, TimeUnit.SECONDS);
        } finally {
            pool.shutdownNow();
        }

        assertThat(window.ratio()).isEqualTo(0.5);
    }
}
