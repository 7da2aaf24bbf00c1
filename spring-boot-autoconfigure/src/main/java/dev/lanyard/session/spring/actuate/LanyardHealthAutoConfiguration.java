package dev.lanyard.session.spring.actuate;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.context.annotation.Bean;

/**
 * The store's health indicator, named {@code lanyard}, on Spring Boot 4 (whose health API lives in
 * {@code org.springframework.boot.health}). On Boot 3.5 the class is absent and this backs off; there, adapt
 * {@link StoreProbe} in a few lines (see docs/spring-boot.md). {@code management.health.lanyard.enabled=false}
 * turns it off.
 *
 * @since 0.1.0
 */
@AutoConfiguration(after = LanyardActuatorAutoConfiguration.class)
@ConditionalOnClass(name = "org.springframework.boot.health.contributor.HealthIndicator")
@ConditionalOnBean(StoreProbe.class)
@ConditionalOnEnabledHealthIndicator("lanyard")
public class LanyardHealthAutoConfiguration {

    /**
     * @param probe the store probe
     * @return the indicator
     */
    @Bean(name = "lanyardHealthIndicator")
    @ConditionalOnMissingBean(name = "lanyardHealthIndicator")
    public LanyardStoreHealthIndicator lanyardHealthIndicator(StoreProbe probe) {
        return new LanyardStoreHealthIndicator(probe);
    }
}
