package dev.lanyard.session.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.lanyard.session.redis.testing.RedisProcess;
import dev.lanyard.session.redis.testing.TestRedis;
import dev.lanyard.session.spring.actuate.LanyardReadinessEnvironmentPostProcessor;
import dev.lanyard.session.spring.boot.app.Browser;
import dev.lanyard.session.spring.boot.app.TestApplication;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The store's health indicator follows a private Redis down and up, and joins the readiness group
 * by itself. Runs on Boot 4 here and on Boot 3.5 in spring-boot-autoconfigure-boot3, each with its
 * line's indicator.
 */
class HealthIT {

    @Test
    void healthGoesDownAndUpWithRedis() {
        try (RedisProcess redis = TestRedis.localServer();
                ConfigurableApplicationContext app = new SpringApplicationBuilder(TestApplication.class)
                        .run(
                                "--server.port=0",
                                "--lanyard.store=" + redis.uri() + "?timeout=1s",
                                "--spring.main.banner-mode=off",
                                "--management.endpoint.health.probes.enabled=true",
                                "--management.endpoint.health.show-details=always")) {
            Browser probe = new Browser(Integer.parseInt(app.getEnvironment().getProperty("local.server.port")));
            assertThat(probe.get("/actuator/health/lanyard").body()).contains("\"status\":\"UP\"");
            assertThat(probe.get("/actuator/health/readiness").statusCode()).isEqualTo(200);
            assertThat(probe.get("/actuator/health/readiness").body()).contains("\"lanyard\"");

            redis.stop();
            await().atMost(Duration.ofSeconds(30))
                    .untilAsserted(() -> assertThat(
                                    probe.get("/actuator/health/readiness").statusCode())
                            .isEqualTo(503));
            assertThat(probe.get("/actuator/health/lanyard").body())
                    .contains("\"status\":\"DOWN\"")
                    .doesNotContain(redis.uri());

            redis.restart();
            await().atMost(Duration.ofSeconds(60))
                    .untilAsserted(() -> assertThat(
                                    probe.get("/actuator/health/lanyard").body())
                            .contains("\"status\":\"UP\""));
            assertThat(probe.get("/actuator/health/readiness").statusCode()).isEqualTo(200);
        }
    }

    @Test
    void theStoreStaysOutOfReadinessWhenTheApplicationOptsOut() {
        try (ConfigurableApplicationContext app = new SpringApplicationBuilder(TestApplication.class)
                .run(
                        "--server.port=0",
                        "--spring.main.banner-mode=off",
                        "--lanyard.health.readiness=false",
                        "--management.endpoint.health.probes.enabled=true",
                        "--management.endpoint.health.show-details=always")) {
            Browser probe = new Browser(Integer.parseInt(app.getEnvironment().getProperty("local.server.port")));
            assertThat(probe.get("/actuator/health/lanyard").body()).contains("\"status\":\"UP\"");
            assertThat(probe.get("/actuator/health/readiness").statusCode()).isEqualTo(200);
            // Boot's own readiness group, which shows no members: only our default would name lanyard
            assertThat(app.getEnvironment().getProperty(LanyardReadinessEnvironmentPostProcessor.INCLUDE))
                    .isNull();
        }
    }

    @Test
    void theApplicationsOwnReadinessMembersWin() {
        try (ConfigurableApplicationContext app = new SpringApplicationBuilder(TestApplication.class)
                .run(
                        "--server.port=0",
                        "--spring.main.banner-mode=off",
                        "--management.endpoint.health.probes.enabled=true",
                        "--management.endpoint.health.group.readiness.include=readinessState",
                        "--management.endpoint.health.show-details=always")) {
            Browser probe = new Browser(Integer.parseInt(app.getEnvironment().getProperty("local.server.port")));
            assertThat(probe.get("/actuator/health/readiness").body())
                    .contains("readinessState")
                    .doesNotContain("\"lanyard\"");
        }
    }
}
