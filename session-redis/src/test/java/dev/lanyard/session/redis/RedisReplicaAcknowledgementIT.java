package dev.lanyard.session.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import dev.lanyard.session.ClientInfo;
import dev.lanyard.session.NewSession;
import dev.lanyard.session.RevocationReason;
import dev.lanyard.session.SessionManager;
import dev.lanyard.session.SessionStores;
import dev.lanyard.session.SessionUpdate;
import dev.lanyard.session.StoreUnavailableException;
import dev.lanyard.session.redis.testing.RedisProcess;
import dev.lanyard.session.redis.testing.TestRedis;
import dev.lanyard.session.spi.SessionStore;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code replicaAcks}: a write is reported done only once a replica holds it, and
 * fails typed when no replica acknowledges it in time. A real master with a real replica.
 */
class RedisReplicaAcknowledgementIT {

    private static RedisProcess master;
    private static RedisProcess replica;

    @BeforeAll
    static void start() {
        master = TestRedis.localServer();
        replica = TestRedis.localServer("--replicaof", "127.0.0.1", Integer.toString(master.port()));
        await().atMost(Duration.ofSeconds(20))
                .until(() -> String.valueOf(replica.call("INFO", "replication")).contains("master_link_status:up"));
    }

    @AfterAll
    static void stop() {
        if (replica != null) {
            replica.close();
        }
        if (master != null) {
            master.close();
        }
    }

    private static String sessionKey(RedisSessionStore store, NewSession s) {
        return DirectRedis.sessionKey(store.keyPrefix(), s.session().handle());
    }

    @Test
    void aWriteReportedDoneIsAlreadyOnTheReplica() {
        try (RedisSessionStore store = RedisSessionStore.builder()
                .standalone("127.0.0.1", master.port())
                .keyPrefix("ack1:")
                .commandTimeout(Duration.ofSeconds(1))
                .replicaAcks(1, Duration.ofMillis(500))
                .build()) {
            assertThat(store.replicaAcks()).isEqualTo(1);
            assertThat(store.toString()).endsWith(", acknowledged by 1 replica(s) within 500ms]");
            SessionManager manager =
                    SessionManager.builder(store).logEvents(false).build();
            for (int i = 0; i < 50; i++) {
                NewSession s = manager.create(ClientInfo.UNKNOWN);
                // No waiting here: WAIT returned only once the replica had the write.
                assertThat(replica.call("EXISTS", sessionKey(store, s)))
                        .as("session %d on the replica", i)
                        .isEqualTo(1L);
                manager.save(
                                s.session(),
                                SessionUpdate.builder().put("cart", "item-" + i).build())
                        .orElseThrow();
                assertThat(replica.call("HEXISTS", sessionKey(store, s), RecordCodec.ATTRIBUTE_PREFIX + "cart"))
                        .isEqualTo(1L);
                manager.revoke(s.session().handle(), RevocationReason.ADMIN);
                assertThat(replica.call("EXISTS", sessionKey(store, s)))
                        .as("revocation %d on the replica", i)
                        .isEqualTo(0L);
            }
        }
    }

    @Test
    void aWriteNoReplicaAcknowledgesFailsTypedAndReadsStillWork() {
        try (RedisSessionStore store = RedisSessionStore.builder()
                .standalone("127.0.0.1", master.port())
                .keyPrefix("ack2:")
                .commandTimeout(Duration.ofSeconds(1))
                .replicaAcks(1, Duration.ofMillis(100))
                .build()) {
            SessionManager manager =
                    SessionManager.builder(store).logEvents(false).build();
            NewSession before = manager.create(ClientInfo.UNKNOWN);
            replica.pause();
            try {
                Throwable failure = catchThrowable(() -> manager.create(ClientInfo.UNKNOWN));
                assertThat(failure)
                        .isInstanceOf(StoreUnavailableException.class)
                        .hasMessageContaining("replicated create to 0 of the 1 replica(s) required within 100 ms");
                assertThat(failure.getMessage()).doesNotContain(before.id().value());
                // Reads need no replica.
                assertThat(manager.resolve(before.id()).isFound()).isTrue();
            } finally {
                replica.resume();
            }
            NewSession after = manager.create(ClientInfo.UNKNOWN);
            assertThat(replica.call("EXISTS", sessionKey(store, after))).isEqualTo(1L);
        }
    }

    @Test
    void aMasterWithoutReplicasRefusesEveryWriteButNotReads() {
        try (RedisProcess alone = TestRedis.localServer();
                RedisSessionStore plain = RedisSessionStore.builder()
                        .standalone("127.0.0.1", alone.port())
                        .build();
                RedisSessionStore acknowledged = RedisSessionStore.builder()
                        .standalone("127.0.0.1", alone.port())
                        .replicaAcks(1, Duration.ofMillis(20))
                        .build()) {
            NewSession s =
                    SessionManager.builder(plain).logEvents(false).build().create(ClientInfo.UNKNOWN);
            SessionManager manager =
                    SessionManager.builder(acknowledged).logEvents(false).build();
            assertThat(manager.resolve(s.id()).isFound()).isTrue();
            assertThatThrownBy(() -> manager.create(ClientInfo.UNKNOWN)).isInstanceOf(StoreUnavailableException.class);
            assertThatThrownBy(() -> manager.revoke(s.session().handle(), RevocationReason.ADMIN))
                    .isInstanceOf(StoreUnavailableException.class);
        }
    }

