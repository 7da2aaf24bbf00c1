package dev.lanyard.session.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lanyard.session.ClientInfo;
import dev.lanyard.session.NewSession;
import dev.lanyard.session.RevocationReason;
import dev.lanyard.session.SessionManager;
import dev.lanyard.session.redis.NearCacheOptions;
import dev.lanyard.session.redis.NearCachedRedisStore;
import dev.lanyard.session.redis.RedisSessionStore;
import dev.lanyard.session.redis.testing.RedisProcess;
import dev.lanyard.session.redis.testing.TestRedis;
import dev.lanyard.session.spi.AtomicValueStore;
import dev.lanyard.session.spi.SessionStore;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Measures, not tests: the figures docs/websocket.md quotes. Not in the default failsafe includes; run with
 * {@code mvn -pl session-websocket -am verify -Dit.test=JettySocketFiguresIT -Dtest=NONE
 * -Dsurefire.failIfNoSpecifiedTests=false -Dfailsafe.failIfNoSpecifiedTests=false}. Prints its figures.
 *
 * <ul>
 *   <li>Close propagation: 1,000 sessions, each with a socket on node A, revoked on node B in batches of 50;
 *       the delay from the revoke call returning to the client's close frame, with the default check interval.
 *   <li>Store commands per open socket per minute, counted by the private server's {@code INFO commandstats},
 *       with and without the near cache.
 * </ul>
 */
class JettySocketFiguresIT {

    @Test
    void closePropagation() throws Exception {
        try (RedisProcess redis = TestRedis.localServer()) {
            measurePropagation(redis);
        }
    }

    @Test
    void storeCommandsPerSocket() throws Exception {
        try (RedisProcess redis = TestRedis.localServer()) {
            // 90 s: longer than the default touch interval (1 min), so the window holds each session's touch
            measureCommands(redis, true, Duration.ofSeconds(90));
            measureCommands(redis, false, Duration.ofSeconds(30));
        }
    }

    private void measurePropagation(RedisProcess redis) throws Exception {
        List<AutoCloseable> closing = new ArrayList<>();
        try {
            Node a = node(redis, true, closing);
            Node b = node(redis, true, closing);
            long[] delays = new long[1000];
            int n = 0;
            while (n < delays.length) {
                List<NewSession> sessions = new ArrayList<>();
                List<SocketClient> clients = new ArrayList<>();
                for (int i = 0; i < 50; i++) {
                    NewSession s = b.manager.login(
                            b.manager.create(ClientInfo.UNKNOWN).session(), "user" + (n + i), ClientInfo.UNKNOWN);
                    sessions.add(s);
                    clients.add(SocketClient.connect(a.uri, s.id().value()));
                }
                long[] revokedAt = new long[sessions.size()];
                for (int i = 0; i < sessions.size(); i++) {
                    b.manager.revoke(sessions.get(i).id().handle(), RevocationReason.ADMIN);
                    revokedAt[i] = System.nanoTime();
                }
                for (int i = 0; i < clients.size(); i++) {
                    SocketClient.Closed closed = clients.get(i).awaitClose(Duration.ofSeconds(30));
                    long at = clients.get(i).closedAt();
                    assertThat(closed.code()).isEqualTo(1008);
                    delays[n++] = Math.max(0, at - revokedAt[i]);
                }
            }
            Arrays.sort(delays);
            System.out.printf(
                    "FIGURE close propagation over %d revocations (check interval %s, near cache on): "
                            + "p50 %d ms, p99 %d ms, max %d ms%n",
                    delays.length,
                    SocketSessions.DEFAULT_CHECK_INTERVAL,
                    ms(delays[delays.length / 2]),
                    ms(delays[delays.length * 99 / 100]),
                    ms(delays[delays.length - 1]));
        } finally {
            closeAll(closing);
        }
    }

    private void measureCommands(RedisProcess redis, boolean nearCache, Duration window) throws Exception {
        List<AutoCloseable> closing = new ArrayList<>();
        try {
            Node a = node(redis, nearCache, closing);
            int sockets = 50;
            List<SocketClient> clients = new ArrayList<>();
            for (int i = 0; i < sockets; i++) {
                NewSession s =
                        a.manager.login(a.manager.create(ClientInfo.UNKNOWN).session(), "cost" + i, ClientInfo.UNKNOWN);
                clients.add(SocketClient.connect(a.uri, s.id().value()));
            }
            redis.call("CONFIG", "RESETSTAT");
            TimeUnit.MILLISECONDS.sleep(
                    window.toMillis()); // a measurement window of real time, not a wait for a condition
            String stats = String.valueOf(redis.call("INFO", "commandstats"));
            long calls = 0;
            StringBuilder breakdown = new StringBuilder();
            for (String line : stats.split("\r?\n")) {
                if (!line.startsWith("cmdstat_")
                        || line.startsWith("cmdstat_info")
                        || line.startsWith("cmdstat_config")) {
                    continue;
                }
                int start = line.indexOf("calls=") + 6;
                long c = Long.parseLong(line.substring(start, line.indexOf(',', start)));
                calls += c;
                breakdown
                        .append(' ')
                        .append(line, 8, line.indexOf(':'))
                        .append('=')
                        .append(c);
            }
            double perSocketPerMinute = calls * 60_000.0 / window.toMillis() / sockets;
            System.out.printf(
                    "FIGURE store commands per open socket per minute (near cache %s, %d sockets, %s window): "
                            + "%.2f (%d commands:%s)%n",
                    nearCache ? "on" : "off", sockets, window, perSocketPerMinute, calls, breakdown);
            assertThat(clients).allMatch(SocketClient::isOpen);
        } finally {
            closeAll(closing);
        }
    }

    private record Node(SessionManager manager, URI uri) {}

    private static Node node(RedisProcess redis, boolean nearCache, List<AutoCloseable> closing) throws Exception {
        RedisSessionStore plain = RedisSessionStore.builder()
                .location(redis.uri())
                .commandTimeout(Duration.ofSeconds(2))
                .build();
        SessionStore store = nearCache ? NearCachedRedisStore.wrap(plain, NearCacheOptions.defaults()) : plain;
        closing.add(store);
        SessionManager manager = SessionManager.builder(store)
                .clock(Clock.systemUTC())
                .logEvents(false)
                .listener(new SessionEndNotes((AtomicValueStore) store))
                .build();
        SocketSessions sockets = SocketSessions.builder(manager).build();
        closing.add(sockets);
        SocketContract.Running server = new JettyIT()
                .start(
                        List.of(sockets.endpoint(
                                "/echo", () -> new SocketContract.Echo(sockets), SocketRoute.defaults())),
                        sockets,
                        List.of("/echo"));
        closing.add(server);
        return new Node(manager, URI.create("ws://127.0.0.1:" + server.port() + "/echo"));
    }

    private static long ms(long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(nanos);
    }

    private static void closeAll(List<AutoCloseable> closing) throws Exception {
        for (int i = closing.size() - 1; i >= 0; i--) {
            closing.get(i).close();
        }
    }
}
