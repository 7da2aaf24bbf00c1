package dev.lanyard.examples.docs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lanyard.session.servlet.LanyardSessions;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Set;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.Test;

/** Runs the guides' code: the listener from getting-started.md and the login from migrating.md. */
class DocsSnippetsTest {

    /**
     * How long a request may take: a bound for a server that hangs, not a latency promise. The first request of a
     * cold JVM loads and compiles the filter and the store, which a loaded machine makes slow.
     */
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);

    /** Logs in with the "after" code of the migration guide and shows who is logged in. */
    static final class LoginServlet extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
            MigrationExamples.loginWithLanyard(request, "alice", Set.of("customer"));
            response.setHeader("X-Test-Csrf", LanyardSessions.of(request).csrfToken()); // for the logout below
            response.getWriter().print(request.getRemoteUser() + " " + request.isUserInRole("customer"));
        }

        @Override
        protected void doDelete(HttpServletRequest request, HttpServletResponse response) {
            MigrationExamples.logout(request);
        }
    }

    @Test
    void theGettingStartedListenerInstallsTheFilterAndTheMigrationLoginWorks() throws Exception {
        Server server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler("/");
        context.addEventListener(new LanyardSetup());
        context.addServlet(new ServletHolder(new LoginServlet()), "/login");
        server.setHandler(context);
        server.start();
        try {
            HttpClient http =
                    HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            URI login = URI.create("http://127.0.0.1:" + connector.getLocalPort() + "/login");
            HttpResponse<String> response = http.send(
                    HttpRequest.newBuilder(login)
                            .timeout(REQUEST_TIMEOUT)
                            .POST(HttpRequest.BodyPublishers.noBody())
                            .build(),
                    HttpResponse.BodyHandlers.ofString());

            assertThat(response.body()).isEqualTo("alice true");
            String cookie = response.headers().firstValue("Set-Cookie").orElseThrow();
            assertThat(cookie).startsWith("__Host-session=").contains("Secure", "HttpOnly", "SameSite=Lax");

            HttpResponse<String> logout = http.send(
                    HttpRequest.newBuilder(login)
                            .timeout(REQUEST_TIMEOUT)
                            .header("Cookie", cookie.substring(0, cookie.indexOf(';')))
                            .header(
                                    "X-CSRF-Token",
                                    response.headers().firstValue("X-Test-Csrf").orElseThrow())
                            .DELETE()
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(logout.headers().firstValue("Set-Cookie"))
                    .hasValueSatisfying(
                            c -> assertThat(c).startsWith("__Host-session=;").contains("Max-Age=0"));
        } finally {
            server.stop();
        }
    }
}
