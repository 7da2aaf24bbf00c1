package dev.lanyard.session.metrics;

import dev.lanyard.session.ExpiryReason;
import dev.lanyard.session.OverflowRule;
import dev.lanyard.session.ResolutionStatus;
import dev.lanyard.session.RevocationReason;
import dev.lanyard.session.RotationCause;
import dev.lanyard.session.SessionHandle;
import dev.lanyard.session.event.SessionEvent;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What session-metrics really exports to Prometheus: metric name, then label, then the label's
 * values, read from scrapes after one event of every kind and every enum value. Two
 * configurations are merged, the defaults (client-side quantiles) and explicit store latency
 * buckets (a histogram with {@code le}), since the docs offer both.
 */
final class EmittedSeries {

    /** Labels Prometheus adds to every scraped series: they may be used anywhere. */
    static final Set<String> TARGET_LABELS = Set.of("job", "instance");

    private static final Pattern LINE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{(.*)\\})? \\S+$");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

    private final Map<String, Map<String, Set<String>>> series = new TreeMap<>();

    private EmittedSeries() {}

    /** Drives every event kind through two bound {@link SessionMetrics} and reads their scrapes. */
    static EmittedSeries scrape() {
        EmittedSeries emitted = new EmittedSeries();
        List<SessionMetrics> configurations = List.of(
                SessionMetrics.create(),
                SessionMetrics.builder()
                        .withoutPercentiles()
                        .storeLatencyBuckets(Duration.ofMillis(1), Duration.ofMillis(25), Duration.ofSeconds(1))
                        .routes(List.of("/admin/*"))
                        .build());
        for (SessionMetrics metrics : configurations) {
            PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            try {
                metrics.bindTo(registry);
                everyEvent().forEach(metrics::onEvent);
                emitted.read(registry.scrape());
            } finally {
                registry.close();
            }
        }
        return emitted;
    }

    private static List<SessionEvent> everyEvent() {
        Instant at = Instant.parse("2026-12-07T12:00:00Z");
        SessionHandle handle = SessionHandle.of("A".repeat(SessionHandle.LENGTH));
        SessionHandle other = SessionHandle.of("B".repeat(SessionHandle.LENGTH));
        List<SessionEvent> events = new ArrayList<>();
        events.add(new SessionEvent.Created(at, handle, false));
        events.add(new SessionEvent.Created(at, handle, true));
        for (SessionEvent.Source source : SessionEvent.Source.values()) {
            events.add(new SessionEvent.Resolved(at, handle, source));
        }
        for (ResolutionStatus status : ResolutionStatus.values()) {
            events.add(new SessionEvent.NotResolved(at, status));
        }
        for (RotationCause cause : RotationCause.values()) {
            events.add(new SessionEvent.Rotated(at, handle, other, cause, 2));
        }
        for (SessionEvent.SaveKind kind : SessionEvent.SaveKind.values()) {
            events.add(new SessionEvent.Saved(at, handle, kind, 1, 120));
        }
        for (RevocationReason reason : RevocationReason.values()) {
            events.add(new SessionEvent.Revoked(at, handle, "alice", reason));
        }
        for (ExpiryReason reason : ExpiryReason.values()) {
            events.add(new SessionEvent.Expired(at, handle, reason));
        }
        events.add(new SessionEvent.LoggedIn(at, handle, "alice", 2, 3));
        events.add(new SessionEvent.LoggedOut(at, handle, "alice"));
        for (OverflowRule rule : OverflowRule.values()) {
            events.add(new SessionEvent.LimitReached(at, "alice", rule, 1));
        }
        events.add(new SessionEvent.PayloadOverSoftLimit(at, handle, 9000, 8000));
        events.add(new SessionEvent.Unreadable(at, handle, "InvalidClassException"));
        for (SessionEvent.StoreOperation operation : SessionEvent.StoreOperation.values()) {
            for (SessionEvent.Outcome outcome : SessionEvent.Outcome.values()) {
                events.add(new SessionEvent.StoreCall(at, operation, outcome, Duration.ofMillis(3)));
            }
        }
        events.add(new SessionEvent.FailOpen(at, "/admin/*"));
        events.add(new SessionEvent.StepUpRequired(at, handle, "/admin/*"));
        events.add(new SessionEvent.TokenRejected(at, "EXPIRED"));
        events.add(new SessionEvent.TokenReuseDetected(at, handle));
        events.add(new SessionEvent.AffinityRebind(at, handle, "node-a", "node-b"));
        events.add(new SessionEvent.GuessingSuspected(at, "203.0.113.0/24", 20));
        return events;
    }

    private void read(String scrape) {
        for (String line : scrape.split("\n")) {
            Matcher m = LINE.matcher(line);
            if (line.startsWith("#") || !m.matches()) {
                continue;
            }
            Map<String, Set<String>> labels = series.computeIfAbsent(m.group(1), k -> new TreeMap<>());
            if (m.group(2) != null) {
                Matcher label = LABEL.matcher(m.group(2));
                while (label.find()) {
                    labels.computeIfAbsent(label.group(1), k -> new TreeSet<>()).add(label.group(2));
                }
            }
        }
    }

    /** Metric names as scraped. */
    Set<String> names() {
        return series.keySet();
    }

    /** The labels of one metric, with their values; empty if the metric is not emitted. */
    Map<String, Set<String>> labels(String metric) {
        return series.getOrDefault(metric, Map.of());
    }

    /** Every label any Lanyard metric carries, plus the target labels. */
    Set<String> allLabels() {
        Set<String> all = new TreeSet<>(TARGET_LABELS);
        series.values().forEach(labels -> all.addAll(labels.keySet()));
        return all;
    }
}
