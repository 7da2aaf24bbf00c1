package dev.lanyard.session.spring.boot3;

import dev.lanyard.session.spring.actuate.StoreProbe;
import java.util.Objects;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;

/**
 * The session store's health for Spring Boot 3.5 ({@code org.springframework.boot.actuate.health}):
 * UP when the store answers a read, DOWN (with the failure's class name, never a location or ID)
 * when it does not; the same answer as Boot 4's {@code LanyardStoreHealthIndicator}. Costs one
 * store read per health request. Thread-safe.
 *
 * @since 0.1.0
 */
public final class LanyardBoot3HealthIndicator implements HealthIndicator {

    private final StoreProbe probe;

    /**
     * @param probe the store probe
     */
    public LanyardBoot3HealthIndicator(StoreProbe probe) {
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
