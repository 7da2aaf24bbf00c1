package dev.lanyard.session.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.lanyard.session.ClientInfo;
import dev.lanyard.session.NewSession;
import dev.lanyard.session.SessionManager;
import dev.lanyard.session.SessionUpdate;
import dev.lanyard.session.StoreUnavailableException;
import dev.lanyard.session.redis.testing.LocalSentinelSet;
import dev.lanyard.session.redis.testing.NetHost;
import dev.lanyard.session.redis.testing.NetRedis;
import dev.lanyard.session.redis.testing.NetSentinel;
import dev.lanyard.session.redis.testing.RedisProcess;
import dev.lanyard.session.redis.testing.TestRedis;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Redis master that vanishes without a reset or a FIN: its network namespace's link goes down
 * (a {@link NetHost}), so the store's connection stays half-open while the kernel retransmits, as
 * after a VM loss or a security group change. The store must fail every call fast and typed, see
 * the loss within a bound, and use Redis again within a bound once it is reachable (standalone),
 * or reach the master Sentinel promotes at another address within the failover time plus two
 * command timeouts. Each way of noticing the loss ({@code TCP_USER_TIMEOUT}, reconnecting after
 * repeated timeouts) is tested alone. The measured times are logged ({@code blackhole:} lines).
 */
class RedisBlackholeIT {

    private static final Logger LOG = LoggerFactory.getLogger(RedisBlackholeIT.class);
    private static final Duration TIMEOUT = Duration.ofMillis(300);
    /** A call during the blackhole answers within this: the timeout plus a loaded machine's margin. */
    private static final Duration FAIL_FAST = TIMEOUT.plus(Duration.ofMillis(1700));
    /** How long the link stays cut: long enough that the kernel's retransmissions back off past seconds. */
    private static final Duration CUT = Duration.ofSeconds(8);
    /** How long the failover test waits for Sentinel's promotion and both nodes' first write after it. */
    private static final Duration FAILOVER_BOUND = Duration.ofSeconds(60);
    /** The shortest round of the loops that call the store or the sentinel. */
    private static final Duration ROUND = Duration.ofMillis(5);

    @Test
    void withTcpUserTimeoutAHalfOpenConnectionIsDroppedWithinItAndRedisIsUsedAgainOnceReachable() {
        assertThat(ConnectionLiveness.nativeTransport())
                .as("netty-transport-native-epoll is on the test classpath")
                .isTrue();
        // The fallback off: only the kernel's TCP_USER_TIMEOUT can notice the loss.
        ConnectionLiveness userTimeoutOnly = new ConnectionLiveness(Duration.ofSeconds(1), Duration.ofSeconds(5), 0);
        blackholeStandalone(userTimeoutOnly, Duration.ofSeconds(1).plus(Duration.ofSeconds(3)), "TCP_USER_TIMEOUT 1 s");
    }

    @Test
    void withoutTcpUserTimeoutRepeatedTimeoutsReplaceTheConnectionAndRedisIsUsedAgainOnceReachable() {
        // What a JVM without the native transport has: keepalive (idle only) and the fallback.
        ConnectionLiveness fallbackOnly = new ConnectionLiveness(null, Duration.ofSeconds(5), 3);
        // Three timeouts, then a connect that times out (1.2 s): about 2.1 s; doubled for the machine.
        blackholeStandalone(fallbackOnly, Duration.ofSeconds(5), "3 timeouts then reconnect");
    }

