package dev.lanyard.session.jwt.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lanyard.session.ClientInfo;
import dev.lanyard.session.NewSession;
import dev.lanyard.session.SessionManager;
import dev.lanyard.session.jwt.AccessTokenIssuer;
import dev.lanyard.session.jwt.AccessTokenVerifier;
import dev.lanyard.session.jwt.KeyRing;
import dev.lanyard.session.jwt.RefreshTokenService;
import dev.lanyard.session.jwt.TokenAlgorithm;
import dev.lanyard.session.jwt.TokenKey;
import dev.lanyard.session.jwt.TokenKeySet;
import dev.lanyard.session.jwt.VerificationMode;
import dev.lanyard.session.jwt.VerifiedToken;
import dev.lanyard.session.memory.InMemorySessionStore;
import dev.lanyard.session.spi.AtomicValueStore;
import dev.lanyard.session.tck.MutableClock;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The bearer helper and the token endpoints in a real Jetty, driven over real HTTP. */
class BearerAndEndpointsTest {

    private final MutableClock clock = MutableClock.startingNow();
    private final InMemorySessionStore memory = InMemorySessionStore.create(clock);
    private final FlakyStore store = new FlakyStore(memory);
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
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private Server server;
    private String base;

    @BeforeEach
    void start() throws Exception {
        server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setPort(0);
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler();
        context.addServlet(
                new ServletHolder(new ApiServlet(BearerAuthenticator.create(verifier, VerificationMode.CHECKED))),
                "/api/me");
        TokenEndpoints endpoints = TokenEndpoints.create(
                refresh,
                request -> manager.resolve(request.getHeader("X-Session")).session(),
                TokenEndpoints.RevocationScope.FAMILY);
        context.addServlet(new ServletHolder(endpoints.issueServlet()), "/token/issue");
        context.addServlet(new ServletHolder(endpoints.refreshServlet()), "/token/refresh");
        context.addServlet(new ServletHolder(endpoints.revocationServlet()), "/token/revoke");
        context.addServlet(new ServletHolder(new JwksServlet(keys, Duration.ofMinutes(5))), "/jwks.json");
        server.setHandler(context);
        server.start();
        base = "http://localhost:" + connector.getLocalPort();
    }

