package dev.lanyard.session.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lanyard.session.SessionManager;
import dev.lanyard.session.redis.testing.RedisEndpoint;
import dev.lanyard.session.redis.testing.TestRedis;
import dev.lanyard.session.spring.boot.app.Browser;
import dev.lanyard.session.spring.boot.app.TestApplication;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Spring Security's own {@code sessionManagement(s -> s.maximumSessions(3))}, written in the
 * application's chain, is enforced by Lanyard's store: simultaneous logins of one user cannot get
 * past it (the registry-based check of Spring Security lets them, spring-security #12867), on one
 * node and on two nodes sharing Redis, with either overflow rule, with no Lanyard property set.
 */
class MaximumSessionsIT {

    private static final int ATTEMPTS = 32;

    private static ConfigurableApplicationContext start(String store, String node, String... more) {
        List<String> args = new ArrayList<>(List.of(
                "--server.port=0",
                "--lanyard.store=" + store,
                "--lanyard.node-id=" + node,
                "--lanyard.cookie-name=SESSION",
                "--lanyard.cookie-secure=false",
                "--spring.main.banner-mode=off"));
        args.addAll(List.of(more));
        return new SpringApplicationBuilder(TestApplication.class).run(args.toArray(String[]::new));
    }

    private static int port(ConfigurableApplicationContext context) {
        return Integer.parseInt(context.getEnvironment().getProperty("local.server.port"));
    }

    /** Logs carol in from {@link #ATTEMPTS} browsers at once; returns the browsers let in. */
    private static List<Browser> simultaneousLogins(int... ports) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(ATTEMPTS);
        CountDownLatch go = new CountDownLatch(1);
        try {
            List<Browser> browsers = new ArrayList<>();
            List<Future<Boolean>> outcomes = new ArrayList<>();
            for (int i = 0; i < ATTEMPTS; i++) {
                Browser browser = new Browser(ports[i % ports.length]);
                browsers.add(browser);
                outcomes.add(pool.submit(() -> {
                    String csrf = browser.csrfFromLoginPage();
                    go.await(120, TimeUnit.SECONDS);
                    return browser.post(
                                    "/login",
                                    "username=carol&password=correct+horse&_csrf="
                                            + URLEncoder.encode(csrf, StandardCharsets.UTF_8))
                            .headers()
                            .firstValue("Location")
                            .orElse("")
                            .endsWith("/me");
                }));
            }
            go.countDown();
            List<Browser> admitted = new ArrayList<>();
            for (int i = 0; i < ATTEMPTS; i++) {
                if (outcomes.get(i).get(180, TimeUnit.SECONDS)) {
                    admitted.add(browsers.get(i));
                }
            }
            return admitted;
        } finally {
            pool.shutdownNow();
        }
    }

    private static long signedIn(List<Browser> browsers) {
        return browsers.stream().filter(b -> b.get("/me").statusCode() == 200).count();
    }

    @Test
    void theDslsLimitLeavesExactlyThreeSessionsOfThirtyTwoSimultaneousLogins() throws Exception {
        try (ConfigurableApplicationContext app = start("memory:", "node-a", "--test.maximum-sessions=3")) {
            List<Browser> admitted = simultaneousLogins(port(app));

            assertThat(app.getBean(SessionManager.class).sessionsOf("carol")).hasSize(3);
            assertThat(signedIn(admitted)).isEqualTo(3);
        }
    }

    @Test
    void theDslsLimitHoldsAcrossTwoNodesOnRedis() throws Exception {
        try (RedisEndpoint redis = TestRedis.standalone();
                ConfigurableApplicationContext first =
                        start(redis.uri() + "?timeout=5s", "node-a", "--test.maximum-sessions=3");
                ConfigurableApplicationContext second =
                        start(redis.uri() + "?timeout=5s", "node-b", "--test.maximum-sessions=3")) {
            List<Browser> admitted = simultaneousLogins(port(first), port(second));

            assertThat(first.getBean(SessionManager.class).sessionsOf("carol")).hasSize(3);
            assertThat(signedIn(admitted)).isEqualTo(3);
        }
    }

    @Test
    void maxSessionsPreventsLoginRefusesEveryLoginBeyondTheLimit() throws Exception {
        try (ConfigurableApplicationContext app =
                start("memory:", "node-a", "--test.maximum-sessions=3", "--test.prevents-login=true")) {
            List<Browser> admitted = simultaneousLogins(port(app));
            assertThat(admitted).hasSize(3);

            Browser fourth = new Browser(port(app));
            assertThat(fourth.login("carol", TestApplication.PASSWORD).headers().firstValue("Location"))
                    .hasValueSatisfying(location -> assertThat(location).contains("/login?error"));
            assertThat(app.getBean(SessionManager.class).sessionsOf("carol")).hasSize(3);
            assertThat(signedIn(admitted)).isEqualTo(3);
        }
    }

    @Test
    void theChainsDslLimitWinsOverLanyardsOwnForItsLogins() throws Exception {
        try (ConfigurableApplicationContext app = start(
                "memory:",
                "node-a",
                "--test.maximum-sessions=3",
                "--lanyard.session-limit=20",
                "--lanyard.session-limit-overflow=evict")) {
            List<Browser> admitted = simultaneousLogins(port(app));

            assertThat(app.getBean(SessionManager.class).policy().sessionLimit().maxSessions())
                    .isEqualTo(20);
            assertThat(app.getBean(SessionManager.class).sessionsOf("carol")).hasSize(3);
            assertThat(signedIn(admitted)).isEqualTo(3);
        }
    }
}
