package dev.lanyard.session.websocket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import dev.lanyard.session.ClientInfo;
import dev.lanyard.session.NewSession;
import dev.lanyard.session.ReadMode;
import dev.lanyard.session.ResolutionStatus;
import dev.lanyard.session.RevocationReason;
import dev.lanyard.session.SessionHandle;
import dev.lanyard.session.SessionManager;
import dev.lanyard.session.SessionPolicy;
import dev.lanyard.session.redis.NearCacheOptions;
import dev.lanyard.session.redis.NearCachedRedisStore;
import dev.lanyard.session.redis.RedisSessionStore;
import dev.lanyard.session.redis.testing.RedisProcess;
import dev.lanyard.session.redis.testing.TestRedis;
import dev.lanyard.session.tck.MutableClock;
import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.MessageHandler;
import jakarta.websocket.server.ServerEndpointConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The WebSocket binding on a real container, two nodes over one private redis-server (each node with its own
 * near-cached store, as in production), driven by the JDK's WebSocket client. Subclasses start the container.
 */
abstract class SocketContract {

    /** How often the nodes check their sockets in this suite. */
    static final Duration CHECK = Duration.ofMillis(200);
    /** The bound asserted for a close after a revocation on the other node: generous, the machine is loaded. */
    static final Duration CLOSE_BOUND = Duration.ofSeconds(5);

    /** One running container with its endpoints; closing it stops the container. */
    interface Running extends AutoCloseable {
        /** @return the port it listens on */
        int port();
    }

    /**
     * Starts a container on a free port of 127.0.0.1 that serves the given endpoints, and registers a
     * {@link HandshakeGuardFilter} for {@code guarded} with {@link HandshakeGuardFilter#register}, the way the
     * docs tell an application to on that container.
     *
     * @param endpoints the endpoint configurations to register
     * @param sockets the sockets the guard judges with
     * @param guarded the URL patterns to guard; none registers no guard
     * @return the running server
     */
    abstract Running start(List<ServerEndpointConfig> endpoints, SocketSessions sockets, List<String> guarded)
            throws Exception;

    private final MutableClock clock = MutableClock.startingNow();
    private final SessionPolicy policy = SessionPolicy.builder()
            .idleTimeout(Duration.ofMinutes(30))
            .absoluteTimeout(Duration.ofHours(4))
            .build();
    private final List<AutoCloseable> closing = new ArrayList<>();
    private RedisProcess redis;
    Node a;
    Node b;

    /** One node: its store, manager, sockets and container. */
    final class Node {
        final SessionManager manager;
        final SocketSessions sockets;
        final Running server;
        final dev.lanyard.session.spi.SessionStore store;

        Node(String name) throws Exception {
            this(name, CHECK, true);
        }

        Node(String name, Duration checkInterval, boolean nearCache) throws Exception {
            RedisSessionStore plain = RedisSessionStore.builder()
                    .location(redis.uri())
                    .clock(clock)
                    // the store opens every connection after its first (the near cache's invalidation connection,
                    // at start-up) with the command timeout as its handshake timeout: 500 ms was too short for a
                    // cold JVM on a loaded machine
                    .commandTimeout(Duration.ofSeconds(2))
                    .build();
            dev.lanyard.session.spi.SessionStore store =
                    nearCache ? NearCachedRedisStore.wrap(plain, NearCacheOptions.defaults()) : plain;
            closing.add(store);
            this.store = store;
            manager = SessionManager.builder(store)
                    .clock(clock)
                    .policy(policy)
                    .nodeId(name)
                    .listener(new SessionEndNotes((dev.lanyard.session.spi.AtomicValueStore) store))
                    .build();
            sockets =
                    SocketSessions.builder(manager).checkInterval(checkInterval).build();
            closing.add(sockets);
            server = start(
                    List.of(
                            sockets.endpoint("/echo", () -> new Echo(sockets), SocketRoute.defaults()),
                            sockets.endpoint(
                                    "/open",
                                    () -> new Echo(sockets),
                                    SocketRoute.defaults().withOutage(OutageMode.FAIL_OPEN)),
                            sockets.endpoint(
                                    "/checked",
                                    () -> new Echo(sockets),
                                    SocketRoute.defaults().withCheck(SocketCheck.EACH_MESSAGE)),
                            // no guard: the configurator alone refuses
                            sockets.endpoint("/unguarded", () -> new Echo(sockets), SocketRoute.defaults())),
                    sockets,
                    List.of("/echo", "/open", "/checked"));
            closing.add(server);
        }

