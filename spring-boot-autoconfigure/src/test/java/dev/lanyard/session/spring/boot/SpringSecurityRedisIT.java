package dev.lanyard.session.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lanyard.session.SessionManager;
import dev.lanyard.session.redis.testing.RedisEndpoint;
import dev.lanyard.session.redis.testing.TestRedis;
import dev.lanyard.session.spring.boot.app.Browser;
import dev.lanyard.session.spring.boot.app.TestApplication;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Two instances of a Boot application with Spring Security on one private Redis: the limit is atomic across
 * simultaneous logins, and logout on one instance is refused on the other.
 */
class SpringSecurityRedisIT {

    static RedisEndpoint redis;
    static ConfigurableApplicationContext first;
    static ConfigurableApplicationContext second;

    @BeforeAll
    static void start() {
        redis = TestRedis.standalone();
        first = instance("node-a");
        second = instance("node-b");
    }

    static ConfigurableApplicationContext instance(String node) {
        return new SpringApplicationBuilder(TestApplication.class)
                .run(
                        "--server.port=0",
                        "--lanyard.store=" + redis.uri() + "?timeout=5s",
                        "--lanyard.node-id=" + node,
                        "--lanyard.cookie-name=SESSION",
                        "--lanyard.cookie-secure=false",
                        "--lanyard.session-limit=3",
                        "--lanyard.session-limit-overflow=refuse",
                        "--spring.main.banner-mode=off");
    }

    @AfterAll
    static void stop() throws Exception {
        if (first != null) {
            first.close();
        }
        if (second != null) {
            second.close();
        }
        if (redis != null) {
            redis.close();
        }
    }

    static int port(ConfigurableApplicationContext context) {
        return Integer.parseInt(context.getEnvironment().getProperty("local.server.port"));
    }

    @Test
    void thirtyTwoSimultaneousLoginsOfOneUserLeaveExactlyTheLimit() throws Exception {
        int attempts = 32;
        ExecutorService pool = Executors.newFixedThreadPool(attempts);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Boolean>> outcomes = new ArrayList<>();
        try {
            List<Browser> browsers = new ArrayList<>();
            for (int i = 0; i < attempts; i++) {
                Browser browser = new Browser(port(i % 2 == 0 ? first : second));
                browser.csrfFromLoginPage();
                browsers.add(browser);
            }
            for (Browser browser : browsers) {
                outcomes.add(pool.submit(() -> {
                    String csrf = browser.csrfFromLoginPage();
                    go.await(120, TimeUnit.SECONDS);
                    String location = browser.post(
                                    "/login",
                                    "username=carol&password=correct+horse&_csrf="
                                            + java.net.URLEncoder.encode(csrf, java.nio.charset.StandardCharsets.UTF_8))
                            .headers()
                            .firstValue("Location")
                            .orElse("");
                    return location.endsWith("/me");
                }));
            }
            go.countDown();
            int succeeded = 0;
            for (Future<Boolean> outcome : outcomes) {
                if (outcome.get(180, TimeUnit.SECONDS)) {
                    succeeded++;
                }
            }
            assertThat(succeeded).isEqualTo(3);
            assertThat(first.getBean(SessionManager.class).sessionsOf("carol")).hasSize(3);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void logoutOnOneInstanceIsRefusedOnTheOther() {
        Browser browser = new Browser(port(first));
        browser.login("alice", TestApplication.PASSWORD);
        String session = browser.cookie().orElseThrow();
        Browser elsewhere = new Browser(port(second));
        elsewhere.cookie(session);
        assertThat(elsewhere.get("/me").body()).contains("\"name\":\"alice\"");

        browser.logout(browser.csrfFromLoginPage());

        Browser replay = new Browser(port(second));
        replay.cookie(session);
        assertThat(replay.get("/me").statusCode()).isEqualTo(302);
    }

    @Test
    void aLoginOnOneInstanceIsKnownOnTheOtherWithItsRoles() {
        Browser browser = new Browser(port(first));
        browser.login("alice", TestApplication.PASSWORD);
        browser.at(port(second));
        assertThat(browser.get("/admin/page").statusCode()).isEqualTo(200);
        assertThat(browser.get("/me").body()).contains("ROLE_ADMIN");
    }
}
