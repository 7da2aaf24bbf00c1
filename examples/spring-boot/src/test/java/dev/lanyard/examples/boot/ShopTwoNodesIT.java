package dev.lanyard.examples.boot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lanyard.session.Session;
import dev.lanyard.session.SessionManager;
import dev.lanyard.session.jwt.AccessTokenIssuer;
import dev.lanyard.session.jwt.KeyRing;
import dev.lanyard.session.redis.testing.RedisEndpoint;
import dev.lanyard.session.redis.testing.TestRedis;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The example as two nodes on one private Redis: an administrator's role change on one node is in
 * force at the user's next request on the other, and {@code /api/**} takes bearer tokens of a live
 * session only (a missing, expired or revoked one is refused). An anonymous cart filled on one node crosses a
 * login on the other.
 */
class ShopTwoNodesIT {

    private static final Pattern ACCESS_TOKEN = Pattern.compile("\"access_token\":\"([^\"]+)\"");

    static RedisEndpoint redis;
    static ConfigurableApplicationContext first;
    static ConfigurableApplicationContext second;

    @BeforeAll
    static void start() {
        redis = TestRedis.standalone();
        first = node("node-a");
        second = node("node-b");
    }

    static ConfigurableApplicationContext node(String name) {
        return new SpringApplicationBuilder(ShopApplication.class)
                .run(
                        "--server.port=0",
                        "--lanyard.store=" + redis.uri() + "?timeout=5s",
                        "--lanyard.node-id=" + name,
                        "--spring.main.banner-mode=off");
    }

    @AfterAll
    static void stop() throws Exception {
        for (AutoCloseable closeable : new AutoCloseable[] {first, second, redis}) {
            if (closeable != null) {
                closeable.close();
            }
        }
    }

    static int port(ConfigurableApplicationContext node) {
        return Integer.parseInt(node.getEnvironment().getProperty("local.server.port"));
    }

    private static String accessToken(ShopClient client) {
        HttpResponse<String> issued = client.postFrom("/", "/token", "");
        assertThat(issued.statusCode()).isEqualTo(200);
        Matcher m = ACCESS_TOKEN.matcher(issued.body());
        assertThat(m.find()).as("token in %s", issued.body()).isTrue();
        return m.group(1);
    }

    private static Session sessionOf(String user) {
        SessionManager manager = first.getBean(SessionManager.class);
        return manager.lookup(manager.sessionsOf(user).get(0).handle())
                .session()
                .orElseThrow();
    }

    @Test
    void anAdminsRoleChangeIsInForceAtOnceOnTheOtherNode() {
        ShopClient bob = new ShopClient(port(second));
        bob.login("bob");
        assertThat(bob.get("/admin").statusCode()).isEqualTo(403);

        ShopClient alice = new ShopClient(port(first));
        alice.login("alice");
        assertThat(alice.postFrom("/admin", "/admin/roles", "user=bob&roles=ROLE_USER,ROLE_ADMIN")
                        .statusCode())
                .isEqualTo(302);

        assertThat(bob.get("/admin").statusCode()).isEqualTo(200);
        assertThat(bob.get("/").body()).contains("ROLE_ADMIN");

        alice.postFrom("/admin", "/admin/roles", "user=bob&roles=ROLE_USER");
        assertThat(bob.get("/admin").statusCode()).isEqualTo(403);
    }

    @Test
    void anAnonymousCartCrossesALoginOnTheOtherNode() {
        ShopClient visitor = new ShopClient(port(first));
        assertThat(visitor.postFrom("/cart", "/cart", "item=badge").statusCode())
                .isEqualTo(302);
        assertThat(visitor.get("/cart").body()).contains("Not signed in").contains("Badge holder × 1");

        visitor.at(port(second)).login("bob");

        assertThat(visitor.at(port(first)).get("/cart").body())
                .contains("Signed in as bob")
                .contains("Badge holder × 1");
    }

    @Test
    void aBearerTokenOfALiveSessionIsAcceptedOnEitherNode() {
        ShopClient browser = new ShopClient(port(first));
        browser.login("alice");
        String token = accessToken(browser);

        HttpResponse<String> here = new ShopClient(port(first)).getWithBearer("/api/me", token);
        HttpResponse<String> there = new ShopClient(port(second)).getWithBearer("/api/me", token);
        assertThat(here.statusCode()).isEqualTo(200);
        assertThat(here.body()).contains("\"user\":\"alice\"");
        assertThat(there.statusCode()).isEqualTo(200);
    }

    @Test
    void theApiRefusesARequestWithoutAToken() {
        HttpResponse<String> response = new ShopClient(port(second)).get("/api/me");
        assertThat(response.statusCode()).isEqualTo(401);
    }

    @Test
    void theApiRefusesAnExpiredToken() {
        ShopClient browser = new ShopClient(port(first));
        browser.login("alice");
        browser.get("/");
        Session session = sessionOf("alice");
        KeyRing keys = first.getBean(KeyRing.class);
        Instant hourAgo = Instant.now().minus(Duration.ofHours(1));
        AccessTokenIssuer current = AccessTokenIssuer.builder(keys)
                .issuer("http://localhost")
                .audience("shop-api")
                .build();
        AccessTokenIssuer past = AccessTokenIssuer.builder(keys)
                .issuer("http://localhost")
                .audience("shop-api")
                .clock(Clock.fixed(hourAgo, ZoneOffset.UTC))
                .build();
        ShopClient api = new ShopClient(port(second));

        // positive control: the same keys and claims, issued now, are accepted
        assertThat(api.getWithBearer("/api/me", current.issue(session).value()).statusCode())
                .isEqualTo(200);
        assertThat(api.getWithBearer("/api/me", past.issue(session).value()).statusCode())
                .isEqualTo(401);
    }

    @Test
    void theApiRefusesATokenWhoseSessionWasRevoked() {
        ShopClient browser = new ShopClient(port(first));
        browser.login("bob");
        String token = accessToken(browser);
        ShopClient api = new ShopClient(port(second));
        assertThat(api.getWithBearer("/api/me", token).statusCode()).isEqualTo(200);

        assertThat(browser.postFrom("/", "/logout", "").statusCode()).isEqualTo(302);

        assertThat(api.getWithBearer("/api/me", token).statusCode()).isEqualTo(401);
    }
}
