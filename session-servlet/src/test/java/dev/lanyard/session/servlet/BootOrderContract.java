package dev.lanyard.session.servlet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.lanyard.session.SessionManager;
import dev.lanyard.session.StoreState;
import dev.lanyard.session.redis.RedisSessionStore;
import dev.lanyard.session.redis.testing.RedisProcess;
import dev.lanyard.session.redis.testing.TestRedis;
import dev.lanyard.session.servlet.SessionFilterContract.Deployment;
import dev.lanyard.session.servlet.SessionFilterContract.Running;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Boot order: the container starts the application while Redis is stopped. The application
 * deploys, fail-open routes answer 200 with a transient session, fail-closed routes 503 with
 * {@code Retry-After}, the store's state reads CONNECTING through the manager the filter
 * publishes; then Redis starts on the same port and, within a bounded time, sessions work on the
 * same node with no restart. Once through init-parameters ({@code web.xml}) and once through the
 * builder. Each container runs this through a subclass.
 */
abstract class BootOrderContract {

    private static final Duration RECOVERY = Duration.ofSeconds(20);
    private static final String COOKIE = "sid";

    /** Starts the container, as the container's {@link SessionFilterContract} subclass does. */
    protected abstract Running start(Deployment deployment) throws Exception;

    private final HttpClient client = Browser.newClient();
    private RedisProcess redis;
    private RedisSessionStore ownStore;
    private Running server;

    @BeforeEach
    void stopRedisBeforeTheApplicationStarts() {
        redis = TestRedis.localServer();
        redis.stop();
    }

    @AfterEach
    void stopEverything() throws Exception {
        try {
            if (server != null) {
                server.close();
            }
            if (ownStore != null) {
                ownStore.close();
            }
        } finally {
            redis.close();
        }
    }

    @Test
    void anApplicationConfiguredByInitParametersDeploysWithRedisDownAndWorksOnceRedisStarts() throws Exception {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("store", "redis://127.0.0.1:" + redis.port());
        params.put("cookieName", COOKIE);
        params.put("cookieSecure", "false");
        params.put("route:/open/*", "failureMode=open");
        server = start(new Deployment(null, params, servlets(), Map.of()));

        assertBootOrder();
    }

    @Test
    void anApplicationBuiltWithTheBuilderDeploysWithRedisDownAndWorksOnceRedisStarts() throws Exception {
        ownStore = RedisSessionStore.builder()
                .standalone("127.0.0.1", redis.port())
                .build();
        SessionManager manager = SessionManager.builder(ownStore).build();
        LanyardSessionFilter filter = LanyardSessionFilter.builder(manager)
                .cookie(CookieSettings.builder().name(COOKIE).secure(false).build())
                .route(RoutePolicy.forPattern("/open/*")
                        .failureMode(FailureMode.OPEN)
                        .build())
                .build();
        server = start(new Deployment(filter, Map.of(), servlets(), Map.of()));

        assertBootOrder();
    }

    private void assertBootOrder() {
        Browser browser = new Browser(client, server.base(), COOKIE, Browser.newIdSet());

        assertThat(browser.get("/ready").body()).isEqualTo("CONNECTING");
        HttpResponse<String> closed = browser.get("/counter");
        assertThat(closed.statusCode()).isEqualTo(503);
        assertThat(closed.headers().firstValue("Retry-After")).isPresent();
        assertThat(closed.body()).doesNotContain("Exception");
        HttpResponse<String> open = browser.get("/open/counter");
        assertThat(open.statusCode()).isEqualTo(200);
        assertThat(open.body()).isEqualTo("count=1");
        assertThat(browser.cookie()).as("a transient session sends no cookie").isNull();

        redis.restart();

        await().atMost(RECOVERY)
                .pollInterval(Duration.ofMillis(100))
                .until(() -> browser.get("/counter").statusCode() == 200);
        assertThat(browser.cookie()).isNotNull();
        assertThat(browser.get("/counter").body())
                .as("the same session, stored")
                .isEqualTo("count=2");
        assertThat(browser.get("/open/counter").body()).isEqualTo("count=3");
        assertThat(browser.get("/ready").body()).isEqualTo("UP");
    }

    private Map<String, HttpServlet> servlets() {
        Map<String, HttpServlet> servlets = new LinkedHashMap<>();
        servlets.put("/counter", new TestApp.CounterServlet());
        servlets.put("/open/*", new TestApp.CounterServlet());
        servlets.put("/ready", new ReadinessServlet());
        return servlets;
    }

    /** A readiness endpoint as an application would write it, on the manager the filter publishes. */
    static final class ReadinessServlet extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            // [manager-from-context-start]
            SessionManager manager = LanyardSessions.manager(req.getServletContext());
            StoreState state = manager.storeHealth().state(); // UP, CONNECTING or DOWN, no round trip
            resp.setStatus(state == StoreState.UP ? 200 : 503);
            // [manager-from-context-end]
            TestApp.text(resp, state.name());
        }
    }
}
