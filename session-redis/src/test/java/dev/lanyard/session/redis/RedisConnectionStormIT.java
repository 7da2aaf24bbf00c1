package dev.lanyard.session.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.lanyard.session.ClientInfo;
import dev.lanyard.session.SessionManager;
import dev.lanyard.session.StoreUnavailableException;
import dev.lanyard.session.redis.testing.RedisProcess;
import dev.lanyard.session.redis.testing.TestRedis;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Connection storms: two application nodes starting at once against a Redis whose
 * {@code maxclients} is used up, and {@code CLIENT KILL} of every client at once. No node goes
 * down for good: calls fail fast with {@link StoreUnavailableException} while Redis refuses
 * clients, and both nodes serve again once it accepts them. (That the retries are spread is
 * {@link ConnectionLivenessTest}'s to show.)
 */
class RedisConnectionStormIT {

    private static final Logger LOG = LoggerFactory.getLogger(RedisConnectionStormIT.class);
    private static final Duration TIMEOUT = Duration.ofMillis(300);
    private static final Duration FAIL_FAST = Duration.ofSeconds(2);
    /** Serving again: one jittered retry (at most a second) plus a loaded machine's margin. */
    private static final Duration BACK_WITHIN = Duration.ofSeconds(6);

    @Test
    void twoNodesStartingAtOnceAgainstAFullRedisFailTypedAndServeOnceItAcceptsClients() throws Exception {
        try (RedisProcess redis = TestRedis.localServer("--maxclients", "3")) {
            List<Socket> hogs = new ArrayList<>();
            try {
                for (int i = 0; i < 3; i++) {
                    hogs.add(connectedClient(redis.port()));
                }
                // Two threads of the test's own: the default pool may run one task at a time on two cores.
                ExecutorService both = Executors.newFixedThreadPool(2);
                CompletableFuture<RedisSessionStore> startA = CompletableFuture.supplyAsync(() -> open(redis), both);
                CompletableFuture<RedisSessionStore> startB = CompletableFuture.supplyAsync(() -> open(redis), both);
                both.shutdown();
                try (RedisSessionStore storeA = startA.get();
                        RedisSessionStore storeB = startB.get()) {
                    List<SessionManager> nodes = List.of(
                            SessionManager.builder(storeA).logEvents(false).build(),
                            SessionManager.builder(storeB).logEvents(false).build());
                    for (SessionManager node : nodes) {
                        for (int i = 0; i < 3; i++) {
                            long start = System.nanoTime();
                            assertThatThrownBy(() -> node.create(ClientInfo.UNKNOWN))
                                    .isInstanceOf(StoreUnavailableException.class);
                            assertThat(Duration.ofNanos(System.nanoTime() - start))
                                    .isLessThan(FAIL_FAST);
                        }
                    }
                    assertThat(storeA.health().isUp()).isFalse();

                    for (Socket hog : hogs) {
                        hog.close();
                    }
                    long freed = System.nanoTime();
                    for (SessionManager node : nodes) {
                        await("a node serves once Redis accepts clients")
                                .atMost(BACK_WITHIN)
                                .pollInterval(Duration.ofMillis(20))
                                .ignoreException(StoreUnavailableException.class)
                                .until(() -> node.create(ClientInfo.UNKNOWN) != null);
                    }
                    LOG.info(
                            "storm: both nodes served {} ms after Redis had room for clients",
                            (System.nanoTime() - freed) / 1_000_000);
                }
            } finally {
                for (Socket hog : hogs) {
                    hog.close();
                }
            }
        }
    }

    @Test
    void killingEveryClientAtOnceLeavesBothNodesServingWithinABound() {
        try (RedisProcess redis = TestRedis.localServer("--maxclients", "8");
                RedisSessionStore storeA = open(redis);
                RedisSessionStore storeB = open(redis)) {
            List<SessionManager> nodes = List.of(
                    SessionManager.builder(storeA).logEvents(false).build(),
                    SessionManager.builder(storeB).logEvents(false).build());
            for (SessionManager node : nodes) {
                FaultSetUp.created(node);
            }
            long slowest = 0;
            for (int round = 0; round < 3; round++) {
                redis.call("CLIENT", "KILL", "TYPE", "normal");
                long killed = System.nanoTime();
                for (SessionManager node : nodes) {
                    await("a node serves after CLIENT KILL")
                            .atMost(BACK_WITHIN)
                            .pollInterval(Duration.ofMillis(10))
                            .ignoreException(StoreUnavailableException.class)
                            .until(() -> node.create(ClientInfo.UNKNOWN) != null);
                }
                slowest = Math.max(slowest, System.nanoTime() - killed);
            }
            LOG.info("storm: after CLIENT KILL of every client both nodes served within {} ms", slowest / 1_000_000);
        }
    }

    private static RedisSessionStore open(RedisProcess redis) {
        return RedisSessionStore.builder()
                .location(redis.uri())
                .commandTimeout(TIMEOUT)
                .skipEvictionPolicyCheck()
                .build();
    }

    /** A raw client that Redis has accepted (it answered PING), holding one of its client slots. */
    private static Socket connectedClient(int port) throws IOException {
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", port), 2000);
        socket.setSoTimeout(2000);
        OutputStream out = socket.getOutputStream();
        out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        InputStream in = socket.getInputStream();
        byte[] reply = new byte[64];
        int n = in.read(reply);
        String answer = new String(reply, 0, Math.max(n, 0), StandardCharsets.US_ASCII);
        if (!answer.startsWith("+PONG")) {
            socket.close();
            throw new IllegalStateException("Redis did not accept a client: " + answer.trim());
        }
        return socket;
    }
}