        URI uri(String path) {
            return URI.create("ws://127.0.0.1:" + server.port() + path);
        }
    }

    /**
     * Echoes text, prefixed with the bound user, after {@link SocketSessions#admit} lets it through. Answers
     * with the blocking sender: Tomcat refuses an asynchronous send while the previous one has not completed
     * on its side, even when the client already read it, and the refusal would only show as a missing echo.
     */
    static final class Echo extends Endpoint {
        private final SocketSessions sockets;

        Echo(SocketSessions sockets) {
            this.sockets = sockets;
        }

        @Override
        public void onOpen(jakarta.websocket.Session socket, EndpointConfig config) {
            BoundSession bound = BoundSession.of(socket).orElseThrow();
            socket.addMessageHandler(String.class, (MessageHandler.Whole<String>) text -> {
                if (sockets.admit(socket)) {
                    send(socket, bound.userId() + ":" + text);
                }
            });
        }
    }

    /** Sends with the blocking sender; see {@link Echo}. */
    static void send(jakarta.websocket.Session socket, String text) {
        try {
            socket.getBasicRemote().sendText(text);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @BeforeEach
    void startNodes() throws Exception {
        redis = TestRedis.localServer();
        a = new Node("node-a");
        b = new Node("node-b");
    }

    @AfterEach
    void stopNodes() throws Exception {
        for (int i = closing.size() - 1; i >= 0; i--) {
            closing.get(i).close();
        }
        if (redis != null) {
            redis.resume();
            redis.close();
        }
    }

    // ---------------------------------------------------------------- tests

    @Test
    void handshakeWithoutASessionIsRefusedWith403() {
        assertThat(refusal(a.uri("/echo"), null, null)).isEqualTo(403);
        assertThat(a.sockets.openSockets()).isZero();
        assertThat(a.sockets.refusedHandshakes()).isEqualTo(1);
    }

    @Test
    void aHandshakeFromAnotherOriginIsRefusedWith403EvenWithASignedInSession() throws Exception {
        NewSession alice = login("alice");
        URI echo = a.uri("/echo");

        assertThat(refusal(echo, alice.id().value(), "https://evil.example.com"))
                .isEqualTo(403);
        assertThat(refusal(echo, alice.id().value(), "http://127.0.0.1.evil.example.com:" + echo.getPort()))
                .isEqualTo(403);
        assertThat(a.sockets.openSockets()).isZero();
        assertThat(a.sockets.refusedHandshakes()).isEqualTo(2);

        String ownOrigin = "http://" + echo.getHost() + ":" + echo.getPort();
        SocketClient client = SocketClient.connect(echo, alice.id().value(), ownOrigin);
        client.send("hi");
        assertThat(client.nextText()).isEqualTo("alice:hi");
    }

    @Test
    void handshakeWithAnUnknownOrAnonymousSessionIsRefusedWith403() {
        NewSession anonymous = a.manager.create(ClientInfo.UNKNOWN);
        assertThat(refusal(a.uri("/echo"), anonymous.id().value(), null)).isEqualTo(403);
        assertThat(refusal(a.uri("/echo"), "A".repeat(43), null)).isEqualTo(403);
        assertThat(refusal(a.uri("/echo"), "not-an-id", null)).isEqualTo(403);
        assertThat(a.sockets.refusedHandshakes()).isEqualTo(3);
        assertThat(a.sockets.openSockets()).isZero();
    }

    @Test
    void handshakeWithARevokedOrExpiredSessionIsRefusedWith403() {
        NewSession revoked = login("alice");
        NewSession idle = login("bob");
        b.manager.revoke(revoked.id().handle(), RevocationReason.ADMIN);
        clock.advance(Duration.ofMinutes(31)); // past bob's idle timeout

        assertThat(refusal(a.uri("/echo"), revoked.id().value(), null)).isEqualTo(403);
        assertThat(refusal(a.uri("/checked"), idle.id().value(), null)).isEqualTo(403);
        assertThat(a.sockets.openSockets()).isZero();
    }

    @Test
    void aRefusedHandshakeShowsNoSecretInItsResponseOrTheLogs() throws Exception {
        NewSession alice = login("alice");
        String id = alice.id().value();
        b.manager.revoke(alice.id().handle(), RevocationReason.ADMIN);
        try (CapturedLogs logs = CapturedLogs.start()) {
            RawResponse revoked = RawResponse.handshake(a.uri("/echo"), id, null);
            RawResponse crossSite = RawResponse.handshake(a.uri("/echo"), id, "https://evil.example.com");

            assertThat(revoked.status()).isEqualTo(403);
            assertThat(crossSite.status()).isEqualTo(403);
            assertThat(revoked.text() + crossSite.text())
                    .doesNotContain(id)
                    .doesNotContain("alice")
                    .doesNotContain("evil.example.com");
            assertThat(logs.text()).contains("refused a WebSocket handshake from another origin");
            assertThat(logs.text()).doesNotContain(id).doesNotContain("evil.example.com");
        }
    }

    @Test
    void aHandshakeWhileTheStoreIsDownIsRefusedWith503() throws Exception {
        NewSession alice = login("alice");
        Node c = new Node("node-c", CHECK, false); // no near cache: the handshake reads the store
        redis.pause();
        try {
            assertThat(refusal(c.uri("/echo"), alice.id().value(), null)).isEqualTo(503);
        } finally {
            redis.resume();
        }
        SocketClient client = SocketClient.connect(c.uri("/echo"), alice.id().value());
        client.send("back");
        assertThat(client.nextText()).isEqualTo("alice:back");
    }

    @Test
    void theGuardLetsRequestsThatAreNotUpgradesThrough() throws Exception {
        HttpResponse<String> plain = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + a.server.port() + "/echo"))
                                .timeout(Duration.ofSeconds(20))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(plain.statusCode()).isNotEqualTo(403);
        assertThat(a.sockets.refusedHandshakes()).isZero();
    }

