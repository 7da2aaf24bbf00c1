package dev.lanyard.examples.demo;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.lanyard.session.tck.MutableClock;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.slf4j.LoggerFactory;

/** The demo's JSON and operator endpoints, as a script sees them (in-memory store). */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DemoApiIT {

    private final DemoHttp http = new DemoHttp();
    private final MutableClock clock = MutableClock.startingNow();
    private DemoServer demo;

    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();

    @BeforeAll
    void start() throws Exception {
        logs.start();
        ((Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME)).addAppender(logs);
        demo = DemoServer.start(new DemoSettings("127.0.0.1", 0, "memory:", "node-api", false), clock);
    }

    @AfterAll
    void stop() throws Exception {
        ((Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME)).detachAppender(logs);
        if (demo != null) {
            demo.close();
        }
    }

    @Test
    void logsNeverHoldSessionIdsOrTokens() throws Exception {
        String cookie = http.logIn(demo, "alice", "alice");
        String csrf = http.csrfToken(demo, cookie);
        String issued = http.post(demo, "/api/token", cookie, "_csrf=" + csrf).body();
        String refreshed = http.post(
                        demo,
                        "/api/token/refresh",
                        null,
                        "grant_type=refresh_token&refresh_token=" + DemoHttp.field(issued, "refresh_token"))
                .body();
        http.post(demo, "/logout", cookie, "_csrf=" + csrf);
        List<String> secrets = List.of(
                cookie,
                csrf,
                DemoHttp.field(issued, "access_token"),
                DemoHttp.field(issued, "refresh_token"),
                DemoHttp.field(refreshed, "refresh_token"));

        List<String> lines = logged().stream()
                .map(e -> e.getFormattedMessage() + " " + e.getMDCPropertyMap() + " " + e.getKeyValuePairs())
                .toList();

        assertThat(lines).as("the demo logged its lifecycle").isNotEmpty();
        for (String secret : secrets) {
            assertThat(lines).noneMatch(line -> line.contains(secret));
        }
    }

    /**
     * The events logged so far, copied under the appender's lock: the demo's threads may still be logging (a
     * request's last steps run after its response reached the client), and logback's {@code AppenderBase}
     * appends while holding that lock.
     */
    private List<ILoggingEvent> logged() {
        synchronized (logs) {
            return new ArrayList<>(logs.list);
        }
    }

    @Test
    void theLiveSocketRefusesAHandshakeWithoutASignedInSessionWith403() throws Exception {
        String cookie = http.logIn(demo, "alice", "alice");
        WebSocket open = liveSocket(cookie).get(20, TimeUnit.SECONDS); // the positive control
        open.abort();
        String csrf = http.csrfToken(demo, cookie);
        http.post(demo, "/logout", cookie, "_csrf=" + csrf);

        assertThat(liveSocketRefusal(null)).isEqualTo(403);
        assertThat(liveSocketRefusal(cookie)).as("after logout").isEqualTo(403);
    }

    private CompletableFuture<WebSocket> liveSocket(String cookie) {
        WebSocket.Builder builder =
                HttpClient.newHttpClient().newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10));
        if (cookie != null) {
            builder.header("Cookie", "__Host-session=" + cookie);
        }
        return builder.buildAsync(
                URI.create("ws://127.0.0.1:" + demo.port() + "/live/socket"), new WebSocket.Listener() {});
    }

    private int liveSocketRefusal(String cookie) throws Exception {
        try {
            liveSocket(cookie).get(20, TimeUnit.SECONDS).abort();
        } catch (ExecutionException e) {
            assertThat(e.getCause()).isInstanceOf(WebSocketHandshakeException.class);
            return ((WebSocketHandshakeException) e.getCause()).getResponse().statusCode();
        }
        throw new AssertionError("the handshake was accepted");
    }

    @Test
    void theCartSurvivesLoginAndTheCsrfTokenDoesNot() throws Exception {
        HttpResponse<String> added = http.post(demo, "/cart", null, "item=clip");
        assertThat(added.statusCode()).isEqualTo(302);
        String anonymous = DemoHttp.sessionCookie(added);
        String csrf = http.csrfToken(demo, anonymous);

        HttpResponse<String> login =
                http.post(demo, "/login", anonymous, "username=alice&password=alice&_csrf=" + csrf);

        assertThat(login.statusCode()).isEqualTo(302);
        String loggedIn = DemoHttp.sessionCookie(login);
        assertThat(loggedIn).isNotEqualTo(anonymous);
        assertThat(http.get(demo, "/", loggedIn).body()).contains("Badge clip × 1");
        assertThat(http.csrfToken(demo, loggedIn))
                .as("security state stays behind")
                .isNotEqualTo(csrf);
    }

    @Test
    void meAnswers401WithoutALogin() throws Exception {
        HttpResponse<String> me = http.get(demo, "/api/me", null);

        assertThat(me.statusCode()).isEqualTo(401);
        assertThat(me.body()).isEqualTo("{\"error\":\"login_required\"}");
        assertThat(me.headers().allValues("Set-Cookie"))
                .as("no session for a look")
                .isEmpty();
    }

    @Test
    void aWrongPasswordIsRefusedWithoutASession() throws Exception {
        HttpResponse<String> login = http.post(demo, "/login", null, "username=alice&password=bob");

        assertThat(login.statusCode()).isEqualTo(401);
        assertThat(login.body()).contains("Wrong user name or password.");
    }

    @Test
    void meDescribesTheLoggedInSession() throws Exception {
        String cookie = http.logIn(demo, "admin", "admin");

        String me = http.get(demo, "/api/me", cookie).body();

        assertThat(me)
                .contains("\"user\":\"admin\"", "\"roles\":[\"admin\",\"user\"]", "\"version\":", "\"authTime\":\"");
        assertThat(DemoHttp.field(me, "handle")).hasSize(43).isNotEqualTo(cookie);
    }

    @Test
    void aRefreshTokenWorksOnceAndItsReuseEndsTheSession() throws Exception {
        String cookie = http.logIn(demo, "alice", "alice");
        String issued = http.post(demo, "/api/token", cookie, "_csrf=" + http.csrfToken(demo, cookie))
                .body();
        String refreshToken = DemoHttp.field(issued, "refresh_token");

        HttpResponse<String> refreshed =
                http.post(demo, "/api/token/refresh", null, "grant_type=refresh_token&refresh_token=" + refreshToken);
        assertThat(refreshed.statusCode()).isEqualTo(200);
        String newAccessToken = DemoHttp.field(refreshed.body(), "access_token");
        assertThat(http.bearer(demo, "/api/orders", newAccessToken).statusCode())
                .isEqualTo(200);

        clock.advance(Duration.ofSeconds(11)); // past the demo's 10-second grace for racing refreshes
        HttpResponse<String> reused =
                http.post(demo, "/api/token/refresh", null, "grant_type=refresh_token&refresh_token=" + refreshToken);

        assertThat(reused.statusCode()).isEqualTo(400);
        assertThat(http.get(demo, "/api/me", cookie).statusCode())
                .as("reuse revokes the session")
                .isEqualTo(401);
        assertThat(http.bearer(demo, "/api/orders", newAccessToken).statusCode())
                .isEqualTo(401);
    }

    @Test
    void anAdminRoleChangeSignsTheOtherUserOutEverywhere() throws Exception {
        String alice1 = http.logIn(demo, "alice", "alice");
        String alice2 = http.logIn(demo, "alice", "alice");
        String admin = http.logIn(demo, "admin", "admin");

        HttpResponse<String> change = http.post(
                demo, "/admin/users/alice/roles", admin, "role=user&role=admin&_csrf=" + http.csrfToken(demo, admin));

        assertThat(change.statusCode()).isEqualTo(302);
        assertThat(http.get(demo, "/api/me", alice1).statusCode()).isEqualTo(401);
        assertThat(http.get(demo, "/api/me", alice2).statusCode()).isEqualTo(401);
        String again = http.logIn(demo, "alice", "alice");
        assertThat(http.get(demo, "/api/me", again).body()).contains("\"roles\":[\"admin\",\"user\"]");
        http.post(demo, "/admin/users/alice/roles", admin, "role=user&_csrf=" + http.csrfToken(demo, admin));
    }

    @Test
    void signingOutEverywhereElseKeepsOnlyThisDevice() throws Exception {
        String laptop = http.logIn(demo, "alice", "alice");
        String phone = http.logIn(demo, "alice", "alice");
        String tablet = http.logIn(demo, "alice", "alice");

        HttpResponse<String> signOut =
                http.post(demo, "/account/sessions/revoke-others", laptop, "_csrf=" + http.csrfToken(demo, laptop));

        assertThat(signOut.statusCode()).isEqualTo(302);
        assertThat(http.get(demo, "/api/me", laptop).statusCode()).isEqualTo(200);
        assertThat(http.get(demo, "/api/me", phone).statusCode()).isEqualTo(401);
        assertThat(http.get(demo, "/api/me", tablet).statusCode()).isEqualTo(401);
    }

    @Test
    void onlyAnAdminMayChangeRoles() throws Exception {
        String alice = http.logIn(demo, "alice", "alice");

        HttpResponse<String> change =
                http.post(demo, "/admin/users/admin/roles", alice, "role=user&_csrf=" + http.csrfToken(demo, alice));

        assertThat(change.statusCode()).isEqualTo(403);
    }

    @Test
    void anAnonymousCsrfRequestStoresNoSession() throws Exception {
        // A script (or a flood) asking for a token before it has a session: nothing to protect yet.
        for (int i = 0; i < 5; i++) {
            HttpResponse<String> anonymous = http.get(demo, "/api/csrf", null);
            assertThat(anonymous.statusCode()).isEqualTo(200);
            assertThat(anonymous.headers().allValues("Set-Cookie"))
                    .as("no session created")
                    .isEmpty();
            assertThat(anonymous.body()).contains("\"token\":null");
        }
        String alice = http.logIn(demo, "alice", "alice");
        assertThat(http.csrfToken(demo, alice)).as("a session's token").hasSize(43);
    }

    @Test
    void metricsAreForAdministratorsOnly() throws Exception {
        assertThat(http.get(demo, "/metrics", null).statusCode()).as("anyone").isEqualTo(401);
        assertThat(http.get(demo, "/metrics", http.logIn(demo, "alice", "alice"))
                        .statusCode())
                .as("a user")
                .isEqualTo(403);
        assertThat(http.get(demo, "/metrics", http.logIn(demo, "admin", "admin"))
                        .statusCode())
                .isEqualTo(200);
    }

    @Test
    void anAdminWhoChangesOwnRolesLeavesNoOtherSessionWithTheOldRoles() throws Exception {
        String admin = http.logIn(demo, "admin", "admin");
        http.post(demo, "/admin/users/alice/roles", admin, "role=user&role=admin&_csrf=" + http.csrfToken(demo, admin));
        String desk = http.logIn(demo, "admin", "admin");
        String phone = http.logIn(demo, "admin", "admin");

        HttpResponse<String> demote =
                http.post(demo, "/admin/users/admin/roles", desk, "role=user&_csrf=" + http.csrfToken(demo, desk));

        assertThat(demote.statusCode()).isEqualTo(302);
        HttpResponse<String> other = http.get(demo, "/api/me", phone);
        assertThat(other.statusCode())
                .as("the admin's other session, roles " + other.body())
                .isEqualTo(401);
        assertThat(http.get(demo, "/admin/users", phone).statusCode()).isNotEqualTo(200);
        String fresh = http.logIn(demo, "admin", "admin");
        assertThat(http.get(demo, "/api/me", fresh).body()).contains("\"roles\":[\"user\"]");
        restoreRoles();
    }

    @Test
    void aDemotedAdminStaysDemotedWhenTheDemotionIsOld() throws Exception {
        String admin = http.logIn(demo, "admin", "admin");
        http.post(demo, "/admin/users/alice/roles", admin, "role=user&role=admin&_csrf=" + http.csrfToken(demo, admin));
        String alice = http.logIn(demo, "alice", "alice");
        http.post(demo, "/admin/users/admin/roles", alice, "role=user&_csrf=" + http.csrfToken(demo, alice));

        clock.advance(Duration.ofDays(40));

        String later = http.logIn(demo, "admin", "admin");
        assertThat(http.get(demo, "/api/me", later).body())
                .as("demoted 40 days ago")
                .contains("\"roles\":[\"user\"]");
        restoreRoles();
    }

    /** Through alice (an admin for the moment): admin gets its roles back, then alice gives up hers. */
    private void restoreRoles() throws Exception {
        String admin = http.logIn(demo, "admin", "admin");
        String alice = http.logIn(demo, "alice", "alice");
        if (!http.get(demo, "/api/me", alice).body().contains("\"admin\"")) {
            http.post(
                    demo,
                    "/admin/users/alice/roles",
                    admin,
                    "role=user&role=admin&_csrf=" + http.csrfToken(demo, admin));
            alice = http.logIn(demo, "alice", "alice");
        }
        http.post(demo, "/admin/users/admin/roles", alice, "role=user&role=admin&_csrf=" + http.csrfToken(demo, alice));
        alice = http.logIn(demo, "alice", "alice");
        http.post(demo, "/admin/users/alice/roles", alice, "role=user&_csrf=" + http.csrfToken(demo, alice));
    }

    @Test
    void theJwkSetHoldsOnlyThePublicKey() throws Exception {
        String jwks = http.get(demo, "/.well-known/jwks.json", null).body();

        assertThat(jwks).contains("\"kid\":\"demo-es256\"", "\"alg\":\"ES256\"", "\"x\":", "\"y\":");
        assertThat(jwks).doesNotContain("\"d\":");
    }

    @Test
    void metricsAreServedInThePrometheusFormat() throws Exception {
        http.logIn(demo, "alice", "alice");

        HttpResponse<String> metrics = http.get(demo, "/metrics", http.logIn(demo, "admin", "admin"));

        assertThat(metrics.headers().firstValue("Content-Type"))
                .hasValueSatisfying(t -> assertThat(t).startsWith("text/plain"));
        assertThat(metrics.body())
                .contains("# TYPE lanyard_sessions_logins_total counter")
                .containsPattern("lanyard_sessions_logins_total\\{application=\"lanyard-demo\"\\} [1-9]");
    }
}
