package dev.lanyard.session.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.lanyard.session.ClientInfo;
import dev.lanyard.session.NewSession;
import dev.lanyard.session.SessionManager;
import dev.lanyard.session.StoreUnavailableException;
import dev.lanyard.session.redis.testing.LocalRedisCluster;
import dev.lanyard.session.redis.testing.RedisProcess;
import dev.lanyard.session.redis.testing.Resp;
import dev.lanyard.session.tck.net.FaultProxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Redis Cluster node's traffic goes silent for a while (packets dropped, nothing closed) while
 * the node stays in the cluster and the other nodes answer: the store's node connection to it is
 * half-open. Every client connection to the cluster goes through a {@link FaultProxy} per node
 * (the nodes announce the proxies' ports), whose kernel keeps acknowledging, so neither the kernel
 * nor Lettuce's topology refresh (the topology does not change) ever replaces that connection:
 * only the store's per-node liveness check can. The store must fail that node's keys fast and
 * typed, keep serving the other nodes' keys, and serve the silent node's keys again within a bound
 * once the node can be reached. The measured times are logged ({@code blackhole: cluster} lines).
 */
class RedisClusterHalfOpenIT {

    private static final Logger LOG = LoggerFactory.getLogger(RedisClusterHalfOpenIT.class);
    private static final Duration TIMEOUT = Duration.ofMillis(300);
    private static final Duration FAIL_FAST = TIMEOUT.plus(Duration.ofMillis(1700));
    /** How long the node stays silent: long enough for the store to see it. */
    private static final Duration SILENCE = Duration.ofSeconds(4);
    /** Serving again after the silence ended: a reconnect and a loaded machine's margin (never without the check). */
    private static final Duration RECOVERY = Duration.ofSeconds(10);

    @Test
    void aSilentNodesHalfOpenConnectionIsReplacedAndItsKeysAreServedAgainOnceItAnswers() {
        Map<Integer, FaultProxy> proxyOfNode = new HashMap<>();
        List<FaultProxy> proxies = new ArrayList<>();
        try (LocalRedisCluster cluster = LocalRedisCluster.start(port -> {
                    FaultProxy proxy = FaultProxy.start("127.0.0.1", port);
                    proxies.add(proxy);
                    proxyOfNode.put(port, proxy);
                    return proxy.port();
                });
                RedisSessionStore store = RedisSessionStore.builder()
                        .location("redis-cluster://"
                                + proxies.stream()
                                        .map(p -> "127.0.0.1:" + p.port())
                                        .collect(Collectors.joining(",")))
                        .commandTimeout(TIMEOUT)
                        .build()) {
            SessionManager manager =
                    SessionManager.builder(store).logEvents(false).build();
            NewSession onSilentNode = FaultSetUp.created(manager);
            RedisProcess silentNode = owner(cluster, store, onSilentNode);
            FaultProxy path = proxyOfNode.get(silentNode.port());

            path.blackhole();
            long cut = System.nanoTime();
            long slowest = 0;
            int failed = 0;
            int servedElsewhere = 0;
            while (System.nanoTime() - cut < SILENCE.toNanos()) {
                long start = System.nanoTime();
                try {
                    manager.resolve(onSilentNode.id());
                    throw new AssertionError("a key on the silent node was served");
                } catch (StoreUnavailableException expected) {
                    failed++;
                }
                slowest = Math.max(slowest, System.nanoTime() - start);
                try {
                    NewSession other = manager.create(ClientInfo.UNKNOWN);
                    if (manager.resolve(other.id()).isFound()) {
                        servedElsewhere++;
                    }
                } catch (StoreUnavailableException onTheSilentNodeToo) {
                    // its slot is on the silent node
                }
            }
            assertThat(Duration.ofNanos(slowest))
                    .as("the slowest call on the silent node")
                    .isLessThan(FAIL_FAST);
            assertThat(servedElsewhere)
                    .as("sessions served by the other nodes meanwhile")
                    .isPositive();

            path.restore(); // new connections get through; the ones it silenced stay silent, as half-open ones do
            long restored = System.nanoTime();
            await("the silent node's keys are served again")
                    .atMost(RECOVERY)
                    .pollInterval(Duration.ofMillis(50))
                    .ignoreException(StoreUnavailableException.class)
                    .until(() -> manager.resolve(onSilentNode.id()).isFound());
            long recovered = System.nanoTime() - restored;
            LOG.info(
                    "blackhole: cluster node silent for {} ms: {} calls on it failed in at most {} ms, {} sessions "
                            + "served by the other nodes meanwhile; its keys served again {} ms after it could be "
                            + "reached",
                    SILENCE.toMillis(),
                    failed,
                    slowest / 1_000_000,
                    servedElsewhere,
                    recovered / 1_000_000);
        } finally {
            proxies.forEach(FaultProxy::close);
        }
    }

    /** The node that holds the session's key. */
    private static RedisProcess owner(LocalRedisCluster cluster, RedisSessionStore store, NewSession session) {
        String key = DirectRedis.sessionKey(store.keyPrefix(), session.session().handle());
        return cluster.nodes().stream()
                .filter(n -> {
                    try {
                        return Long.valueOf(1L).equals(n.call("EXISTS", key));
                    } catch (Resp.ErrorReply moved) {
                        return false;
                    }
                })
                .findFirst()
                .orElseThrow();
    }
}
