package dev.lanyard.session.spring.actuate;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;

/** When the store's indicator joins the readiness group by itself, and when it stays out. */
class LanyardReadinessEnvironmentPostProcessorTest {

    private static StandardEnvironment environment(String... pairs) {
        Map<String, Object> map = new HashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            map.put(pairs[i], pairs[i + 1]);
        }
        StandardEnvironment environment = new StandardEnvironment();
        environment.getPropertySources().addFirst(new MapPropertySource("test", map));
        return environment;
    }

    private static String readinessMembers(StandardEnvironment environment) {
        new LanyardReadinessEnvironmentPostProcessor().postProcessEnvironment(environment, new SpringApplication());
        return environment.getProperty(LanyardReadinessEnvironmentPostProcessor.INCLUDE);
    }

    @Test
    void joinsTheReadinessGroupWhenProbesAreEnabled() {
        assertThat(readinessMembers(environment("management.endpoint.health.probes.enabled", "true")))
                .isEqualTo("readinessState,lanyard");
    }

    @Test
    void joinsTheReadinessGroupOnKubernetes() {
        assertThat(readinessMembers(environment("spring.main.cloud-platform", "kubernetes")))
                .isEqualTo("readinessState,lanyard");
    }

    @Test
    void leavesTheGroupAloneWithoutProbes() {
        assertThat(readinessMembers(environment())).isNull();
    }

    @Test
    void leavesTheGroupAloneWhenTheApplicationOptsOut() {
        assertThat(readinessMembers(environment(
                        "management.endpoint.health.probes.enabled", "true", "lanyard.health.readiness", "false")))
                .isNull();
    }

    @Test
    void leavesTheGroupAloneWhenTheIndicatorIsOff() {
        assertThat(readinessMembers(environment(
                        "management.endpoint.health.probes.enabled",
                        "true",
                        "management.health.lanyard.enabled",
                        "false")))
                .isNull();
    }

    @Test
    void leavesTheGroupAloneWhenLanyardIsOff() {
        assertThat(readinessMembers(
                        environment("management.endpoint.health.probes.enabled", "true", "lanyard.enabled", "false")))
                .isNull();
    }

    @Test
    void theApplicationsOwnMembersWin() {
        assertThat(readinessMembers(environment(
                        "management.endpoint.health.probes.enabled",
                        "true",
                        LanyardReadinessEnvironmentPostProcessor.INCLUDE,
                        "readinessState,db")))
                .isEqualTo("readinessState,db");
    }
}
