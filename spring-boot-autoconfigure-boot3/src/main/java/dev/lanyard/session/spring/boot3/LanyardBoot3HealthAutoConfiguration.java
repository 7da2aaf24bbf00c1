package dev.lanyard.session.spring.boot3;

import dev.lanyard.session.spring.actuate.LanyardActuatorAutoConfiguration;
import dev.lanyard.session.spring.actuate.StoreProbe;
import org.springframework.boot.actuate.autoconfigure.health.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * The store's health indicator, named {@code lanyard}, on Spring Boot 3.5, whose health API is
 * {@code org.springframework.boot.actuate.health}. On Boot 4 that package is gone and this backs
 * off; Boot 4's indicator comes from {@code LanyardHealthAutoConfiguration}.
 * {@code management.health.lanyard.enabled=false} turns it off.
 *
 * @since 0.1.0
 */
@AutoConfiguration(after = LanyardActuatorAutoConfiguration.class)
@ConditionalOnClass(
        name = {
            "org.springframework.boot.actuate.health.HealthIndicator",
            "org.springframework.boot.actuate.autoconfigure.health.ConditionalOnEnabledHealthIndicator"
        })
@ConditionalOnBean(StoreProbe.class)
@ConditionalOnEnabledHealthIndicator("lanyard")
public class LanyardBoot3HealthAutoConfiguration {

    /**
     * @param probe the store probe
     * @return the indicator
     */
    @Bean(name = "lanyardHealthIndicator")
    @ConditionalOnMissingBean(name = "lanyardHealthIndicator")
    public LanyardBoot3HealthIndicator lanyardHealthIndicator(StoreProbe probe) {
        return new LanyardBoot3HealthIndicator(probe);
    }
}
