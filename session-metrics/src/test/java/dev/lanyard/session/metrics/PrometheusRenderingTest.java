package dev.lanyard.session.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lanyard.session.NewSession;
import dev.lanyard.session.SessionUpdate;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The Prometheus names and series that docs/metrics.md shows are the ones a scrape really holds. */
class PrometheusRenderingTest {

    private static void drive(Harness h) {
        NewSession session = h.newSession();
        h.manager()
                .save(
                        h.resolve(session),
                        SessionUpdate.builder().put("cart", "apples").build());
        h.login("alice");
    }

    private static String scrape(Harness h) {
        return ((PrometheusMeterRegistry) h.registry()).scrape();
    }

    /** The defaults: client-side percentiles, no buckets. */
    @Nested
    class WithTheDefaults {

        @RegisterExtension
        final Harness h = Harness.create()
                .registry(() -> new PrometheusMeterRegistry(PrometheusConfig.DEFAULT))
                .metricsOptions(b -> b.commonTag("application", "shop"));

        @Test
        void countersAreTotalsWithLowerCaseTagValues() {
            drive(h);

            assertThat(scrape(h))
                    .contains(
                            "lanyard_sessions_creations_total{application=\"shop\",authenticated=\"false\"} 1.0",
                            "lanyard_sessions_creations_total{application=\"shop\",authenticated=\"true\"} 1.0",
                            "lanyard_sessions_resolved_total{application=\"shop\",source=\"store\"} 1.0",
                            "lanyard_sessions_saves_total{application=\"shop\",kind=\"attributes\"} 1.0",
                            "lanyard_sessions_logins_total{application=\"shop\"} 1.0",
                            "lanyard_sessions_not_resolved_total{application=\"shop\",status=\"expired_idle\"} 0.0",
                            "lanyard_tokens_rejected_total{application=\"shop\",reason=\"other\"} 0.0");
        }

        @Test
        void theStoreTimerIsASummaryInSecondsWithQuantiles() {
            drive(h);

            assertThat(scrape(h))
                    .contains(
                            "# TYPE lanyard_store_operations_seconds summary",
                            "lanyard_store_operations_seconds_count{application=\"shop\",operation=\"create\",outcome=\"success\"} 2",
                            "lanyard_store_operations_seconds{application=\"shop\",operation=\"load\",outcome=\"success\",quantile=\"0.99\"}",
                            "lanyard_store_operations_seconds_max{application=\"shop\",operation=\"load\",outcome=\"success\"}");
        }

        @Test
        void sizesAreInBytesAndTheRatioIsAGauge() {
            drive(h);

            assertThat(scrape(h))
                    .contains(
                            "lanyard_sessions_payload_size_bytes_count{application=\"shop\"} 1",
                            "lanyard_sessions_per_user_count{application=\"shop\"} 1",
                            "# TYPE lanyard_sessions_near_cache_hit_ratio gauge",
                            "lanyard_sessions_near_cache_hit_ratio{application=\"shop\"} 0.0");
        }
    }

    /** Buckets for aggregation across nodes. */
    @Nested
    class WithAPercentileHistogram {

        @RegisterExtension
        final Harness h = Harness.create()
                .registry(() -> new PrometheusMeterRegistry(PrometheusConfig.DEFAULT))
                .metricsOptions(b -> b.withoutPercentiles().percentileHistogram(true));

        @Test
        void theStoreTimerIsAHistogramOfAboutEightyBucketsPerSeries() {
            drive(h);
            String text = scrape(h);
            List<String> loadBuckets = text.lines()
                    .filter(l -> l.startsWith("lanyard_store_operations_seconds_bucket{")
                            && l.contains("operation=\"load\",outcome=\"success\""))
                    .toList();

            assertThat(text).contains("# TYPE lanyard_store_operations_seconds histogram");
            assertThat(loadBuckets).hasSizeBetween(60, 90).anyMatch(l -> l.contains("le=\"+Inf\""));
            assertThat(text).doesNotContain("quantile=");
        }
    }

    /** A few explicit buckets: the cheap way to get SLO ratios across nodes. */
    @Nested
    class WithStoreLatencyBuckets {

        @RegisterExtension
        final Harness h = Harness.create()
                .registry(() -> new PrometheusMeterRegistry(PrometheusConfig.DEFAULT))
                .metricsOptions(b ->
                        b.storeLatencyBuckets(Duration.ofMillis(1), Duration.ofMillis(10), Duration.ofMillis(100)));

        @Test
        void theStoreTimerHasJustThoseBuckets() {
            drive(h);
            List<String> loadBuckets = scrape(h)
                    .lines()
                    .filter(l -> l.startsWith("lanyard_store_operations_seconds_bucket{")
                            && l.contains("operation=\"load\",outcome=\"success\""))
                    .toList();

            assertThat(loadBuckets)
                    .hasSize(4)
                    .anyMatch(l -> l.contains("le=\"0.001\""))
                    .anyMatch(l -> l.contains("le=\"0.01\""))
                    .anyMatch(l -> l.contains("le=\"0.1\""))
                    .anyMatch(l -> l.contains("le=\"+Inf\""));
        }
    }
}
