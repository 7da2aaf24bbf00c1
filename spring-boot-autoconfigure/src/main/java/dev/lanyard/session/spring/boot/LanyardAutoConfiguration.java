package dev.lanyard.session.spring.boot;

import dev.lanyard.session.SessionManager;
import dev.lanyard.session.SessionStores;
import dev.lanyard.session.event.SessionListener;
import dev.lanyard.session.memcached.MemcachedSessionStore;
import dev.lanyard.session.memcached.MemcachedStoreMetrics;
import dev.lanyard.session.metrics.SessionMetrics;
import dev.lanyard.session.servlet.LanyardSessionFilter;
import dev.lanyard.session.spi.SessionStore;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.util.ClassUtils;

/**
 * Puts a Spring Boot application's sessions in Lanyard: a {@link SessionStore} opened from
 * {@code lanyard.store} (closed when the context closes), a {@link SessionManager} with the
 * {@code lanyard.*} policy and every {@link SessionListener} bean, and, in a servlet web application,
 * the {@link LanyardSessionFilter} registered for every dispatcher type, with async support, ahead of
 * Spring Security's filter chain. With Micrometer and {@code session-metrics} present, a
 * {@link SessionMetrics} bean that Boot binds to the {@code MeterRegistry}, and, over a Memcached store,
 * its {@link MemcachedStoreMetrics} (sessions lost to a dead server, compare-and-set counters).
 *
 * <p>Each bean backs off when the application defines its own of that type; {@code lanyard.enabled=false}
 * switches everything off. Nothing here contacts the store: a store that is down at start-up leaves the
 * application starting, and its routes meet their failure mode until the store answers.
 *
 * @since 0.1.0
 */
@AutoConfiguration
@ConditionalOnProperty(prefix = "lanyard", name = "enabled", havingValue = "true", matchIfMissing = true)
@EnableConfigurationProperties(LanyardProperties.class)
public class LanyardAutoConfiguration {

    /**
     * The filter's default order: just after Spring's own request-wrapping filters (character encoding) and well
     * ahead of Spring Security's chain ({@code SecurityProperties.DEFAULT_FILTER_ORDER}, -100), as the filter
     * must wrap the request before anything reads the session.
     */
    public static final int DEFAULT_FILTER_ORDER = Integer.MIN_VALUE + 50;

    /** The bean name of the filter's registration. */
    public static final String FILTER_REGISTRATION_BEAN = "lanyardSessionFilterRegistration";

    static final String SPRING_SECURITY_CLASS = "org.springframework.security.web.SecurityFilterChain";

    /**
     * The store named by {@code lanyard.store}, closed when the context closes.
     *
     * @param properties the properties
     * @return the store
     */
    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    public SessionStore lanyardSessionStore(LanyardProperties properties) {
        return SessionStores.open(Settings.storeLocation(properties));
    }

    /**
     * The session manager over the store, with every {@link SessionListener} bean (metrics, audit) in order.
     *
     * @param store the store
     * @param properties the properties
     * @param listeners the listener beans
     * @param context the application context, for its class loader
     * @return the manager
     */
    @Bean
    @ConditionalOnMissingBean
    public SessionManager lanyardSessionManager(
            SessionStore store,
            LanyardProperties properties,
            ObjectProvider<SessionListener> listeners,
            ApplicationContext context) {
        ClassLoader loader = context.getClassLoader();
        boolean springSecurity = ClassUtils.isPresent(SPRING_SECURITY_CLASS, loader);
        SessionManager.Builder builder = SessionManager.builder(store)
                .policy(Settings.policy(properties))
                .codec(Settings.codec(properties, loader, springSecurity));
        if (properties.getNodeId() != null && !properties.getNodeId().isBlank()) {
            builder.nodeId(properties.getNodeId());
        }
        builder.logEvents(properties.isLogEvents());
        listeners.orderedStream().forEach(builder::listener);
        return builder.build();
    }

    /** The filter and its registration, in a servlet web application. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
    @ConditionalOnClass(Filter.class)
    static class FilterConfiguration {

        @Bean
        @ConditionalOnMissingBean
        LanyardSessionFilter lanyardSessionFilter(
                SessionManager manager,
                LanyardProperties properties,
                ObjectProvider<LanyardFilterCustomizer> customizers) {
            LanyardSessionFilter.Builder builder = Settings.filter(manager, properties);
            customizers.orderedStream().forEach(customizer -> customizer.customize(builder));
            return builder.build();
        }

        @Bean(name = FILTER_REGISTRATION_BEAN)
        @ConditionalOnMissingBean(name = FILTER_REGISTRATION_BEAN)
        FilterRegistrationBean<LanyardSessionFilter> lanyardSessionFilterRegistration(
                LanyardSessionFilter filter, LanyardProperties properties) {
            FilterRegistrationBean<LanyardSessionFilter> registration = new FilterRegistrationBean<>(filter);
            registration.setName("lanyardSessionFilter");
            registration.setOrder(properties.getFilter().getOrder());
            registration.setAsyncSupported(true);
            registration.setDispatcherTypes(
                    DispatcherType.REQUEST,
                    DispatcherType.ASYNC,
                    DispatcherType.ERROR,
                    DispatcherType.FORWARD,
                    DispatcherType.INCLUDE);
            registration.setUrlPatterns(properties.getFilter().getUrlPatterns());
            return registration;
        }
    }

    /** Session meters, when Micrometer and session-metrics are present. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass({SessionMetrics.class, MeterRegistry.class})
    @ConditionalOnProperty(prefix = "lanyard.metrics", name = "enabled", havingValue = "true", matchIfMissing = true)
    static class MetricsConfiguration {

        /**
         * A {@code MeterBinder} (Boot binds it to every registry) and a {@link SessionListener} (the manager hears it).
         */
        @Bean
        @ConditionalOnMissingBean
        SessionMetrics lanyardSessionMetrics(LanyardProperties properties) {
            SessionMetrics.Builder builder = SessionMetrics.builder();
            if (!properties.getMetrics().getRoutes().isEmpty()) {
                builder.routes(properties.getMetrics().getRoutes());
            }
            return builder.build();
        }
    }

    /** The Memcached store's own meters, when the store is Memcached and Micrometer is present. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(
            name = {"dev.lanyard.session.memcached.MemcachedStoreMetrics", "io.micrometer.core.instrument.MeterRegistry"
            })
    @ConditionalOnProperty(prefix = "lanyard.metrics", name = "enabled", havingValue = "true", matchIfMissing = true)
    static class MemcachedMetricsConfiguration {

        /**
         * A {@code MeterBinder} (Boot binds it to every registry) for the sessions lost to a dead server and the
         * compare-and-set counters; it binds nothing when the store is not a {@link MemcachedSessionStore}, and
         * backs off when the application defines its own {@link MemcachedStoreMetrics} (for example with tags).
         */
        @Bean
        @ConditionalOnMissingBean(MemcachedStoreMetrics.class)
        MeterBinder lanyardMemcachedStoreMetrics(SessionStore store) {
            return registry -> {
                if (store instanceof MemcachedSessionStore memcached) {
                    MemcachedStoreMetrics.of(memcached).bindTo(registry);
                }
            };
        }
    }
}