    private void blackholeStandalone(ConnectionLiveness liveness, Duration detectBound, String path) {
        try (NetHost host = NetHost.create();
                NetRedis redis = NetRedis.start(host);
                RedisSessionStore store = RedisSessionStore.builder()
                        .location(redis.uri())
                        .commandTimeout(TIMEOUT)
                        .liveness(liveness)
                        .build()) {
            SessionManager manager =
                    SessionManager.builder(store).logEvents(false).build();
            NewSession before = FaultSetUp.created(manager);
            assertThat(store.health().isUp()).isTrue();

            host.blackhole();
            long cut = System.nanoTime();
            long downAfter = -1;
            long slowest = 0;
            int calls = 0;
            // The link stays cut for CUT, whatever the calls take: once the loss is seen they are rejected at once,
            // so each is paced to at least ROUND, and the count bound (a backstop) cannot end the cut early.
            while (System.nanoTime() - cut < CUT.toNanos() && calls < CUT.dividedBy(ROUND)) {
                long start = System.nanoTime();
                assertThatThrownBy(() -> manager.resolve(before.id())).isInstanceOf(StoreUnavailableException.class);
                long took = System.nanoTime() - start;
                slowest = Math.max(slowest, took);
                calls++;
                if (downAfter < 0 && !store.health().isUp()) {
                    downAfter = System.nanoTime() - cut;
                }
                pace(start);
            }
            assertThat(Duration.ofNanos(slowest))
                    .as("the slowest call while the link was cut")
                    .isLessThan(FAIL_FAST);
            assertThat(downAfter).as("the store saw the loss (%s)", path).isPositive();
            assertThat(Duration.ofNanos(downAfter))
                    .as("time until the store saw the loss (%s)", path)
                    .isLessThan(detectBound);

            host.restore();
            long restored = System.nanoTime();
            await().atMost(Duration.ofSeconds(6))
                    .pollInterval(Duration.ofMillis(20))
                    .ignoreException(StoreUnavailableException.class)
                    .until(() -> manager.resolve(before.id()).isFound());
            long recovered = System.nanoTime() - restored;
            NewSession after = manager.create(ClientInfo.UNKNOWN);
            assertThat(manager.save(
                            after.session(),
                            SessionUpdate.builder().put("k", "v").build()))
                    .isPresent();
            LOG.info(
                    "blackhole: standalone ({}): {} calls failed in at most {} ms; loss seen after {} ms; "
                            + "used again {} ms after the link came back",
                    path,
                    calls,
                    slowest / 1_000_000,
                    downAfter / 1_000_000,
                    recovered / 1_000_000);
        }
    }

