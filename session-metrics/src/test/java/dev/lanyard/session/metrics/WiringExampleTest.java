package dev.lanyard.session.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lanyard.session.ClientInfo;
import dev.lanyard.session.SessionManager;
import dev.lanyard.session.memory.InMemorySessionStore;
import dev.lanyard.session.spi.SessionStore;
import io.micrometer.observation.tck.TestObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistryAssert;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The wiring shown in docs/metrics.md, compiled and run as written there. */
class WiringExampleTest {

    @Test
    void theDocumentedWiringExportsSessionMeters() {
        SessionStore store = InMemorySessionStore.create();

        // --- docs/metrics.md: wiring ---
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

        SessionMetrics metrics = SessionMetrics.builder()
                .commonTag("application", "shop")
                .routes(List.of("/admin/*", "/checkout")) // the route patterns your filter config uses
                .storeLatencyBuckets(
                        Duration.ofMillis(1),
                        Duration.ofMillis(5),
                        Duration.ofMillis(25),
                        Duration.ofMillis(100),
                        Duration.ofSeconds(1))
                .build();
        metrics.bindTo(registry);

        SessionManager manager =
                SessionManager.builder(store).nodeId("node-a").listener(metrics).build();
        // serve registry.scrape() on your /metrics endpoint
        // --- end ---

        manager.create(ClientInfo.UNKNOWN);
        String scrape = registry.scrape();

        assertThat(scrape)
                .contains("lanyard_sessions_creations_total{application=\"shop\",authenticated=\"false\"} 1.0")
                // the 1 s bucket: a cold first call on a loaded machine can take longer than 5 ms
                .contains("lanyard_store_operations_seconds_bucket{application=\"shop\",operation=\"create\","
                        + "outcome=\"success\",le=\"1.0\"} 1")
                .contains("lanyard_sessions_fail_open_total{application=\"shop\",route=\"/checkout\"} 0.0");
    }

    @Test
    void theDocumentedTracingWiringObservesEveryOperation() {
        SessionStore store = InMemorySessionStore.create();
        SessionMetrics metrics = SessionMetrics.create();
        TestObservationRegistry observationRegistry = TestObservationRegistry.create();

        // [tracing-wiring-start]
        SessionManager manager = SessionManager.builder(store)
                .observer(SessionObservations.create(
                        observationRegistry)) // Boot provides the registry; micrometer-tracing makes spans
                .listener(metrics)
                .build();
        // AccessTokenVerifier and RefreshTokenService built on this manager report through the same observer.
        // [tracing-wiring-end]

        manager.create(ClientInfo.UNKNOWN);

        TestObservationRegistryAssert.assertThat(observationRegistry)
                .hasObservationWithNameEqualTo("lanyard.session.create")
                .that()
                .hasBeenStopped();
    }
}
