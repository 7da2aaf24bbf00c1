package dev.lanyard.session.websocket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lanyard.session.ClientInfo;
import dev.lanyard.session.NewSession;
import dev.lanyard.session.ResolutionStatus;
import dev.lanyard.session.RevocationReason;
import dev.lanyard.session.SessionHandle;
import dev.lanyard.session.SessionManager;
import dev.lanyard.session.memory.InMemorySessionStore;
import dev.lanyard.session.tck.ForwardingSessionStore;
import dev.lanyard.session.tck.MutableClock;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The container-free parts: reading the presented ID, resolving a handshake, causes and options. */
class SocketSessionsTest {

    private final MutableClock clock = MutableClock.startingNow();
    private final InMemorySessionStore store = InMemorySessionStore.create(clock);
    private final SessionManager manager = SessionManager.builder(store)
            .clock(clock)
            .listener(new SessionEndNotes(store))
            .build();
    private final SocketSessions sockets =
            SocketSessions.builder(manager).headerName("X-Session").build();

    @AfterEach
    void close() {
        sockets.close();
    }

    @Test
    void theSessionCookieIsFoundAmongOthersInAnyHeaderCase() {
        assertThat(sockets.presentedId(Map.of("cookie", List.of("a=1; __Host-session=abc ; b=2"))))
                .contains("abc");
        assertThat(sockets.presentedId(Map.of("Cookie", List.of("a=1", "__Host-session=xyz"))))
                .contains("xyz");
    }

    @Test
    void aCookieWhoseNameOnlyEndsWithTheSessionNameIsNotTheSession() {
        assertThat(sockets.presentedId(Map.of("Cookie", List.of("evil__Host-session=abc"))))
                .isEmpty();
    }

    @Test
    void theHeaderWinsOverTheCookie() {
        assertThat(sockets.presentedId(
                        Map.of("Cookie", List.of("__Host-session=fromcookie"), "x-session", List.of("fromheader"))))
                .contains("fromheader");
    }

    @Test
    void aSignedInSessionIsBoundWithItsUserVersionAndHandle() {
        NewSession alice = login("alice");

        BoundSession bound = sockets.handshake(cookie(alice.id().value())).orElseThrow();

        assertThat(bound.userId()).isEqualTo("alice");
        assertThat(bound.handle()).isEqualTo(alice.id().handle());
        assertThat(bound.version()).isEqualTo(alice.session().version());
    }

    @Test
    void aHandshakeFromAnotherOriginIsRefusedEvenWithASignedInSession() {
        NewSession alice = login("alice");
        String cookie = SocketSessions.DEFAULT_COOKIE_NAME + "=" + alice.id().value();

        // A sibling subdomain is same-site: the browser sends the cookie, only the Origin tells.
        assertThat(sockets.handshake(Map.of(
                        "Cookie", List.of(cookie),
                        "Host", List.of("app.example.com"),
                        "Origin", List.of("https://evil.example.com"))))
                .isEmpty();
        assertThat(sockets.handshake(Map.of(
                        "Cookie", List.of(cookie),
                        "Host", List.of("app.example.com:8443"),
                        "Origin", List.of("https://app.example.com"))))
                .as("another port is another origin")
                .isEmpty();
        assertThat(sockets.refusedHandshakes()).isEqualTo(2);

        assertThat(sockets.handshake(Map.of(
                        "Cookie", List.of(cookie),
                        "Host", List.of("App.Example.com:443"),
                        "Origin", List.of("https://app.example.com"))))
                .as("the same origin, default port spelled out")
                .isPresent();
        assertThat(sockets.handshake(Map.of("Cookie", List.of(cookie), "Host", List.of("app.example.com"))))
                .as("no Origin: not a browser, judged by its session")
                .isPresent();
    }