    @Test
    void anUnguardedEndpointIsStillRefusedByItsConfiguratorButWithTheContainersErrorStatus() throws Exception {
        // the second line: without HandshakeGuardFilter the container answers the configurator's refusal itself
        assertThat(refusal(a.uri("/unguarded"), null, null)).isEqualTo(500);
        assertThat(a.sockets.openSockets()).isZero();
        assertThat(a.sockets.refusedHandshakes()).isEqualTo(1);

        SocketClient client =
                SocketClient.connect(a.uri("/unguarded"), login("alice").id().value());
        client.send("hi");
        assertThat(client.nextText()).isEqualTo("alice:hi");
    }

    @Test
    void anOpenSocketSeesItsUserAndEchoes() throws Exception {
        NewSession alice = login("alice");
        SocketClient client = SocketClient.connect(a.uri("/echo"), alice.id().value());
        client.send("hello");
        assertThat(client.nextText()).isEqualTo("alice:hello");
        assertThat(a.sockets.openSockets(alice.id().handle())).isEqualTo(1);
        assertThat(a.sockets.openSocketsOf("alice")).containsEntry(alice.id().handle(), 1);
    }

    @Test
    void revokingOnNodeBClosesTheSocketOnNodeAWith1008AndTheReason() throws Exception {
        NewSession alice = login("alice");
        SocketClient client = SocketClient.connect(a.uri("/echo"), alice.id().value());
        client.send("ping");
        assertThat(client.nextText()).isEqualTo("alice:ping");

        long start = System.nanoTime();
        assertThat(b.manager.revoke(alice.id().handle(), RevocationReason.ADMIN))
                .isTrue();
        SocketClient.Closed closed = client.awaitClose(CLOSE_BOUND);
        Duration delay = Duration.ofNanos(System.nanoTime() - start);

        assertThat(closed.code()).isEqualTo(1008);
        assertThat(closed.reason()).isEqualTo(SocketCloseCause.REVOKED.phrase());
        assertThat(delay).isLessThan(CLOSE_BOUND);
        assertThat(a.sockets.closedSockets(SocketCloseCause.REVOKED)).isEqualTo(1);
    }

