package dev.lanyard.session.servlet;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Counts the anonymous sessions the filter stored for each client network prefix in a fixed
 * window, and says when a prefix has had its share: beyond it, the filter serves the request with
 * a transient session that is never stored (the page works, nothing is written). This keeps one
 * client from filling the store with sessions it never uses again. Memory is bounded: at most
 * {@code maxClients} prefixes are tracked, the least recently seen dropped first. Thread-safe.
 */
final class AnonymousSessionLimiter {

    private final Clock clock;
    private final int limit;
    private final Duration window;
    private final Map<String, Counter> counters;

    private static final class Counter {
        Instant start;
        int count;
    }

    AnonymousSessionLimiter(Clock clock, int limit, Duration window, int maxClients) {
        this.clock = clock;
        this.limit = limit;
        this.window = window;
        this.counters = new LinkedHashMap<>(64, 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Counter> eldest) {
                return size() > maxClients;
            }
        };
    }

    /**
     * Takes one stored anonymous session for a client, if its share in the current window allows.
     *
     * @param clientPrefix the client's network prefix, or empty when unknown
     * @return whether the session may be stored
     */
    boolean tryAcquire(String clientPrefix) {
        if (limit == 0) {
            return true;
        }
        String key = clientPrefix.isEmpty() ? "unknown" : clientPrefix;
        Instant now = clock.instant();
        synchronized (counters) {
            Counter c = counters.get(key);
            if (c == null) {
                c = new Counter();
                c.start = now;
                counters.put(key, c);
            } else if (!now.isBefore(c.start.plus(window))) {
                c.start = now;
                c.count = 0;
            }
            if (c.count >= limit) {
                return false;
            }
            c.count++;
            return true;
        }
    }
}