    @Test
    void aTrustedOriginMayOpenASocket() {
        NewSession alice = login("alice");
        Map<String, List<String>> fromStatic = Map.of(
                "Cookie",
                        List.of(SocketSessions.DEFAULT_COOKIE_NAME + "="
                                + alice.id().value()),
                "Host", List.of("api.example.com"),
                "Origin", List.of("https://www.example.com"));
        assertThat(sockets.handshake(fromStatic)).isEmpty();

        try (SocketSessions trusting = SocketSessions.builder(manager)
                .trustedOrigin("https://WWW.example.com")
                .build()) {
            assertThat(trusting.handshake(fromStatic)).isPresent();
        }
        assertThatThrownBy(() -> SocketSessions.builder(manager).trustedOrigin("www.example.com"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("trustedOrigin");
    }

    @Test
    void anAnonymousUnknownOrMissingSessionIsRefused() {
        NewSession anonymous = manager.create(ClientInfo.UNKNOWN);
        NewSession revoked = login("bob");
        manager.revoke(revoked.id().handle(), RevocationReason.ADMIN);

        assertThat(sockets.handshake(cookie(anonymous.id().value()))).isEmpty();
        assertThat(sockets.handshake(cookie(revoked.id().value()))).isEmpty();
        assertThat(sockets.handshake(cookie("garbage"))).isEmpty();
        assertThat(sockets.handshake(Map.of())).isEmpty();
        assertThat(sockets.refusedHandshakes()).isEqualTo(4);
    }

    @Test
    void anExpiredSessionIsRefused() {
        NewSession alice = login("alice");
        clock.advance(manager.policy().idleTimeout().plusMinutes(1));

        assertThat(manager.resolve(alice.id()).status()).isNotEqualTo(ResolutionStatus.FOUND);
        assertThat(sockets.handshake(cookie(alice.id().value()))).isEmpty();
    }

    @Test
    void aRevocationLeavesANoteNamingItsReason() {
        NewSession alice = login("alice");
        manager.revoke(alice.id().handle(), RevocationReason.REUSE_DETECTED);

        assertThat(SessionEndNotes.read(store, alice.id().handle())).contains(SocketCloseCause.REUSE_DETECTED);
    }

    @Test
    void everyEndedSessionClosesWith1008AndEveryPhraseFitsACloseFrame() {
        for (SocketCloseCause cause : SocketCloseCause.values()) {
            assertThat(cause.phrase().getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(123);
            if (cause != SocketCloseCause.STORE_UNAVAILABLE && cause != SocketCloseCause.SHUTDOWN) {
                assertThat(cause.code()).as(cause.name()).isEqualTo(1008);
            }
        }
        assertThat(SocketCloseCause.STORE_UNAVAILABLE.code()).isEqualTo(1013);
    }

    @Test
    void theBuilderNamesABadOption() {
        assertThatThrownBy(() -> SocketSessions.builder(manager).checkInterval(Duration.ofMillis(1)))
                .hasMessageContaining("checkInterval");
        assertThatThrownBy(() -> SocketSessions.builder(manager).cookieName(" "))
                .hasMessageContaining("cookieName");
    }

    @Test
    void theDefaultRouteChecksPeriodicallyAndFailsClosed() {
        assertThat(SocketRoute.defaults()).isEqualTo(new SocketRoute(SocketCheck.PERIODIC, OutageMode.FAIL_CLOSED));
    }

    @Test
    void anotherNodesRecordedCountIsAddedOnlyWhereTheStoreKeepsValues() {
        NewSession alice = login("alice");
        SessionHandle handle = alice.id().handle();
        new SocketCounts(store, clock, 42L, SocketSessions.DEFAULT_CHECK_INTERVAL).publish(handle, 2);

        assertThat(sockets.openSockets(handle)).isEqualTo(2);
        assertThat(sockets.openSocketsOf("alice")).isEqualTo(Map.of(handle, 2));
        assertThat(sockets.openSockets()).as("this node's own").isZero();

        // a store without AtomicValueStore (as Memcached): this node's sockets only, and no store call for them
        SessionManager plain = SessionManager.builder(new ForwardingSessionStore(store) {
                    @Override
                    protected void beforeCall(String operation) {
                        throw new AssertionError("no store call expected, got " + operation);
                    }
                })
                .clock(clock)
                .build();
        try (SocketSessions perNode = SocketSessions.builder(plain).build()) {
            assertThat(perNode.openSockets(handle)).isZero();
            assertThat(perNode.openSocketsOf("alice")).isEmpty();
        }
    }

    private NewSession login(String user) {
        return manager.login(manager.create(ClientInfo.UNKNOWN).session(), user, ClientInfo.UNKNOWN);
    }

    private static Map<String, List<String>> cookie(String id) {
        return Map.of("Cookie", List.of("__Host-session=" + id));
    }
}