    @Test
    void aSessionThatEndsWithoutANoteClosesItsSocketsAsEndedOnlyAfterTheNoteHadTimeToArrive() throws Exception {
        NewSession alice = login("alice");
        SocketClient client = SocketClient.connect(a.uri("/echo"), alice.id().value());
        client.send("ping");
        assertThat(client.nextText()).isEqualTo("alice:ping");
        // a node that leaves no SessionEndNotes note: node A finds the session gone and cannot tell why
        SessionManager withoutNotes = SessionManager.builder(b.store)
                .clock(clock)
                .policy(policy)
                .nodeId("node-without-notes")
                .build();

        long start = System.nanoTime();
        withoutNotes.revoke(alice.id().handle(), RevocationReason.ADMIN);
        SocketClient.Closed closed = client.awaitClose(CLOSE_BOUND);

        assertThat(closed).isEqualTo(new SocketClient.Closed(1008, SocketCloseCause.ENDED.phrase()));
        // waited for a note at least AwaitedNotes.GRACE (not one 200 ms check) from when A first found the session gone
        assertThat(Duration.ofNanos(client.closedAt() - start)).isGreaterThanOrEqualTo(AwaitedNotes.GRACE);
    }

    @Test
    void logoutOnNodeBClosesEverySocketOfTheSessionOnNodeA() throws Exception {
        NewSession alice = login("alice");
        SocketClient first = SocketClient.connect(a.uri("/echo"), alice.id().value());
        SocketClient second = SocketClient.connect(a.uri("/open"), alice.id().value());
        b.manager.logout(b.manager.resolve(alice.id()).session().orElseThrow());

        assertThat(first.awaitClose(CLOSE_BOUND))
                .isEqualTo(new SocketClient.Closed(1008, SocketCloseCause.LOGOUT.phrase()));
        assertThat(second.awaitClose(CLOSE_BOUND))
                .isEqualTo(new SocketClient.Closed(1008, SocketCloseCause.LOGOUT.phrase()));
    }

    @Test
    void revokingAllOfAUsersSessionsClosesTheirSockets() throws Exception {
        NewSession phone = login("alice");
        NewSession laptop = login("alice");
        SocketClient onPhone = SocketClient.connect(a.uri("/echo"), phone.id().value());
        SocketClient onLaptop = SocketClient.connect(b.uri("/echo"), laptop.id().value());
        b.manager.revokeAll("alice");

        assertThat(onPhone.awaitClose(CLOSE_BOUND))
                .isEqualTo(new SocketClient.Closed(1008, SocketCloseCause.USER_WIDE.phrase()));
        assertThat(onLaptop.awaitClose(CLOSE_BOUND))
                .isEqualTo(new SocketClient.Closed(1008, SocketCloseCause.USER_WIDE.phrase()));
    }

    @Test
    void aPrivilegeChangeOnNodeBClosesTheSocketBoundToTheOldPrivileges() throws Exception {
        NewSession alice = login("alice");
        SocketClient client = SocketClient.connect(a.uri("/echo"), alice.id().value());
        b.manager.privilegeChanged(b.manager.resolve(alice.id()).session().orElseThrow());

        assertThat(client.awaitClose(CLOSE_BOUND))
                .isEqualTo(new SocketClient.Closed(1008, SocketCloseCause.ROTATED.phrase()));
    }