    @Test
    void afterABlackholedMasterEveryNodeReachesTheMasterSentinelPromotesWithinTwoCommandTimeouts() throws Exception {
        try (NetHost host = NetHost.create();
                NetRedis master = NetRedis.start(host, "--repl-diskless-sync-delay", "0");
                RedisProcess replica = TestRedis.localServer(
                        "--replicaof",
                        master.host(),
                        Integer.toString(master.port()),
                        "--replica-announce-ip",
                        "127.0.0.1");
                RedisProcess sentinel = NetSentinel.start(master.host(), master.port())) {
            await("the sentinel knows the replica")
                    .atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> {
                        String known =
                                String.valueOf(sentinel.call("SENTINEL", "REPLICAS", LocalSentinelSet.MASTER_NAME));
                        return known.contains(Integer.toString(replica.port()))
                                && !known.contains("disconnected")
                                && String.valueOf(replica.call("INFO", "replication"))
                                        .contains("master_link_status:up");
                    });
            String location = "redis-sentinel://127.0.0.1:" + sentinel.port() + "?sentinelMasterId="
                    + LocalSentinelSet.MASTER_NAME;
            try (RedisSessionStore storeA = RedisSessionStore.builder()
                            .location(location)
                            .commandTimeout(TIMEOUT)
                            .build();
                    RedisSessionStore storeB = RedisSessionStore.builder()
                            .location(location)
                            .commandTimeout(TIMEOUT)
                            .build()) {
                List<SessionManager> nodes = List.of(
                        SessionManager.builder(storeA).logEvents(false).build(),
                        SessionManager.builder(storeB).logEvents(false).build());
                for (SessionManager node : nodes) {
                    FaultSetUp.created(node);
                }

                host.blackhole();
                long cut = System.nanoTime();
                // Each node writes on a thread of its own, so that one node's failing calls (up to a timeout each)
                // never delay the moment the other is seen to reach the new master; the sentinel is polled here.
                ExecutorService writers = Executors.newFixedThreadPool(2);
                try {
                    List<Future<long[]>> reaching = new ArrayList<>();
                    for (SessionManager node : nodes) {
                        reaching.add(writers.submit(() -> writeUntilAccepted(node, cut)));
                    }
                    long promoted = -1;
                    int rounds = 0;
                    while (promoted < 0
                            && System.nanoTime() - cut < FAILOVER_BOUND.toNanos()
                            && rounds < FAILOVER_BOUND.dividedBy(ROUND)) {
                        long roundStart = System.nanoTime();
                        rounds++;
                        if (String.valueOf(NetSentinel.masterOf(sentinel).get(1))
                                .equals(Integer.toString(replica.port()))) {
                            promoted = System.nanoTime() - cut;
                        }
                        pace(roundStart);
                    }
                    assertThat(promoted)
                            .as("Sentinel promoted the replica within %s (%s rounds)", FAILOVER_BOUND, rounds)
                            .isPositive();
                    long[] reached = new long[2];
                    for (int i = 0; i < 2; i++) {
                        // [when it first wrote, or -1; its slowest failed call; how many calls it made]
                        long[] node = reaching.get(i).get(FAILOVER_BOUND.toSeconds() + 30, TimeUnit.SECONDS);
                        reached[i] = node[0];
                        assertThat(reached[i])
                                .as(
                                        "node %s wrote to the new master within %s (%s calls, promoted after %s ms)",
                                        i, FAILOVER_BOUND, node[2], promoted / 1_000_000)
                                .isPositive();
                        assertThat(Duration.ofNanos(node[1]))
                                .as("node %s: the slowest call that failed", i)
                                .isLessThan(FAIL_FAST);
                        // The goal: the failover time plus two command timeouts; one more second for a loaded machine.
                        assertThat(Duration.ofNanos(reached[i] - promoted))
                                .as("node %s after the promotion", i)
                                .isLessThan(TIMEOUT.multipliedBy(2).plus(Duration.ofSeconds(1)));
                    }
                    LOG.info(
                            "blackhole: sentinel: promoted after {} ms; nodes wrote to the new master after {} ms and {} ms",
                            promoted / 1_000_000,
                            reached[0] / 1_000_000,
                            reached[1] / 1_000_000);
                } finally {
                    writers.shutdownNow();
                }
            }
        }
    }

    /**
     * Writes through one node until a write is accepted (only a master accepts one) or
     * {@link #FAILOVER_BOUND} has passed since {@code cut}, each call paced to at least {@link #ROUND}.
     *
     * @return when the first write was accepted (nanoseconds after the cut, or -1), the slowest
     *     failed call (nanoseconds) and how many calls were made
     */
    private static long[] writeUntilAccepted(SessionManager node, long cut) {
        long slowestFailure = 0;
        int calls = 0;
        while (System.nanoTime() - cut < FAILOVER_BOUND.toNanos() && calls < FAILOVER_BOUND.dividedBy(ROUND)) {
            long start = System.nanoTime();
            calls++;
            try {
                node.create(ClientInfo.UNKNOWN);
                return new long[] {System.nanoTime() - cut, slowestFailure, calls};
            } catch (StoreUnavailableException expected) {
                slowestFailure = Math.max(slowestFailure, System.nanoTime() - start);
            }
            pace(start);
        }
        return new long[] {-1, slowestFailure, calls};
    }

    /** Parks until {@link #ROUND} has passed since {@code roundStart}. */
    private static void pace(long roundStart) {
        long left = ROUND.toNanos() - (System.nanoTime() - roundStart);
        if (left > 0) {
            LockSupport.parkNanos(left);
        }
    }
}
