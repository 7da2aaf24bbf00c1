package dev.lanyard.session.spring.actuate;

import java.util.Objects;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * The session store's health for Spring Boot 4 ({@code org.springframework.boot.health}): UP when the store
 * answers a read, DOWN (with the failure's class name, never a location or ID) when it does not. Include it in
 * the readiness group ({@code management.endpoint.health.group.readiness.include=readinessState,lanyard}) so a
 * node without its store takes no traffic. Costs one store read per health request.
 *
 * @since 0.1.0
 */
public final class LanyardStoreHealthIndicator implements HealthIndicator {

    private final StoreProbe probe;

    /**
     * @param probe the store probe
     */
    public LanyardStoreHealthIndicator(StoreProbe probe) {
        this.probe = Objects.requireNonNull(probe, "probe");
    }

    @Override
    public Health health() {
        StoreProbe.Result result = probe.check();
        Health.Builder builder = result.up() ? Health.up() : Health.down();
        builder.withDetail("store", result.store())
                .withDetail("latencyMillis", result.latency().toMillis());
        if (result.error() != null) {
            builder.withDetail("error", result.error());
        }
        return builder.build();
    }
}
