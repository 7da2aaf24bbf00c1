package dev.lanyard.session.websocket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.lanyard.session.NewSession;
import dev.lanyard.session.ReadMode;
import dev.lanyard.session.RevocationReason;
import dev.lanyard.session.Session;
import dev.lanyard.session.SessionUpdate;
import dev.lanyard.session.StoreUnavailableException;
import dev.lanyard.session.jwt.AccessTokenIssuer;
import dev.lanyard.session.jwt.KeyRing;
import dev.lanyard.session.jwt.RefreshRejection;
import dev.lanyard.session.jwt.RefreshResult;
import dev.lanyard.session.jwt.RefreshTokenService;
import dev.lanyard.session.jwt.TokenAlgorithm;
import dev.lanyard.session.jwt.TokenKey;
import dev.lanyard.session.jwt.TokenKeySet;
import dev.lanyard.session.spi.AtomicValueStore;
import dev.lanyard.session.tck.MutableClock;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.MessageHandler;
import jakarta.websocket.server.ServerEndpointConfig;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What an endpoint, the meters, the store and the token service see of a bound socket, on the same two nodes and
 * containers as {@link SocketContract}: the meters of {@link SocketMeters} in a real Micrometer registry, the
 * roles of {@link BoundSession}, the touch cadence of an open socket, and the close after refresh-token reuse.
 * Kept apart from {@link SocketContract} so that each file changes for its own reasons; the container subclasses
 * run both.
 */
abstract class SocketBindingContract extends SocketContract {

    /**
     * The route of this class's sockets. The nodes' store gives up on a command after 500 ms, which a loaded
     * 2-core machine can exceed; on a fail-closed route such a check would close the socket (1013) in the middle
     * of a test that is about something else.
     */
    static final SocketRoute FAIL_OPEN = SocketRoute.defaults().withOutage(OutageMode.FAIL_OPEN);

    private final List<AutoCloseable> extra = new ArrayList<>();

    @AfterEach
    void stopExtraServers() throws Exception {
        for (int i = extra.size() - 1; i >= 0; i--) {
            extra.get(i).close();
        }
    }

    /**
     * Tells the bound user, the bound roles (sorted) and whether the bound session holds the role it is sent.
     * Answers with the blocking sender, as {@link Echo} does.
     */
    static final class RolesEcho extends Endpoint {
        @Override
        public void onOpen(jakarta.websocket.Session socket, EndpointConfig config) {
            BoundSession bound = BoundSession.of(socket).orElseThrow();
            socket.addMessageHandler(String.class, (MessageHandler.Whole<String>) role -> send(
                    socket,
                    bound.userId() + ":" + String.join(",", new TreeSet<>(bound.roles())) + ":" + bound.hasRole(role)));
        }
    }

    /** Serves more endpoints of node A's sockets, on a container of their own; stopped after the test. */
    private URI serveOnA(ServerEndpointConfig... endpoints) throws Exception {
        List<String> paths = new ArrayList<>();
        for (ServerEndpointConfig endpoint : endpoints) {
            paths.add(endpoint.getPath());
        }
        Running server = start(List.of(endpoints), a.sockets, paths);
        extra.add(server);
        return URI.create("ws://127.0.0.1:" + server.port());
    }

    @Test
    void theMetersFollowOpenSocketsClosesByCauseAndRefusedHandshakes() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        new SocketMeters(a.sockets).bindTo(registry);
        Gauge open = registry.get("lanyard.websocket.open").gauge();
        assertThat(open.value()).isZero();
        assertThat(refused(registry)).isZero();

        NewSession alice = login("alice");
        NewSession bob = login("bob");
        // fail-open sockets: a check that times out on this loaded machine must not close one (and count it)
        SocketClient aliceSocket =
                SocketClient.connect(a.uri("/open"), alice.id().value());
        SocketClient bobSocket = SocketClient.connect(a.uri("/open"), bob.id().value());
        // an echo proves the endpoint opened, which the socket is registered before
        aliceSocket.send("hi");
        assertThat(aliceSocket.nextText()).isEqualTo("alice:hi");
        bobSocket.send("hi");
        assertThat(bobSocket.nextText()).isEqualTo("bob:hi");
        assertThat(open.value()).isEqualTo(2.0);

        bobSocket.close();
        await().atMost(CLOSE_BOUND).until(() -> open.value() == 1.0);
        assertThat(closedInTotal(registry))
                .as("a close the client chose is not one Lanyard made")
                .isZero();

