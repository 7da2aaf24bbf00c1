package dev.lanyard.session.metrics;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Counts hits among lookups over a sliding window of {@link #SLOTS} time slots and reports their
 * ratio. Lock-free: each slot is one {@code long} packing a 16-bit slot number, a 24-bit hit count
 * and a 24-bit total, updated by compare-and-set, so a slot that rolls over to a new period is
 * reset atomically with its first new count. Counts saturate at 2^24-1 per slot. Thread-safe.
 */
final class HitRatioWindow {

    /** How many slots make the window. */
    static final int SLOTS = 6;

    private static final long COUNT_MASK = (1L << 24) - 1;
    private static final long EPOCH_MASK = 0xFFFF;

    private final AtomicLongArray slots = new AtomicLongArray(SLOTS);
    private final long slotMillis;
    private final Clock clock;

    HitRatioWindow(Duration window, Clock clock) {
        this.slotMillis = Math.max(1, window.toMillis() / SLOTS);
        this.clock = clock;
    }

    /**
     * Counts one lookup.
     *
     * @param hit whether it was a hit
     */
    void record(boolean hit) {
        long slot = Math.floorDiv(clock.millis(), slotMillis);
        int index = (int) Math.floorMod(slot, (long) SLOTS);
        long epoch = slot & EPOCH_MASK;
        while (true) {
            long state = slots.get(index);
            long hits = 0;
            long total = 0;
            if ((state >>> 48) == epoch) {
                hits = (state >>> 24) & COUNT_MASK;
                total = state & COUNT_MASK;
            }
            if (total == COUNT_MASK) {
                return;
            }
            long next = (epoch << 48) | ((hits + (hit ? 1 : 0)) << 24) | (total + 1);
            if (slots.compareAndSet(index, state, next)) {
                return;
            }
        }
    }

    /**
     * Returns the ratio of hits to lookups in the current window.
     *
     * @return a value from 0 to 1, or {@code NaN} when there was no lookup in the window
     */
    double ratio() {
        long now = Math.floorDiv(clock.millis(), slotMillis);
        long hits = 0;
        long total = 0;
        for (int k = 0; k < SLOTS; k++) {
            long slot = now - k;
            long state = slots.get((int) Math.floorMod(slot, (long) SLOTS));
            if ((state >>> 48) == (slot & EPOCH_MASK)) {
                hits += (state >>> 24) & COUNT_MASK;
                total += state & COUNT_MASK;
            }
        }
        return total == 0 ? Double.NaN : (double) hits / total;
    }
}