    @Test
    void anOpenSocketKeepsItsSessionPastTheIdleTimeout() throws Exception {
        NewSession alice = login("alice");
        NewSession idle = login("bob");
        SocketClient client = SocketClient.connect(a.uri("/echo"), alice.id().value());

        // two hours in steps of ten minutes: four times the idle timeout
        for (int step = 0; step < 12; step++) {
            java.time.Instant now = clock.advance(Duration.ofMinutes(10));
            await().atMost(CLOSE_BOUND)
                    .until(() -> b.manager
                            .resolve(alice.id(), ReadMode.STORE)
                            .session()
                            .map(s -> !s.lastAccessedAt().isBefore(now))
                            .orElse(false));
        }

        client.send("still here");
        assertThat(client.nextText()).isEqualTo("alice:still here");
        assertThat(b.manager.resolve(alice.id(), ReadMode.STORE).status()).isEqualTo(ResolutionStatus.FOUND);
        // the positive control: the same two hours without a socket end a session
        assertThat(b.manager.resolve(idle.id(), ReadMode.STORE).status()).isEqualTo(ResolutionStatus.EXPIRED_IDLE);
    }

    @Test
    void theAbsoluteTimeoutClosesAnOpenSocket() throws Exception {
        NewSession alice = login("alice");
        SocketClient client = SocketClient.connect(a.uri("/echo"), alice.id().value());
        for (int step = 0; step < 23; step++) { // 3 h 50 min, each step touched by the open socket
            java.time.Instant now = clock.advance(Duration.ofMinutes(10));
            await().atMost(CLOSE_BOUND)
                    .until(() -> b.manager
                            .resolve(alice.id(), ReadMode.STORE)
                            .session()
                            .map(s -> !s.lastAccessedAt().isBefore(now))
                            .orElse(false));
        }
        assertThat(client.isOpen()).isTrue();

        clock.advance(Duration.ofMinutes(11));

        assertThat(client.awaitClose(CLOSE_BOUND))
                .isEqualTo(new SocketClient.Closed(1008, SocketCloseCause.EXPIRED_ABSOLUTE.phrase()));
    }

    @Test
    void aSocketOnNodeAIsCountedInNodeBsDeviceListAndLeavesItWhenItCloses() throws Exception {
        NewSession alice = login("alice");
        SessionHandle handle = alice.id().handle();
        assertThat(b.sockets.openSocketsOf("alice")).isEmpty();

        SocketClient onA = SocketClient.connect(a.uri("/echo"), alice.id().value());
        onA.send("hi");
        assertThat(onA.nextText()).isEqualTo("alice:hi");
        await().atMost(CLOSE_BOUND).until(() -> b.sockets.openSocketsOf("alice").equals(Map.of(handle, 1)));
        assertThat(b.sockets.openSockets(handle)).isEqualTo(1);
        assertThat(b.sockets.openSockets()).as("node B's own sockets").isZero();

        SocketClient onB = SocketClient.connect(b.uri("/echo"), alice.id().value());
        await().atMost(CLOSE_BOUND).until(() -> a.sockets.openSocketsOf("alice").equals(Map.of(handle, 2)));
        assertThat(b.sockets.openSocketsOf("alice")).isEqualTo(Map.of(handle, 2));

        onA.close();
        await().atMost(CLOSE_BOUND).until(() -> b.sockets.openSocketsOf("alice").equals(Map.of(handle, 1)));
        await().atMost(CLOSE_BOUND).until(() -> a.sockets.openSockets(handle) == 1);
        assertThat(onB.isOpen()).isTrue();
    }

