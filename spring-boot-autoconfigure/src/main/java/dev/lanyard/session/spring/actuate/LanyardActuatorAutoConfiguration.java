package dev.lanyard.session.spring.actuate;

import dev.lanyard.session.SessionManager;
import dev.lanyard.session.spi.SessionStore;
import dev.lanyard.session.spring.boot.LanyardAutoConfiguration;
import java.time.Clock;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * The {@code sessions} endpoint and the store probe, when the actuator is present. Works on Boot 3.5 and 4.0: the
 * endpoint annotations did not move between them.
 *
 * @since 0.1.0
 */
@AutoConfiguration(after = LanyardAutoConfiguration.class)
@ConditionalOnClass({Endpoint.class, ConditionalOnAvailableEndpoint.class})
@ConditionalOnBean(SessionManager.class)
public class LanyardActuatorAutoConfiguration {

    /**
     * @param store the store
     * @return the probe behind the health indicator, for applications that adapt it themselves
     */
    @Bean
    @ConditionalOnMissingBean
    public StoreProbe lanyardStoreProbe(SessionStore store) {
        return new StoreProbe(store, Clock.systemUTC());
    }

    /**
     * @param manager the manager
     * @return the endpoint
     */
    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnAvailableEndpoint(endpoint = LanyardSessionsEndpoint.class)
    public LanyardSessionsEndpoint lanyardSessionsEndpoint(SessionManager manager) {
        return new LanyardSessionsEndpoint(manager);
    }
}
