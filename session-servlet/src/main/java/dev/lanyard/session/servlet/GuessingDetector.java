package dev.lanyard.session.servlet;

import dev.lanyard.session.SessionManager;
import dev.lanyard.session.event.SessionEvent;
import dev.lanyard.session.internal.ModuleEvents;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Counts unknown and malformed session IDs per client network prefix in a fixed window and
 * publishes {@link SessionEvent.GuessingSuspected} when one prefix reaches the threshold (once
 * per window). Memory is bounded: at most {@code maxClients} prefixes are tracked, the least
 * recently seen dropped first. Thread-safe; only bad IDs take its lock.
 */
final class GuessingDetector {

    private final SessionManager manager;
    private final int threshold;
    private final Duration window;
    private final Map<String, Counter> counters;

    private static final class Counter {
        Instant start;
        int count;
    }

    GuessingDetector(SessionManager manager, int threshold, Duration window, int maxClients) {
        this.manager = manager;
        this.threshold = threshold;
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
     * Records one bad ID from a client.
     *
     * @param clientPrefix the client's network prefix, or empty when unknown
     */
    void badId(String clientPrefix) {
        String key = clientPrefix.isEmpty() ? "unknown" : clientPrefix;
        Instant now = manager.clock().instant();
        int reached;
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
            c.count++;
            reached = c.count;
        }
        if (reached == threshold) {
            ModuleEvents.publish(manager, new SessionEvent.GuessingSuspected(now, key, reached));
        }
    }

    /** @return how many client prefixes are tracked now */
    int trackedClients() {
        synchronized (counters) {
            return counters.size();
        }
    }
}