    @AfterEach
    void stop() throws Exception {
        server.stop();
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
            Optional<VerifiedToken> token = authenticator.authenticate(request, response);
            if (token.isPresent()) {
                response.getWriter().write("hello " + token.get().subject());
            }
        }
    }

    /** A store that can be switched off, as a store that cannot be reached behaves. */
    private static final class FlakyStore implements dev.lanyard.session.spi.SessionStore, AtomicValueStore {
        private final InMemorySessionStore delegate;
        volatile boolean down;

        FlakyStore(InMemorySessionStore delegate) {
            this.delegate = delegate;
        }

        private void check() {
            if (down) {
                throw new dev.lanyard.session.StoreUnavailableException("store down (test)", null);
            }
        }

        @Override
        public Optional<dev.lanyard.session.spi.SessionRecord> load(dev.lanyard.session.SessionHandle handle) {
            check();
            return delegate.load(handle);
        }

        @Override
        public boolean create(dev.lanyard.session.spi.SessionRecord record, Duration ttl) {
            check();
            return delegate.create(record, ttl);
        }

        @Override
        public dev.lanyard.session.spi.UpdateResult update(
                dev.lanyard.session.SessionHandle handle, dev.lanyard.session.spi.SessionDelta delta) {
            check();
            return delegate.update(handle, delta);
        }

        @Override
        public Optional<dev.lanyard.session.spi.SessionRecord> rotate(
                dev.lanyard.session.SessionHandle from, dev.lanyard.session.spi.Rotation rotation) {
            check();
            return delegate.rotate(from, rotation);
        }

        @Override
        public boolean delete(dev.lanyard.session.SessionHandle handle) {
            check();
            return delegate.delete(handle);
        }

        @Override
        public Optional<byte[]> get(String key) {
            check();
            return delegate.get(key);
        }

        @Override
        public boolean putIfAbsent(String key, byte[] value, Duration ttl) {
            check();
            return delegate.putIfAbsent(key, value, ttl);
        }

        @Override
        public boolean compareAndSet(String key, byte[] expected, byte[] replacement, Duration ttl) {
            check();
            return delegate.compareAndSet(key, expected, replacement, ttl);
        }

        @Override
        public boolean remove(String key) {
            check();
            return delegate.remove(key);
        }
    }

    private HttpResponse<String> get(String path, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path))
                .timeout(Duration.ofSeconds(10))
                .GET();
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String path, String form, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path))
                .timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form));
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String field(String json, String name) {
        Matcher m = Pattern.compile("\"" + name + "\":\"([^\"]+)\"").matcher(json);
        assertThat(m.find()).as(name + " in " + json).isTrue();
        return m.group(1);
    }

    private static String form(String... pairs) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < pairs.length; i += 2) {
            b.append(b.length() == 0 ? "" : "&")
                    .append(pairs[i])
                    .append('=')
                    .append(URLEncoder.encode(pairs[i + 1], StandardCharsets.UTF_8));
        }
        return b.toString();
    }

    private NewSession login() {
        return manager.login(null, "alice", ClientInfo.UNKNOWN);
    }

    @Test
    void aValidBearerTokenReachesTheResource() throws Exception {
        String token = issuer.issue(login().session()).value();

        HttpResponse<String> response = get("/api/me", "Authorization", "Bearer " + token);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("hello alice");
    }

    @Test
    void noCredentialsGetABareBearerChallenge() throws Exception {
        HttpResponse<String> response = get("/api/me");
        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.headers().firstValue("WWW-Authenticate")).contains("Bearer");
    }

    @Test
    void malformedAuthorizationHeadersGet401InvalidTokenNeverA500() throws Exception {
        String[] malformed = {
            "Bearer",
            "Bearer    ",
            "Bearer a b",
            "Basic dXNlcjpwYXNz",
            "bearer,abc",
            "Bearer ===",
            "Bearer a=b",
            "Bearer " + "a".repeat(6000),
            "Bearer e30.e30.e30",
            "Bearer \"quoted\"",
            "Token abc"
        };
        for (String header : malformed) {
            HttpResponse<String> response = get("/api/me", "Authorization", header);
            assertThat(response.statusCode()).as(header).isEqualTo(401);
            assertThat(response.headers().firstValue("WWW-Authenticate"))
                    .as(header)
                    .contains("Bearer error=\"invalid_token\"");
        }
    }

    @Test
    void twoAuthorizationHeadersAreMalformed() throws Exception {
        String token = issuer.issue(login().session()).value();
        HttpResponse<String> response =
                get("/api/me", "Authorization", "Bearer " + token, "Authorization", "Bearer " + token);
        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.headers().firstValue("WWW-Authenticate")).contains("Bearer error=\"invalid_token\"");
    }

    @Test
    void anOversizedHeaderIsAClientErrorNotA500() throws Exception {
        HttpResponse<String> response = get("/api/me", "Authorization", "Bearer " + "a".repeat(20_000));
        assertThat(response.statusCode()).isBetween(400, 499);
    }

    @Test
    void expiredAndRevokedTokensGet401InvalidToken() throws Exception {
        NewSession session = login();
        String token = issuer.issue(session.session()).value();

        manager.logout(session.session());
        assertThat(get("/api/me", "Authorization", "Bearer " + token).statusCode())
                .isEqualTo(401);

        String other = issuer.issue(login().session()).value();
        clock.advance(Duration.ofMinutes(10));
        HttpResponse<String> expired = get("/api/me", "Authorization", "Bearer " + other);
        assertThat(expired.statusCode()).isEqualTo(401);
        assertThat(expired.headers().firstValue("WWW-Authenticate")).contains("Bearer error=\"invalid_token\"");
        assertThat(expired.body()).doesNotContain(other);
    }

    @Test
    void aStoreOutageOnACheckedRouteGives503NotA500() throws Exception {
        String token = issuer.issue(login().session()).value();
        store.down = true;
        HttpResponse<String> response = get("/api/me", "Authorization", "Bearer " + token);
        store.down = false;
        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(response.headers().firstValue("Retry-After")).isPresent();
    }

    @Test
    void issueRefreshAndRevokeOverHttp() throws Exception {
        NewSession session = login();

        HttpResponse<String> issued =
                post("/token/issue", "", "X-Session", session.id().value());
        assertThat(issued.statusCode()).isEqualTo(200);
        assertThat(issued.headers().firstValue("Cache-Control")).contains("no-store");
        assertThat(issued.body()).contains("\"token_type\":\"Bearer\"", "\"expires_in\":300");
        String first = field(issued.body(), "refresh_token");
        assertThat(get("/api/me", "Authorization", "Bearer " + field(issued.body(), "access_token"))
                        .statusCode())
                .isEqualTo(200);

        HttpResponse<String> refreshed =
                post("/token/refresh", form("grant_type", "refresh_token", "refresh_token", first));
        assertThat(refreshed.statusCode()).isEqualTo(200);
        String second = field(refreshed.body(), "refresh_token");
        assertThat(second).isNotEqualTo(first);

        assertThat(post("/token/revoke", form("token", second)).statusCode()).isEqualTo(200);
        HttpResponse<String> afterRevoke =
                post("/token/refresh", form("grant_type", "refresh_token", "refresh_token", second));
        assertThat(afterRevoke.statusCode()).isEqualTo(400);
        assertThat(afterRevoke.body()).isEqualTo("{\"error\":\"invalid_grant\"}");
    }

    @Test
    void aReplayedRefreshTokenIsAnInvalidGrantAndEndsTheSession() throws Exception {
        NewSession session = login();
        String first = field(
                post("/token/issue", "", "X-Session", session.id().value()).body(), "refresh_token");
        assertThat(post("/token/refresh", form("grant_type", "refresh_token", "refresh_token", first))
                        .statusCode())
                .isEqualTo(200);

        HttpResponse<String> replay =
                post("/token/refresh", form("grant_type", "refresh_token", "refresh_token", first));

        assertThat(replay.statusCode()).isEqualTo(400);
        assertThat(replay.body()).contains("invalid_grant");
        assertThat(manager.resolve(session.id()).isFound()).isFalse();
    }

    @Test
    void revokingAnUnknownTokenIs200() throws Exception {
        assertThat(post("/token/revoke", form("token", "A".repeat(43))).statusCode())
                .isEqualTo(200);
        assertThat(post("/token/revoke", form("token", "garbage")).statusCode()).isEqualTo(200);
    }

    @Test
    void badTokenRequestsAreClientErrors() throws Exception {
        assertThat(post("/token/issue", "").statusCode()).isEqualTo(401);
        assertThat(post("/token/refresh", form("refresh_token", "x")).statusCode())
                .isEqualTo(400);
        HttpResponse<String> grant = post("/token/refresh", form("grant_type", "password", "refresh_token", "x"));
        assertThat(grant.statusCode()).isEqualTo(400);
        assertThat(grant.body()).contains("unsupported_grant_type");
        assertThat(post("/token/refresh?refresh_token=abc", form("grant_type", "refresh_token"))
                        .statusCode())
                .isEqualTo(400);
        assertThat(post("/token/revoke", "").statusCode()).isEqualTo(400);
        assertThat(get("/token/refresh").statusCode()).isEqualTo(405);
    }

    @Test
    void aPercentEncodedTokenParameterInTheQueryIsRefused() throws Exception {
        String valid = refresh.issue(login().session()).refreshToken();
        // Positive control: the same token in the body is accepted.
        String second = field(
                post("/token/refresh", form("grant_type", "refresh_token", "refresh_token", valid))
                        .body(),
                "refresh_token");

        HttpResponse<String> encodedName =
                post("/token/refresh?refresh_%74oken=" + second, form("grant_type", "refresh_token"));
        HttpResponse<String> plusName =
                post("/token/refresh?refresh%5Ftoken=" + second, form("grant_type", "refresh_token"));
        HttpResponse<String> revoke = post("/token/revoke?%74oken=" + second, "");
        HttpResponse<String> upper = post("/token/revoke?TOKEN=" + second, form("token", "x"));

        assertThat(encodedName.statusCode()).isEqualTo(400);
        assertThat(encodedName.body()).contains("invalid_request");
        assertThat(plusName.statusCode()).isEqualTo(400);
        assertThat(revoke.statusCode()).isEqualTo(400);
        assertThat(upper.statusCode()).isEqualTo(400);
        // The token was never used: it still refreshes from the body.
        assertThat(post("/token/refresh", form("grant_type", "refresh_token", "refresh_token", second))
                        .statusCode())
                .isEqualTo(200);
    }

    @Test
    void theJwksDocumentPublishesPublicKeysOnlyAndFollowsRotation() throws Exception {
        HttpResponse<String> hmacOnly = get("/jwks.json");
        assertThat(hmacOnly.statusCode()).isEqualTo(200);
        assertThat(hmacOnly.body()).isEqualTo("{\"keys\":[]}");

        keys.rotateTo(TokenKey.generate("e2", TokenAlgorithm.ES256));
        HttpResponse<String> rotated = get("/jwks.json");

        assertThat(rotated.headers().firstValue("Content-Type"))
                .hasValueSatisfying(v -> assertThat(v).startsWith("application/jwk-set+json"));
        assertThat(rotated.headers().firstValue("Cache-Control")).contains("public, max-age=300");
        assertThat(rotated.body())
                .contains("\"kid\":\"e2\"", "\"alg\":\"ES256\"")
                .doesNotContain("\"d\"", "\"kid\":\"h1\"");
    }

    @Test
    void aStoreOutageOnRefreshGives503() throws Exception {
        String first = refresh.issue(login().session()).refreshToken();
        store.down = true;
        HttpResponse<String> response =
                post("/token/refresh", form("grant_type", "refresh_token", "refresh_token", first));
        store.down = false;
        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(response.body()).contains("temporarily_unavailable");
    }
}