    @Test
    void startUpWarnsWhenTheAcknowledgementsDoNotMatchTheReplicas() {
        try (LogCapture logs = new LogCapture("dev.lanyard");
                RedisSessionStore store = RedisSessionStore.builder()
                        .standalone("127.0.0.1", master.port())
                        .commandTimeout(Duration.ofSeconds(1))
                        .replicaAcks(2, Duration.ofMillis(100))
                        .build()) {
            assertThat(logs.text()).contains("replicaAcks is 2 but the Redis master has 1 attached replica(s)");
            assertThatThrownBy(() -> SessionManager.builder(store)
                            .logEvents(false)
                            .build()
                            .create(ClientInfo.UNKNOWN))
                    .isInstanceOf(StoreUnavailableException.class);
        }
        try (RedisProcess second = TestRedis.localServer("--replicaof", "127.0.0.1", Integer.toString(master.port()))) {
            await().atMost(Duration.ofSeconds(20))
                    .until(() ->
                            String.valueOf(master.call("INFO", "replication")).split("state=online", -1).length - 1
                                    == 2);
            try (LogCapture logs = new LogCapture("dev.lanyard");
                    RedisSessionStore store = RedisSessionStore.builder()
                            .standalone("127.0.0.1", master.port())
                            .replicaAcks(1, Duration.ofMillis(100))
                            .build()) {
                assertThat(logs.text())
                        .contains("replicaAcks is 1 but the Redis master has 2 replicas")
                        .contains("set replicaAcks to 2");
            }
            try (LogCapture logs = new LogCapture("dev.lanyard");
                    RedisSessionStore store = RedisSessionStore.builder()
                            .standalone("127.0.0.1", master.port())
                            // Generous: a replica that has just come online can be slow to acknowledge on a
                            // loaded machine, and this part checks the warning and where the write lands.
                            .commandTimeout(Duration.ofSeconds(10))
                            .replicaAcks(2, Duration.ofSeconds(5))
                            .build()) {
                assertThat(logs.text()).doesNotContain("replicaAcks is");
                NewSession s =
                        SessionManager.builder(store).logEvents(false).build().create(ClientInfo.UNKNOWN);
                assertThat(second.call("EXISTS", sessionKey(store, s))).isEqualTo(1L);
            }
        }
        // The other tests expect the one replica of the class.
        await().atMost(Duration.ofSeconds(20))
                .until(() -> String.valueOf(master.call("INFO", "replication")).contains("connected_slaves:1"));
    }

    @Test
    void theUriOptionsTurnItOnWithHalfTheCommandTimeoutByDefault() {
        try (SessionStore store = SessionStores.open(master.uri() + "?replicaAcks=1&timeout=400ms&keyPrefix=ack3:")) {
            assertThat(store).isInstanceOf(RedisSessionStore.class);
            assertThat(((RedisSessionStore) store).replicaAcks()).isEqualTo(1);
            assertThat(store.toString()).endsWith("timeout=400ms, acknowledged by 1 replica(s) within 200ms]");
        }
        try (RedisSessionStore store = RedisSessionStore.open(master.uri() + "?replicaAcks=1&replicaAckTimeout=50ms")) {
            assertThat(store.toString()).endsWith("acknowledged by 1 replica(s) within 50ms]");
        }
        try (RedisSessionStore store = RedisSessionStore.open(master.uri())) {
            assertThat(store.replicaAcks()).isZero();
            assertThat(store.toString()).doesNotContain("acknowledged");
        }
    }

    @Test
    void badSettingsAreRefusedWithAClearMessage() {
        assertThatThrownBy(() -> RedisSessionStore.builder().replicaAcks(0, Duration.ofMillis(10)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("between 1 and 16");
        assertThatThrownBy(() -> RedisSessionStore.builder().replicaAcks(1, Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("must be positive");
        assertThatThrownBy(() -> RedisSessionStore.builder()
                        .standalone("127.0.0.1", master.port())
                        .replicaAcks(1, Duration.ofMillis(250))
                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("must be shorter than the command timeout (250 ms)");
        assertThatThrownBy(() -> RedisSessionStore.builder()
                        .cluster("127.0.0.1:" + master.port())
                        .replicaAcks(1, Duration.ofMillis(10))
                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("standalone and Sentinel");
        assertThatThrownBy(() -> RedisSessionStore.open(master.uri() + "?replicaAcks=zero"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("replicaAcks must be a number");
        assertThatThrownBy(() -> RedisSessionStore.open(master.uri() + "?replicaAcks=1&replicaAckTimeout=-5"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("replicaAckTimeout must be");
    }
}
