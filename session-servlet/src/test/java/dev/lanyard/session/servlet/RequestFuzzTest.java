package dev.lanyard.session.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.code_intelligence.jazzer.mutation.annotation.NotNull;
import dev.lanyard.session.SessionManager;
import dev.lanyard.session.memory.InMemorySessionStore;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.io.IOException;
import java.util.EnumSet;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.LocalConnector;
import org.eclipse.jetty.server.Server;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;

/**
 * Fuzzes how {@link LanyardSessionFilter} reads a presented session ID, through a real Jetty in
 * process ({@link LocalConnector}, no socket): any {@code Cookie} header, and any value of the
 * configured ID header, is answered without a 5xx, and never resolves a session that the client
 * was not given.
 *
 * <p>{@code mvn verify} replays the inputs under {@code RequestFuzzTestInputs}; a fuzzing run is
 * described in {@code docs/testing.md}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RequestFuzzTest {

    private final SessionManager manager = SessionManager.builder(InMemorySessionStore.create())
            .logEvents(false)
            .build();
    private Server server;
    private LocalConnector connector;

    @BeforeAll
    void start() throws Exception {
        server = new Server();
        connector = new LocalConnector(server);
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler();
        LanyardSessionFilter filter =
                LanyardSessionFilter.builder(manager).headerName("X-Session").build();
        context.addFilter(new FilterHolder(filter), "/*", EnumSet.allOf(DispatcherType.class));
        context.addServlet(new ServletHolder(new PageServlet()), "/*");
        server.setHandler(context);
        server.start();
    }

    @AfterAll
    void stop() throws Exception {
        server.stop();
    }

    @FuzzTest
    void anyCookieHeaderIsAnsweredWithout5xx(@NotNull String cookie) throws Exception {
        String response = get("Cookie: " + oneLine(cookie));

        assertThat(status(response)).isLessThan(500);
        assertThat(response).doesNotContain("session found");
    }

    @FuzzTest
    void anyIdHeaderIsAnsweredWithout5xx(@NotNull String id) throws Exception {
        String response = get("X-Session: " + oneLine(id));

        assertThat(status(response)).isLessThan(500);
        assertThat(response).doesNotContain("session found");
    }

    private String get(String header) throws Exception {
        String response = connector.getResponse(
                "GET /page HTTP/1.1\r\nHost: app.test\r\n" + header + "\r\nConnection: close\r\n\r\n",
                10,
                TimeUnit.SECONDS);
        assertThat(response).as("a response").startsWith("HTTP/1.1 ");
        return response;
    }

    private static int status(String response) {
        return Integer.parseInt(response.substring(9, 12));
    }

    /** Keeps the fuzzed text inside one header line: no CR, LF or NUL. */
    private static String oneLine(String text) {
        return text.replaceAll("[\\r\\n\\x00]", " ");
    }

    /** A page that reports whether the request resolved a session, without creating one. */
    private static final class PageServlet extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
            HttpSession session = request.getSession(false);
            response.getWriter().write(session == null ? "no session" : "session found");
        }
    }
}
