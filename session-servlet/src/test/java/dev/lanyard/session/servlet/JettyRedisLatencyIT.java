package dev.lanyard.session.servlet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.lanyard.session.SessionManager;
import dev.lanyard.session.redis.RedisSessionStore;
import dev.lanyard.session.redis.testing.RedisProcess;
import dev.lanyard.session.redis.testing.TestRedis;
import dev.lanyard.session.tck.net.FaultProxy;
import jakarta.servlet.DispatcherType;
import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.EnumSet;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A slow link between the application and Redis: latency added to every reply (by a
 * {@link FaultProxy}), below and above the command timeout, and a reply stalled past it.
 * Below the timeout every request succeeds; above it, fail-closed routes answer 503 within the
 * timeout plus a margin and fail-open routes stay up; no acknowledged count is ever lost.
 */
class JettyRedisLatencyIT {

    private static final Logger LOG = LoggerFactory.getLogger(JettyRedisLatencyIT.class);
    /**
     * The command timeout: four times the larger latency that must not fail a request, because on a
     * loaded machine a reply due 120 ms after it was sent can reach Lettuce more than 130 ms late (a
     * 250 ms timeout failed one such request in a Java 25 run of the suite).
     */
    private static final Duration TIMEOUT = Duration.ofMillis(500);
    /** A 503 comes within the timeout plus this: requests make up to a few round trips, on a loaded machine. */
    private static final Duration MARGIN = Duration.ofSeconds(2);

    private RedisProcess redis;
    private FaultProxy proxy;
    private RedisSessionStore store;
    private Server server;
    private Browser browser;

    @BeforeEach
    void start() throws Exception {
        redis = TestRedis.localServer();
        proxy = FaultProxy.start("127.0.0.1", redis.port());
        store = RedisSessionStore.builder()
                .location(proxy.uri())
                .commandTimeout(TIMEOUT)
                .build();
        SessionManager manager = SessionManager.builder(store).logEvents(false).build();
        LanyardSessionFilter filter = LanyardSessionFilter.builder(manager)
                .route(RoutePolicy.forPattern("/open/*")
                        .failureMode(FailureMode.OPEN)
                        .build())
                .build();
        server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler("/");
        context.addFilter(new FilterHolder(filter), "/*", EnumSet.allOf(DispatcherType.class));
        context.addServlet(new ServletHolder(new TestApp.CounterServlet()), "/counter");
        context.addServlet(new ServletHolder(new TestApp.CounterServlet()), "/open/*");
        server.setHandler(context);
        server.start();
        browser = new Browser(
                Browser.newClient(),
                URI.create("http://127.0.0.1:" + connector.getLocalPort() + "/"),
                CookieSettings.DEFAULT_NAME,
                Browser.newIdSet());
    }

    @AfterEach
    void stop() throws Exception {
        try {
            if (server != null) {
                server.stop();
            }
            if (store != null) {
                store.close();
            }
        } finally {
            if (proxy != null) {
                proxy.close();
            }
            if (redis != null) {
                redis.close();
            }
        }
    }

    @Test
    void latencyBelowTheTimeoutSlowsRequestsButLosesNothing() {
        int acknowledged = count(browser.get("/counter"));
        for (Duration latency : new Duration[] {Duration.ofMillis(30), Duration.ofMillis(120)}) {
            proxy.delayReplies(latency);
            for (int i = 0; i < 10; i++) {
                HttpResponse<String> response = browser.get("/counter");
                assertThat(response.statusCode())
                        .as("with %s ms per reply", latency.toMillis())
                        .isEqualTo(200);
                assertThat(count(response)).isEqualTo(acknowledged + 1);
                acknowledged++;
            }
        }
    }

    @Test
    void latencyAboveTheTimeoutFailsClosedWithin503FailsOpenWhereAllowedAndLosesNothing() {
        int acknowledged = count(browser.get("/counter"));
        String cookie = browser.cookie();
        proxy.delayReplies(TIMEOUT.multipliedBy(2));
        long slowest = 0;
        for (int i = 0; i < 8; i++) {
            long started = System.nanoTime();
            HttpResponse<String> closed = browser.get("/counter");
            long took = System.nanoTime() - started;
            slowest = Math.max(slowest, took);
            if (closed.statusCode() == 200) {
                acknowledged = Math.max(acknowledged, count(closed)); // a reply that still made it
            } else {
                assertThat(closed.statusCode()).isEqualTo(503);
                assertThat(closed.headers().firstValue("Retry-After")).isPresent();
            }
            assertThat(Duration.ofNanos(took)).isLessThan(TIMEOUT.plus(MARGIN));
            assertThat(browser.get("/open/counter").statusCode())
                    .as("fail-open route")
                    .isEqualTo(200);
        }
        proxy.delayReplies(Duration.ZERO);
        int lastAcknowledged = acknowledged;
        await("the session is back with every acknowledged count")
                .atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> {
                    HttpResponse<String> r = browser.get("/counter");
                    return r.statusCode() == 200 && count(r) > lastAcknowledged;
                });
        assertThat(browser.cookie()).as("the same session throughout").isEqualTo(cookie);
        LOG.info(
                "latency: {} ms per reply against a {} ms timeout: slowest fail-closed answer {} ms",
                TIMEOUT.multipliedBy(2).toMillis(),
                TIMEOUT.toMillis(),
                slowest / 1_000_000);
    }

    @Test
    void aReplyStalledPastTheTimeoutFailsClosedQuicklyAndTheSessionComesBack() {
        int acknowledged = count(browser.get("/counter"));
        String cookie = browser.cookie();
        proxy.stallReplies(true);
        long started = System.nanoTime();
        HttpResponse<String> closed;
        try {
            closed = browser.get("/counter");
            assertThat(browser.get("/open/counter").statusCode())
                    .as("fail-open route")
                    .isEqualTo(200);
        } finally {
            proxy.stallReplies(false);
        }
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        assertThat(closed.statusCode()).isEqualTo(503);
        assertThat(took).isLessThan(TIMEOUT.multipliedBy(2).plus(MARGIN.multipliedBy(2)));
        await("the session is back")
                .atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> {
                    HttpResponse<String> r = browser.get("/counter");
                    return r.statusCode() == 200 && count(r) > acknowledged;
                });
        assertThat(browser.cookie()).as("the same session throughout").isEqualTo(cookie);
    }

    private static int count(HttpResponse<String> response) {
        assertThat(response.body()).startsWith("count=");
        return Integer.parseInt(response.body().substring("count=".length()).trim());
    }
}
