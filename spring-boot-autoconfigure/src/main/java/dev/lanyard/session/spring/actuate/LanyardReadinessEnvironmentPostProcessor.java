package dev.lanyard.session.spring.actuate;

import java.util.Map;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.cloud.CloudPlatform;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.util.ClassUtils;

/**
 * Puts the store's health indicator in the readiness group, so that a node whose store does not
 * answer takes no traffic. It sets Boot's default membership of the group,
 * {@value #INCLUDE}{@code =readinessState,lanyard}, at the lowest precedence, and only when the
 * readiness probe exists (probes enabled, or a Kubernetes or Cloud Foundry platform), the health
 * indicator is on and the application names no members of its own (its list wins; add
 * {@code lanyard} to it). {@value #OPT_OUT}{@code =false} leaves the group alone.
 *
 * <p>Works on Boot 3.5 and 4.0, which both read the {@code org.springframework.boot.env} key of
 * {@code spring.factories}.
 *
 * @since 0.1.0
 */
@SuppressWarnings({"deprecation", "removal"})
public class LanyardReadinessEnvironmentPostProcessor
        implements org.springframework.boot.env.EnvironmentPostProcessor, Ordered {

    /** Boot's property for the readiness group's members. */
    public static final String INCLUDE = "management.endpoint.health.group.readiness.include";

    /** The property that keeps the store out of the readiness group when false. */
    public static final String OPT_OUT = "lanyard.health.readiness";

    /** Boot 4's health API, where LanyardHealthAutoConfiguration adds the indicator. */
    private static final String BOOT4_HEALTH = "org.springframework.boot.health.contributor.Health";

    /** Boot 3's health API, and the Boot 3.5 jar's indicator on it (the starter brings both). */
    private static final String[] BOOT3_HEALTH = {
        "org.springframework.boot.actuate.health.Health",
        "dev.lanyard.session.spring.boot3.LanyardBoot3HealthAutoConfiguration"
    };

    /** Used by Spring Boot. */
    public LanyardReadinessEnvironmentPostProcessor() {}

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        if (!applies(environment, healthIndicatorPresent())) {
            return;
        }
        environment
                .getPropertySources()
                .addLast(new MapPropertySource("lanyardReadinessGroup", Map.of(INCLUDE, "readinessState,lanyard")));
    }

    /** After the application's configuration files are read. */
    @Override
    public int getOrder() {
        return Ordered.LOWEST_PRECEDENCE;
    }

    static boolean applies(ConfigurableEnvironment environment, boolean healthApi) {
        return healthApi
                && environment.getProperty("lanyard.enabled", Boolean.class, true)
                && environment.getProperty(OPT_OUT, Boolean.class, true)
                && environment.getProperty(
                        "management.health.lanyard.enabled",
                        Boolean.class,
                        environment.getProperty("management.health.defaults.enabled", Boolean.class, true))
                && probesEnabled(environment)
                && !environment.containsProperty(INCLUDE);
    }

    private static boolean probesEnabled(ConfigurableEnvironment environment) {
        Boolean enabled = environment.getProperty("management.endpoint.health.probes.enabled", Boolean.class);
        if (enabled != null) {
            return enabled;
        }
        CloudPlatform platform = CloudPlatform.getActive(environment);
        return platform == CloudPlatform.KUBERNETES || platform == CloudPlatform.CLOUD_FOUNDRY;
    }

    private static boolean healthIndicatorPresent() {
        ClassLoader loader = LanyardReadinessEnvironmentPostProcessor.class.getClassLoader();
        return ClassUtils.isPresent(BOOT4_HEALTH, loader)
                || ClassUtils.isPresent(BOOT3_HEALTH[0], loader) && ClassUtils.isPresent(BOOT3_HEALTH[1], loader);
    }
}
