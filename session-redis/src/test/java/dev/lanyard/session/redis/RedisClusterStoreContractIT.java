package dev.lanyard.session.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.lanyard.session.ClientInfo;
import dev.lanyard.session.NewSession;
import dev.lanyard.session.SessionManager;
import dev.lanyard.session.StoreUnavailableException;
import dev.lanyard.session.redis.testing.LocalRedisCluster;
import dev.lanyard.session.redis.testing.RedisProcess;
import dev.lanyard.session.redis.testing.Resp;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/** The whole store contract against a local three-master Redis Cluster (one per class), then a scan for keys without a TTL. */
class RedisClusterStoreContractIT extends RedisStoreContract {

    private static LocalRedisCluster redis;
    private static RedisStoreSupport support;

    @BeforeAll
    static void startRedis() {
        redis = LocalRedisCluster.start();
        support = new RedisStoreSupport(redis.uri(), redis::close);
    }

    @AfterAll
    static void stopRedis() {
        if (support != null) {
            support.close(); // stops the cluster too
        } else if (redis != null) {
            redis.close();
        }
    }

    @Override
    RedisStoreSupport support() {
        return support;
    }

    @Test
    @Order(Integer.MAX_VALUE - 1)
    void aFrozenNodeFailsItsKeysFastAndTypedWhileOtherNodesServe() {
        try (RedisSessionStore fast = support.builder(clock).build()) {
            SessionManager manager =
                    SessionManager.builder(fast).logEvents(false).build();
            NewSession s = manager.create(ClientInfo.UNKNOWN);
            String key = DirectRedis.sessionKey(fast.keyPrefix(), s.session().handle());
            RedisProcess owner = redis.nodes().stream()
                    .filter(n -> {
                        try {
                            return Long.valueOf(1L).equals(n.call("EXISTS", key));
                        } catch (Resp.ErrorReply moved) {
                            return false;
                        }
                    })
                    .findFirst()
                    .orElseThrow();
            owner.pause();
            try {
                long start = System.nanoTime();
                assertThatThrownBy(() -> manager.resolve(s.id())).isInstanceOf(StoreUnavailableException.class);
                assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
                // Sessions on the other masters keep working; those that hash to the frozen one fail typed.
                int served = 0;
                for (int i = 0; i < 12; i++) {
                    try {
                        NewSession other = manager.create(ClientInfo.UNKNOWN);
                        assertThat(manager.resolve(other.id()).isFound()).isTrue();
                        served++;
                    } catch (StoreUnavailableException onFrozenNode) {
                        // A timeout, or, once the store replaces the connection to the silent node (after
                        // reconnectAfterTimeouts unanswered pings), a refused connect or a closed old one.
                        assertThat(onFrozenNode).hasMessageMatching("(?s).*(did not answer|is unavailable).*");
                    }
                }
                assertThat(served).isPositive();
            } finally {
                owner.resume();
            }
            await().atMost(Duration.ofSeconds(10))
                    .ignoreExceptions()
                    .until(() -> manager.resolve(s.id()).isFound());
        }
    }

    @Test
    void aStoreOnTheClusterReportsItsTopology() {
        assertThat(((RedisSessionStore) store).topology()).isEqualTo(RedisSessionStore.Topology.CLUSTER);
    }
}
