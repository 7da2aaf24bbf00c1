package dev.lanyard.session.memcached;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lanyard.session.ClientInfo;
import dev.lanyard.session.NewSession;
import dev.lanyard.session.SessionManager;
import dev.lanyard.session.SessionUpdate;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The store's counters as Micrometer meters, read at scrape time from a store in use. */
class MemcachedStoreMetricsIT {

    @Test
    void theMetersFollowTheStoresCounters() throws Exception {
        try (MemcachedSupport support = MemcachedSupport.local(1);
                MemcachedSessionStore store =
                        MemcachedSessionStore.open(support.options().build(), Clock.systemUTC())) {
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            MemcachedStoreMetrics.of(store)
                    .withTags(List.of(Tag.of("store", "carts")))
                    .bindTo(registry);
            SessionManager manager = SessionManager.builder(store).build();

            NewSession session = manager.login(null, "ada", ClientInfo.UNKNOWN);
            manager.save(
                    session.session(),
                    SessionUpdate.builder().put("cart", "3 apples").build());

            Map<String, Double> counts = registry.getMeters().stream()
                    .collect(Collectors.toMap(
                            m -> m.getId().getName(),
                            m -> m.measure().iterator().next().getValue()));
            assertThat(counts)
                    .containsOnlyKeys(
                            "lanyard.memcached.sessions.lost",
                            "lanyard.memcached.cas.writes",
                            "lanyard.memcached.cas.retries",
                            "lanyard.memcached.cas.give.ups",
                            "lanyard.memcached.unavailable");
            MemcachedStoreStats stats = store.stats();
            assertThat(stats.casWrites()).isPositive();
            assertThat(counts.get("lanyard.memcached.cas.writes")).isEqualTo((double) stats.casWrites());
            assertThat(counts.get("lanyard.memcached.sessions.lost")).isZero();
            for (Meter meter : registry.getMeters()) {
                assertThat(meter.getId().getTag("store")).isEqualTo("carts");
                assertThat(meter.getId().getTags())
                        .noneMatch(t -> t.getValue().contains(session.id().value()));
            }
        }
    }
}
