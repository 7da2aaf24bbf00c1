package dev.lanyard.session.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lanyard.session.SessionManager;
import dev.lanyard.session.redis.RedisSessionStore;
import dev.lanyard.session.redis.testing.RedisProcess;
import dev.lanyard.session.redis.testing.TestRedis;
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

/**
 * A real outage: the redis-server behind the store is frozen (SIGSTOP) past the store's command
 * timeout. Fail-closed routes answer 503 with Retry-After promptly instead of hanging, fail-open
 * routes serve the request without a session, and once Redis resumes the same session is back.
 */
class JettyRedisOutageIT {

    private static final Duration TIMEOUT = Duration.ofMillis(250);

    private RedisProcess redis;
    private RedisSessionStore store;
    private Server server;
    private Browser browser;

    @BeforeEach
    void start() throws Exception {
        redis = TestRedis.localServer();
        store = RedisSessionStore.builder()
                .location(redis.uri())
                .commandTimeout(TIMEOUT)
                .build();
        SessionManager manager = SessionManager.builder(store).build();
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
            if (redis != null) {
                redis.close();
            }
        }
    }

    @Test
    void aFrozenStoreFailsClosedQuicklyFailsOpenWhereAllowedAndRecovers() {
        assertThat(browser.get("/counter").body()).isEqualTo("count=1");
        String cookie = browser.cookie();

        redis.pause();
        try {
            long started = System.nanoTime();
            HttpResponse<String> closed = browser.get("/counter");
            Duration elapsed = Duration.ofNanos(System.nanoTime() - started);
            assertThat(closed.statusCode()).isEqualTo(503);
            assertThat(closed.headers().firstValue("Retry-After")).isPresent();
            assertThat(closed.body()).doesNotContain("Exception").doesNotContain("at dev.lanyard");
            // Bounded by the store's timeout, not by a hang: a generous margin for a loaded machine.
            assertThat(elapsed).isLessThan(TIMEOUT.plusSeconds(3));

            HttpResponse<String> open = browser.get("/open/counter");
            assertThat(open.statusCode()).isEqualTo(200);
            assertThat(open.body()).as("served without the stored session").isEqualTo("count=1");
        } finally {
            redis.resume();
        }

        assertThat(browser.cookie())
                .as("the client kept its session cookie through the outage")
                .isEqualTo(cookie);
        assertThat(browser.get("/counter").body()).as("the same session, back").isEqualTo("count=2");
    }
}
