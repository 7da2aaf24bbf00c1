package dev.lanyard.session.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.lanyard.session.redis.testing.RedisProcess;
import dev.lanyard.session.redis.testing.TestRedis;
import dev.lanyard.session.spring.boot.app.Browser;
import dev.lanyard.session.spring.boot.app.TestApplication;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The store's health indicator (Boot 4's health API) follows a private Redis down and up, and sits in the
 * readiness group.
 */
class HealthBoot4IT {

  @Test
  void healthGoesDownAndUpWithRedis() {
    try (RedisProcess redis = TestRedis.localServer();
        ConfigurableApplicationContext app = new SpringApplicationBuilder(TestApplication.class).run(
            "--server.port=0", "--lanyard.store=" + redis.uri() + "?timeout=1s", "--spring.main.banner-mode=off",
            "--management.endpoint.health.probes.enabled=true", "--management.endpoint.health.show-details=always",
            "--management.endpoint.health.group.readiness.include=readinessState,lanyard")) {
      Browser probe = new Browser(Integer.parseInt(app.getEnvironment().getProperty("local.server.port")));
      assertThat(probe.get("/actuator/health/lanyard").body()).contains("\"status\":\"UP\"");
      assertThat(probe.get("/actuator/health/readiness").statusCode()).isEqualTo(200);

      redis.stop();
      await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
          assertThat(probe.get("/actuator/health/readiness").statusCode()).isEqualTo(503));
      assertThat(probe.get("/actuator/health/lanyard").body()).contains("\"status\":\"DOWN\"")
          .doesNotContain(redis.uri());

      redis.restart();
      await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
          assertThat(probe.get("/actuator/health/lanyard").body()).contains("\"status\":\"UP\""));
      assertThat(probe.get("/actuator/health/readiness").statusCode()).isEqualTo(200);
    }
  }
}
