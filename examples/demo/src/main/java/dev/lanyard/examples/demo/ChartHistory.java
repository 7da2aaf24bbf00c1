package dev.lanyard.examples.demo;

import dev.lanyard.session.metrics.SessionMeters;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.ValueAtPercentile;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * The recent history of the demo's own session meters, for the admin page's charts: sessions
 * created and revoked per minute, refresh-token reuse detections per minute, store latency (mean
 * and p99 of successful calls) and the near-cache hit ratio. {@link #sample()} reads the meter
 * registry and keeps the differences since the previous sample; the last {@link #MAX_SAMPLES}
 * are kept. Thread-safe.
 */
final class ChartHistory {

    /** How many samples are kept: five minutes at the demo's 2-second interval. */
    static final int MAX_SAMPLES = 150;

    private final MeterRegistry registry;
    private final Clock clock;
    private final Deque<Point> points = new ArrayDeque<>();
    private Totals last;

    /** One interval's figures; {@code null} (drawn as a gap) where the interval had nothing to measure. */
    private record Point(
            long epochMillis,
            double createdPerMinute,
            double revokedPerMinute,
            double reusePerMinute,
            Double storeMeanMillis,
            Double storeP99Millis,
            Double hitRatio) {}

    /** Meter totals at one moment. */
    private record Totals(
            long nanos,
            double created,
            double revoked,
            double reuse,
            double storeCount,
            double storeMillis,
            double resolved,
            double resolvedFromCache) {}

    ChartHistory(MeterRegistry registry, Clock clock) {
        this.registry = registry;
        this.clock = clock;
    }

    /** Reads the meters and records what changed since the previous sample. */
    synchronized void sample() {
        Totals now = totals();
        if (last != null && now.nanos > last.nanos) {
            double minutes = (now.nanos - last.nanos) / 60e9;
            double storeCalls = now.storeCount - last.storeCount;
            double resolved = now.resolved - last.resolved;
            points.addLast(new Point(
                    clock.millis(),
                    (now.created - last.created) / minutes,
                    (now.revoked - last.revoked) / minutes,
                    (now.reuse - last.reuse) / minutes,
                    storeCalls > 0 ? (now.storeMillis - last.storeMillis) / storeCalls : null,
                    storeCalls > 0 ? storeP99Millis() : null,
                    resolved > 0 ? (now.resolvedFromCache - last.resolvedFromCache) / resolved : null));
            while (points.size() > MAX_SAMPLES) {
                points.removeFirst();
            }
        }
        last = now;
    }

    private Totals totals() {
        double storeCount = 0;
        double storeMillis = 0;
        for (Timer timer : registry.find(SessionMeters.STORE_OPERATIONS)
                .tag(SessionMeters.TAG_OUTCOME, "success")
                .timers()) {
            storeCount += timer.count();
            storeMillis += timer.totalTime(TimeUnit.MILLISECONDS);
        }
        return new Totals(
                System.nanoTime(),
                count(SessionMeters.CREATED, null),
                count(SessionMeters.REVOKED, null),
                count(SessionMeters.TOKEN_REUSE_DETECTED, null),
                storeCount,
                storeMillis,
                count(SessionMeters.RESOLVED, null),
                count(SessionMeters.RESOLVED, "near_cache"));
    }

    private double count(String name, String source) {
        double total = 0;
        var search = registry.find(name);
        if (source != null) {
            search = search.tag(SessionMeters.TAG_SOURCE, source);
        }
        for (Counter counter : search.counters()) {
            total += counter.count();
        }
        return total;
    }

    /** The slowest operation's client-side p99 (Micrometer's decaying window), in milliseconds. */
    private Double storeP99Millis() {
        double max = 0;
        for (Timer timer : registry.find(SessionMeters.STORE_OPERATIONS)
                .tag(SessionMeters.TAG_OUTCOME, "success")
                .timers()) {
            for (ValueAtPercentile p : timer.takeSnapshot().percentileValues()) {
                if (p.percentile() == 0.99) {
                    max = Math.max(max, p.value(TimeUnit.MILLISECONDS));
                }
            }
        }
        return max;
    }

    /**
     * @param interval the sampling interval, reported to the page
     * @return the history as JSON: {@code {"intervalSeconds":2,"charts":[{"id":..,"title":..,"unit":..,
     *     "series":[{"name":..,"points":[[epochMillis,value|null],...]}]}]}}
     */
    synchronized String toJson(Duration interval) {
        StringBuilder out = new StringBuilder(8192);
        out.append("{\"intervalSeconds\":").append(interval.toSeconds()).append(",\"charts\":[");
        chart(
                out,
                "sessions",
                "Sessions created and revoked",
                "per minute",
                new String[] {"created", "revoked"},
                p -> p.createdPerMinute,
                p -> p.revokedPerMinute);
        out.append(',');
        chart(
                out,
                "reuse",
                "Refresh-token reuse detections",
                "per minute",
                new String[] {"reuse detected"},
                p -> p.reusePerMinute);
        out.append(',');
        chart(
                out,
                "latency",
                "Store latency of successful calls",
                "ms",
                new String[] {"mean", "p99"},
                p -> p.storeMeanMillis,
                p -> p.storeP99Millis);
        out.append(',');
        chart(
                out,
                "hit-ratio",
                "Near-cache hit ratio",
                "share of resolves",
                new String[] {"hit ratio"},
                p -> p.hitRatio);
        return out.append("]}").toString();
    }

    @SafeVarargs
    private void chart(
            StringBuilder out,
            String id,
            String title,
            String unit,
            String[] names,
            java.util.function.Function<Point, Double>... values) {
        out.append("{\"id\":\"")
                .append(id)
                .append("\",\"title\":\"")
                .append(title)
                .append("\",\"unit\":\"")
                .append(unit)
                .append("\",\"series\":[");
        for (int s = 0; s < names.length; s++) {
            if (s > 0) {
                out.append(',');
            }
            out.append("{\"name\":\"").append(names[s]).append("\",\"points\":[");
            boolean first = true;
            for (Point p : points) {
                if (!first) {
                    out.append(',');
                }
                first = false;
                Double v = values[s].apply(p);
                out.append('[')
                        .append(p.epochMillis)
                        .append(',')
                        .append(
                                v == null || v.isNaN() || v.isInfinite()
                                        ? "null"
                                        : String.format(Locale.ROOT, "%.6g", v))
                        .append(']');
            }
            out.append("]}");
        }
        out.append("]}");
    }
}