        assertThat(b.manager.revoke(alice.id().handle(), RevocationReason.ADMIN))
                .isTrue();
        assertThat(aliceSocket.awaitClose(CLOSE_BOUND))
                .isEqualTo(new SocketClient.Closed(1008, SocketCloseCause.REVOKED.phrase()));
        // the node counts the close and forgets the socket before it sends the close frame
        assertThat(closed(registry, "revoked")).isEqualTo(1.0);
        assertThat(closedInTotal(registry)).as("no other cause counted").isEqualTo(1.0);
        assertThat(open.value()).isZero();

        assertThat(refusal(a.uri("/echo"), null, null)).isEqualTo(403);
        assertThat(refusal(a.uri("/echo"), alice.id().value(), null))
                .as("revoked")
                .isEqualTo(403);
        assertThat(refused(registry)).isEqualTo(2.0);
        assertThat(open.value()).isZero();
    }

    @Test
    void theEndpointSeesTheRolesOfTheBoundSession() throws Exception {
        NewSession alice = login("alice");
        b.manager
                .save(
                        alice.session(),
                        SessionUpdate.builder()
                                .put(SocketSessions.ROLES_ATTRIBUTE, "admin,editor")
                                .build())
                .orElseThrow();
        NewSession bob = login("bob"); // signed in without roles
        URI roles = serveOnA(a.sockets.endpoint("/roles", RolesEcho::new, FAIL_OPEN))
                .resolve("/roles");

        SocketClient asAlice = SocketClient.connect(roles, alice.id().value());
        asAlice.send("admin");
        assertThat(asAlice.nextText()).isEqualTo("alice:admin,editor:true");
        asAlice.send("auditor");
        assertThat(asAlice.nextText()).isEqualTo("alice:admin,editor:false");

        SocketClient asBob = SocketClient.connect(roles, bob.id().value());
        asBob.send("admin");
        assertThat(asBob.nextText()).isEqualTo("bob::false");
    }

    @Test
    void messagesWithinOneTouchIntervalTouchTheSessionAtMostOnce() throws Exception {
        MutableClock clock = (MutableClock) a.manager.clock();
        Duration touch = a.manager.policy().touchInterval();
        Duration step = touch.dividedBy(12);
        NewSession alice = login("alice");
        URI server = serveOnA(
                a.sockets.endpoint("/steady", () -> new Echo(a.sockets), FAIL_OPEN),
                a.sockets.endpoint("/each", () -> new Echo(a.sockets), FAIL_OPEN.withCheck(SocketCheck.EACH_MESSAGE)));
        SocketClient periodic =
                SocketClient.connect(server.resolve("/steady"), alice.id().value());
        SocketClient perMessage =
                SocketClient.connect(server.resolve("/each"), alice.id().value());
        Instant loggedIn = lastAccess(alice);

        // eleven steps, 22 messages, and a check after each: still inside the first touch interval
        chat(clock, step, 11, periodic, perMessage, alice, loggedIn);

        // past the touch interval: the next check touches the session once
        Instant due = clock.advance(step.multipliedBy(2));
        assertThat(echo(periodic, "due")).isEqualTo("alice:due");
        a.sockets.checkAll();
        // awaited: a touch that timed out on a loaded machine is made again by the next scheduled check
        await().atMost(CLOSE_BOUND).until(() -> !lastAccess(alice).isBefore(due));
        Instant touched = lastAccess(alice);
        assertThat(touched)
                .as("touched once, at the check after the interval passed")
                .isEqualTo(due);

        // another 22 messages inside the second interval: that one touch stands
        chat(clock, step, 11, periodic, perMessage, alice, touched);
        assertThat(periodic.isOpen()).isTrue();
        assertThat(perMessage.isOpen()).isTrue();
    }

    /**
     * Advances the clock {@code steps} times by {@code step}, sends one message on each socket and runs one check
     * after each step, and asserts after each that the session's last access is still {@code expected}.
     */
    private void chat(
            MutableClock clock,
            Duration step,
            int steps,
            SocketClient periodic,
            SocketClient perMessage,
            NewSession session,
            Instant expected)
            throws Exception {
        for (int i = 0; i < steps; i++) {
            clock.advance(step);
            assertThat(echo(periodic, "p" + i)).isEqualTo("alice:p" + i);
            assertThat(echo(perMessage, "m" + i)).isEqualTo("alice:m" + i);
            // a check as the scheduler runs it, so that a check that touched too early would show now
            a.sockets.checkAll();
            assertThat(lastAccess(session))
                    .as("last access after step %d of %s", i + 1, step)
                    .isEqualTo(expected);
        }
    }

    @Test
    void reusingARetiredRefreshTokenClosesTheSessionsSocketsOnEveryNodeWith1008() throws Exception {
        NewSession alice = login("alice");
        // fail-open sockets: a check that times out on this loaded machine must not close one first
        SocketClient onA = SocketClient.connect(a.uri("/open"), alice.id().value());
        SocketClient onB = SocketClient.connect(b.uri("/open"), alice.id().value());
        onA.send("hi");
        assertThat(onA.nextText()).isEqualTo("alice:hi");
        onB.send("hi");
        assertThat(onB.nextText()).isEqualTo("alice:hi");

        AccessTokenIssuer issuer = AccessTokenIssuer.builder(
                        KeyRing.of(TokenKeySet.of(TokenKey.generate("ws-test", TokenAlgorithm.HS256))))
                .issuer("https://lanyard.test")
                .audience("lanyard-websocket-test")
                .clock(b.manager.clock())
                .build();
        RefreshTokenService tokens = RefreshTokenService.builder(b.manager, (AtomicValueStore) b.store, issuer)
                .build();
        Session session =
                b.manager.resolve(alice.id(), ReadMode.STORE).session().orElseThrow();
        String retired = tokens.issue(session).refreshToken();
        assertThat(tokens.refresh(retired).isSuccess())
                .as("the first refresh rotates")
                .isTrue();

        RefreshResult reuse = tokens.refresh(retired);

        assertThat(reuse.rejection()).contains(RefreshRejection.REUSED);
        SocketClient.Closed expected = new SocketClient.Closed(1008, SocketCloseCause.REUSE_DETECTED.phrase());
        assertThat(onA.awaitClose(CLOSE_BOUND)).as("on node A").isEqualTo(expected);
        assertThat(onB.awaitClose(CLOSE_BOUND)).as("on node B").isEqualTo(expected);
        assertThat(a.sockets.closedSockets(SocketCloseCause.REUSE_DETECTED)).isEqualTo(1);
        assertThat(b.sockets.closedSockets(SocketCloseCause.REUSE_DETECTED)).isEqualTo(1);
    }

    // ---------------------------------------------------------------- helpers

    /**
     * The session's last access as the store holds it (a read that touches nothing); a read that timed out on a
     * loaded machine is made again, for at most {@link #CLOSE_BOUND}.
     */
    private Instant lastAccess(NewSession session) {
        AtomicReference<Instant> read = new AtomicReference<>();
        await().atMost(CLOSE_BOUND)
                .ignoreExceptionsInstanceOf(StoreUnavailableException.class)
                .until(() -> {
                    read.set(b.manager
                            .resolve(session.id(), ReadMode.STORE)
                            .session()
                            .orElseThrow()
                            .lastAccessedAt());
                    return true;
                });
        return read.get();
    }

    /** Sends a text and answers the echo; when none comes, fails saying whether and how the socket closed. */
    private static String echo(SocketClient client, String text) throws Exception {
        client.send(text);
        String answer = client.texts.poll(10, TimeUnit.SECONDS);
        if (answer == null) {
            String state;
            try {
                state = "closed with " + client.awaitClose(Duration.ZERO);
            } catch (TimeoutException e) {
                state = "still open";
            }
            throw new AssertionError("no echo of " + text + " within 10 s; the socket is " + state);
        }
        return answer;
    }

    /** @param cause the {@code cause} tag as docs/websocket.md names it: the cause in lower case */
    private static double closed(SimpleMeterRegistry registry, String cause) {
        return registry.get("lanyard.websocket.closed")
                .tag("cause", cause)
                .functionCounter()
                .count();
    }

    private static double closedInTotal(SimpleMeterRegistry registry) {
        assertThat(registry.get("lanyard.websocket.closed").functionCounters())
                .as("one counter per cause")
                .hasSize(SocketCloseCause.values().length);
        return registry.get("lanyard.websocket.closed").functionCounters().stream()
                .mapToDouble(c -> c.count())
                .sum();
    }

    private static double refused(SimpleMeterRegistry registry) {
        return registry.get("lanyard.websocket.refused").functionCounter().count();
    }
}
