package dev.lanyard.session.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lanyard.session.event.SessionEvent;
import dev.lanyard.session.tck.MutableClock;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The options of {@link SessionMetrics}: what they change, and what {@code build()} refuses. */
class SessionMetricsBuilderTest {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final Instant now = Instant.parse("2026-01-01T00:00:00Z");

    private static SessionEvent storeCall() {
        return new SessionEvent.StoreCall(
                Instant.EPOCH, SessionEvent.StoreOperation.LOAD, SessionEvent.Outcome.SUCCESS, Duration.ofMillis(2));
    }

    @Test
    void percentilesOutsideTheOpenUnitIntervalAreRefused() {
        assertThatThrownBy(() -> SessionMetrics.builder().percentiles(0.5, 1.0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("percentiles")
                .hasMessageContaining("1.0");
        assertThatThrownBy(() -> SessionMetrics.builder().percentiles(Double.NaN))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void withoutPercentilesNoPercentileSeriesAreRegistered() {
        SessionMetrics.builder().withoutPercentiles().build().bindTo(registry);

        assertThat(registry.getMeters()).map(m -> m.getId().getName()).noneMatch(n -> n.endsWith(".percentile"));
        assertThat(registry.getMeters()).hasSize(CardinalityTest.fixedMeters());
    }

    @Test
    void commonTagsAreOnEveryMeter() {
        SessionMetrics.builder()
                .commonTag("application", "shop")
                .commonTags(Tags.of("region", "eu"))
                .build()
                .bindTo(registry);

        assertThat(registry.getMeters())
                .allSatisfy(m -> assertThat(m.getId().getTags())
                        .contains(Tag.of("application", "shop"), Tag.of("region", "eu")));
    }

    @Test
    void aCommonTagMayNotReuseAKeyOfTheBinder() {
        assertThatThrownBy(() -> SessionMetrics.builder().commonTag(SessionMeters.TAG_REASON, "x"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("commonTags")
                .hasMessageContaining("reason");
    }

    @Test
    void routeNamesAreShortVisibleAsciiAndNotOther() {
        assertThatThrownBy(() -> SessionMetrics.builder().routes(List.of("/admin/*\nforged")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("routes");
        assertThatThrownBy(() -> SessionMetrics.builder().routes(List.of("/a b")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SessionMetrics.builder().routes(List.of("/caf\u00e9")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SessionMetrics.builder().routes(List.of("/\"quoted\"")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SessionMetrics.builder().routes(List.of(SessionMeters.OTHER)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not 'other'");
        assertThatThrownBy(() -> SessionMetrics.builder().routes(List.of("/" + "x".repeat(128))))
                .isInstanceOf(IllegalArgumentException.class);
        List<String> tooMany = IntStream.rangeClosed(0, SessionMetrics.MAX_ROUTES)
                .mapToObj(i -> "/r" + i)
                .toList();
        assertThatThrownBy(() -> SessionMetrics.builder().routes(tooMany))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at most 64");
    }

    @Test
    void servletUrlPatternsAreAcceptedAsRouteNames() {
        SessionMetrics.builder()
                .routes(List.of("/admin/*", "/checkout", "*.jsp", "/*", "admin"))
                .build()
                .bindTo(registry);

        assertThat(registry.find(SessionMeters.FAIL_OPEN).counters()).hasSize(6);
    }

    @Test
    void configuredRoutesArePreRegisteredForBothRouteMeters() {
        SessionMetrics.builder()
                .routes(List.of("/admin/*", "/checkout"))
                .build()
                .bindTo(registry);

        assertThat(registry.find(SessionMeters.FAIL_OPEN).counters())
                .map(c -> c.getId().getTag(SessionMeters.TAG_ROUTE))
                .containsExactlyInAnyOrder("/admin/*", "/checkout", SessionMeters.OTHER);
        assertThat(registry.find(SessionMeters.STEP_UP_REQUIRED).counters()).hasSize(3);
    }

    @Test
    void tokenReasonsBeyondTheCapCountAsOther() {
        SessionMetrics metrics = SessionMetrics.builder().maxTokenReasons(2).build();
        metrics.bindTo(registry);

        for (String reason : List.of("EXPIRED", "BAD_SIGNATURE", "WRONG_AUDIENCE", "UNKNOWN_KEY", "EXPIRED")) {
            metrics.onEvent(new SessionEvent.TokenRejected(now, reason));
        }

        assertThat(registry.find(SessionMeters.TOKEN_REJECTED).counters().stream()
                        .collect(Collectors.toMap(c -> c.getId().getTag(SessionMeters.TAG_REASON), c -> c.count())))
                .containsOnly(
                        java.util.Map.entry("expired", 2.0),
                        java.util.Map.entry("bad_signature", 1.0),
                        java.util.Map.entry(SessionMeters.OTHER, 2.0));
    }

    @Test
    void theTokenReasonCapAndTheWindowAreRangeChecked() {
        assertThatThrownBy(() -> SessionMetrics.builder().maxTokenReasons(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxTokenReasons");
        assertThatThrownBy(() -> SessionMetrics.builder().nearCacheWindow(Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("nearCacheWindow");
        assertThatThrownBy(() -> SessionMetrics.builder().nearCacheWindow(Duration.ofHours(2)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void bindingToTwoRegistriesRecordsIntoBoth() {
        SimpleMeterRegistry second = new SimpleMeterRegistry();
        SessionMetrics metrics = SessionMetrics.create();
        metrics.bindTo(registry);
        metrics.bindTo(second);

        metrics.onEvent(new SessionEvent.GuessingSuspected(now, "192.0.2.0/24", 40));

        assertThat(registry.get(SessionMeters.GUESSING_SUSPECTED).counter().count())
                .isEqualTo(1);
        assertThat(second.get(SessionMeters.GUESSING_SUSPECTED).counter().count())
                .isEqualTo(1);
    }

    @Test
    void bindingTwiceToOneRegistryCountsEachEventOnce() {
        SessionMetrics metrics = SessionMetrics.create();
        metrics.bindTo(registry);
        metrics.bindTo(registry);

        metrics.onEvent(storeCall());

        assertThat(registry.get(SessionMeters.STORE_OPERATIONS)
                        .tags(SessionMeters.TAG_OPERATION, "load", SessionMeters.TAG_OUTCOME, "success")
                        .timer()
                        .count())
                .isEqualTo(1);
    }

    @Test
    void eventsBeforeBindingAreNotCountedAndDoNotFail() {
        SessionMetrics metrics = SessionMetrics.create();
        metrics.onEvent(new SessionEvent.FailOpen(now, "checkout"));

        metrics.bindTo(registry);

        assertThat(registry.get(SessionMeters.FAIL_OPEN).counter().count()).isZero();
        assertThat(metrics.droppedMeasurements()).isZero();
    }

    @Test
    void theHitRatioWindowIsConfigurable() {
        MutableClock clock = MutableClock.startingAt(now);
        SessionMetrics metrics = SessionMetrics.builder()
                .nearCacheWindow(Duration.ofMinutes(10))
                .clock(clock)
                .build();
        metrics.bindTo(registry);
        metrics.onEvent(new SessionEvent.Resolved(now, null, SessionEvent.Source.NEAR_CACHE));

        clock.advance(Duration.ofMinutes(5));
        assertThat(registry.get(SessionMeters.NEAR_CACHE_HIT_RATIO).gauge().value())
                .isEqualTo(1.0);
        clock.advance(Duration.ofMinutes(6));
        assertThat(registry.get(SessionMeters.NEAR_CACHE_HIT_RATIO).gauge().value())
                .isNaN();
    }

    @Test
    void theBinderRegistersOnlyTheDocumentedNames() {
        SessionMetrics.builder().withoutPercentiles().build().bindTo(registry);
        List<String> documented = List.of(
                SessionMeters.CREATED,
                SessionMeters.RESOLVED,
                SessionMeters.NOT_RESOLVED,
                SessionMeters.ROTATED,
                SessionMeters.SAVES,
                SessionMeters.REVOKED,
                SessionMeters.EXPIRED,
                SessionMeters.LOGINS,
                SessionMeters.LOGOUTS,
                SessionMeters.LIMIT_REACHED,
                SessionMeters.STEP_UP_REQUIRED,
                SessionMeters.TOKEN_REUSE_DETECTED,
                SessionMeters.REFRESH_GRACE_USED,
                SessionMeters.TOKEN_REJECTED,
                SessionMeters.AFFINITY_REBINDS,
                SessionMeters.FAIL_OPEN,
                SessionMeters.GUESSING_SUSPECTED,
                SessionMeters.STORE_OPERATIONS,
                SessionMeters.NEAR_CACHE_HIT_RATIO,
                SessionMeters.PAYLOAD_SIZE,
                SessionMeters.SESSIONS_PER_USER,
                SessionMeters.UNREADABLE,
                SessionMeters.ATTRIBUTES_UNREADABLE,
                SessionMeters.PAYLOAD_OVER_SOFT_LIMIT,
                SessionMeters.STORE_STATE);

        assertThat(registry.getMeters().stream()
                        .map(Meter::getId)
                        .map(Meter.Id::getName)
                        .distinct())
                .containsExactlyInAnyOrderElementsOf(documented);
        assertThat(registry.getMeters())
                .allSatisfy(m -> assertThat(m.getId().getDescription()).isNotBlank());
    }
}
