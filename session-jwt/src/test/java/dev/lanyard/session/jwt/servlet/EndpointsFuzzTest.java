package dev.lanyard.session.jwt.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.code_intelligence.jazzer.mutation.annotation.NotNull;
import dev.lanyard.session.ClientInfo;
import dev.lanyard.session.SessionManager;
import dev.lanyard.session.jwt.AccessTokenIssuer;
import dev.lanyard.session.jwt.AccessTokenVerifier;
import dev.lanyard.session.jwt.KeyRing;
import dev.lanyard.session.jwt.RefreshTokenService;
import dev.lanyard.session.jwt.TokenAlgorithm;
import dev.lanyard.session.jwt.TokenKey;
import dev.lanyard.session.jwt.TokenKeySet;
import dev.lanyard.session.jwt.VerificationMode;
import dev.lanyard.session.memory.InMemorySessionStore;
import dev.lanyard.session.tck.MutableClock;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.LocalConnector;
import org.eclipse.jetty.server.Server;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;

/**
 * Fuzzes the request parsing of the token endpoints and of {@link BearerAuthenticator} through a
 * real Jetty, in process ({@link LocalConnector}, no socket): an {@code Authorization} header, a
 * refresh request and an RFC 7009 revocation request (query and form body) of any content are
 * answered with a 2xx or a 4xx, never a 5xx, and a made-up credential is never accepted.
 *
 * <p>{@code mvn verify} replays the inputs under {@code EndpointsFuzzTestInputs}; a fuzzing run is
 * described in {@code docs/testing.md}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EndpointsFuzzTest {

    private final MutableClock clock = MutableClock.startingNow();
    private final InMemorySessionStore store = InMemorySessionStore.create(clock);
    private final SessionManager manager =
            SessionManager.builder(store).clock(clock).logEvents(false).build();
    private final KeyRing keys = KeyRing.of(TokenKeySet.of(TokenKey.generate("h1", TokenAlgorithm.HS256)));
    private final AccessTokenIssuer issuer = AccessTokenIssuer.builder(keys)
            .issuer("https://auth.test")
            .audience("api")
            .clock(clock)
            .build();
    private final AccessTokenVerifier verifier = AccessTokenVerifier.builder(keys)
            .issuer("https://auth.test")
            .audience("api")
            .manager(manager)
            .build();
    private final RefreshTokenService refresh =
            RefreshTokenService.builder(manager, store, issuer).build();
    private Server server;
    private LocalConnector connector;

    @BeforeAll
    void start() throws Exception {
        refresh.issue(manager.login(null, "alice", ClientInfo.UNKNOWN).session());
        server = new Server();
        connector = new LocalConnector(server);
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler();
        context.addServlet(
                new ServletHolder(new ApiServlet(BearerAuthenticator.create(verifier, VerificationMode.CHECKED))),
                "/api/me");
        TokenEndpoints endpoints = TokenEndpoints.create(
                refresh, request -> Optional.empty(), TokenEndpoints.RevocationScope.FAMILY_AND_SESSION);
        context.addServlet(new ServletHolder(endpoints.refreshServlet()), "/token/refresh");
        context.addServlet(new ServletHolder(endpoints.revocationServlet()), "/token/revoke");
        server.setHandler(context);
        server.start();
    }

    @AfterAll
    void stop() throws Exception {
        server.stop();
    }

    @FuzzTest
    void anyAuthorizationHeaderIsAnsweredWithout5xx(@NotNull String header) throws Exception {
        int status = status("GET /api/me HTTP/1.1\r\nHost: api.test\r\nAuthorization: " + oneLine(header)
                + "\r\nConnection: close\r\n\r\n");

        assertThat(status).isIn(400, 401, 431);
    }

    @FuzzTest
    void anyRefreshRequestIsAnsweredWithout5xx(FuzzedDataProvider data) throws Exception {
        int status = post("/token/refresh", data);

        assertThat(status).as("a made-up refresh token is refused").isIn(400, 413, 414, 415, 431);
    }

    @FuzzTest
    void anyRevocationRequestIsAnsweredWithout5xx(FuzzedDataProvider data) throws Exception {
        int status = post("/token/revoke", data);

        assertThat(status).isIn(200, 400, 413, 414, 415, 431);
    }

    private int post(String path, FuzzedDataProvider data) throws Exception {
        String query =
                data.consumeBoolean() ? "?" + oneLine(data.consumeString(40)).replace(' ', '+') : "";
        String contentType =
                data.consumeBoolean() ? "application/x-www-form-urlencoded" : oneLine(data.consumeString(40));
        byte[] body = data.consumeRemainingAsBytes();
        return status("POST " + path + query + " HTTP/1.1\r\nHost: api.test\r\nContent-Type: " + contentType
                + "\r\nContent-Length: " + body.length + "\r\nConnection: close\r\n\r\n"
                + new String(body, StandardCharsets.ISO_8859_1));
    }

    private int status(String request) throws Exception {
        String response = connector.getResponse(request, 10, TimeUnit.SECONDS);
        assertThat(response).as("a response").startsWith("HTTP/1.1 ");
        return Integer.parseInt(response.substring(9, 12));
    }

    /** Keeps the fuzzed text inside one header line (or the request line): no CR, LF, NUL or '#'. */
    private static String oneLine(String text) {
        return text.replaceAll("[\\r\\n\\x00#]", " ");
    }

    /** A protected API resource. */
    private static final class ApiServlet extends HttpServlet {
        private static final long serialVersionUID = 1L;
        private final transient BearerAuthenticator authenticator;

        ApiServlet(BearerAuthenticator authenticator) {
            this.authenticator = authenticator;
        }

        @Override
        protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
            if (authenticator.authenticate(request, response).isPresent()) {
                response.getWriter().write("hello");
            }
        }
    }
}