    @Test
    void aNodeThatStopsWithoutWithdrawingItsCountIsNoLongerCountedAfterTheEntrysLifetime() throws Exception {
        NewSession alice = login("alice");
        SessionHandle handle = alice.id().handle();
        Node c = new Node("node-c");
        SocketClient onA = SocketClient.connect(a.uri("/echo"), alice.id().value());
        SocketClient onC = SocketClient.connect(c.uri("/echo"), alice.id().value());
        await().atMost(CLOSE_BOUND).until(() -> b.sockets.openSocketsOf("alice").equals(Map.of(handle, 2)));

        // node C loses the store, then stops: it can neither refresh nor withdraw its count
        c.store.close();
        c.sockets.close();
        // C closed the socket either way: its shutdown (1001), or, when a check ran in between and found the store
        // closed, its fail-closed route (1013)
        assertThat(onC.awaitClose(CLOSE_BOUND).code()).isIn(1001, 1013);
        assertThat(b.sockets.openSocketsOf("alice"))
                .as("C's count stands until it expires")
                .isEqualTo(Map.of(handle, 2));

        clock.advance(SocketCounts.MIN_LIFETIME);

        // A, alive, rewrites its count on its next check; C's has expired
        await().atMost(CLOSE_BOUND).until(() -> b.sockets.openSocketsOf("alice").equals(Map.of(handle, 1)));
        assertThat(onA.isOpen()).isTrue();
    }

    @Test
    void aRouteThatChecksEachMessageRefusesTheFirstMessageAfterARevocation() throws Exception {
        NewSession alice = login("alice");
        Node c = new Node("node-c", Duration.ofHours(1), true);
        SocketClient client = SocketClient.connect(c.uri("/checked"), alice.id().value());
        client.send("one");
        assertThat(client.nextText()).isEqualTo("alice:one");

        b.manager.revoke(alice.id().handle(), RevocationReason.ADMIN);
        // C's near cache learns of B's revocation from Redis's invalidation message, and until then its
        // copy is what a check on C reads (no round trip on a hit): wait for it at the store, which
        // tells nothing to the manager or the sockets
        NearCachedRedisStore cached = (NearCachedRedisStore) c.store;
        await().atMost(CLOSE_BOUND)
                .pollInterval(Duration.ofMillis(5))
                .until(() -> cached.loadCached(alice.id().handle()).isEmpty());
        client.send("two");

        // node C checks periodically once an hour: only the per-message check can close it this soon
        assertThat(client.awaitClose(CLOSE_BOUND))
                .isEqualTo(new SocketClient.Closed(1008, SocketCloseCause.REVOKED.phrase()));
        assertThat(client.texts).isEmpty();
    }

    @Test
    void aStoreOutageClosesFailClosedSocketsAndKeepsFailOpenOnes() throws Exception {
        NewSession alice = login("alice");
        Node c = new Node("node-c", CHECK, false); // no near cache: every check reads the store
        SocketClient failClosed =
                SocketClient.connect(c.uri("/echo"), alice.id().value());
        SocketClient failOpen = SocketClient.connect(c.uri("/open"), alice.id().value());

        redis.pause();
        try {
            SocketClient.Closed closed = failClosed.awaitClose(Duration.ofSeconds(15));
            assertThat(closed).isEqualTo(new SocketClient.Closed(1013, SocketCloseCause.STORE_UNAVAILABLE.phrase()));
            // the fail-closed socket closed on a check that found the store down; the same check kept this one
            assertThat(failOpen.isOpen()).isTrue();
        } finally {
            redis.resume();
        }
        failOpen.send("after");
        assertThat(failOpen.nextText()).isEqualTo("alice:after");
    }

    // ---------------------------------------------------------------- helpers

    NewSession login(String user) {
        NewSession anonymous = b.manager.create(ClientInfo.UNKNOWN);
        return b.manager.login(anonymous.session(), user, ClientInfo.UNKNOWN);
    }

    /**
     * Attempts a handshake with the JDK's WebSocket client and answers the HTTP status that refused it; fails when
     * the handshake succeeds.
     */
    static int refusal(URI uri, String sessionId, String origin) {
        Throwable failure = catchThrowable(() -> SocketClient.connect(uri, sessionId, origin));
        assertThat(failure).as("the handshake to %s is refused", uri.getPath()).isNotNull();
        Throwable cause = failure;
        while (cause != null && !(cause instanceof WebSocketHandshakeException)) {
            cause = cause.getCause();
        }
        assertThat(cause).as("a refused handshake (got %s)", failure).isInstanceOf(WebSocketHandshakeException.class);
        return ((WebSocketHandshakeException) cause).getResponse().statusCode();
    }
}
