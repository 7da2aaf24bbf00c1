package dev.lanyard.session.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.lanyard.session.ClientInfo;
import dev.lanyard.session.NewSession;
import dev.lanyard.session.ResolutionStatus;
import dev.lanyard.session.SessionManager;
import dev.lanyard.session.SessionUpdate;
import dev.lanyard.session.StoreUnavailableException;
import dev.lanyard.session.redis.testing.RedisProcess;
import dev.lanyard.session.redis.testing.TestRedis;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A Redis that stops or freezes: calls fail fast with {@link StoreUnavailableException} while it
 * is gone and succeed afterwards on the same store, with no restart of the application. The time
 * bounds are generous (two seconds against a 250 ms timeout): they prove "no hang", not speed.
 */
class RedisFaultIT {

    private static final Duration FAIL_FAST = Duration.ofSeconds(2);

    private RedisProcess redis;
    private RedisSessionStore store;
    private SessionManager manager;

    @BeforeEach
    void start() {
        // AOF on, so that sessions survive the stop and restart as they would in production.
        redis = TestRedis.localServer("--appendonly", "yes", "--appendfsync", "always");
        store = RedisSessionStore.builder().location(redis.uri()).build();
        manager = SessionManager.builder(store).logEvents(false).build();
    }

    @AfterEach
    void stop() {
        if (store != null) {
            store.close();
        }
        if (redis != null) {
            redis.close();
        }
    }

    @Test
    void theDefaultTimeoutIs250Milliseconds() {
        assertThat(store.commandTimeout()).isEqualTo(Duration.ofMillis(250));
    }

    @Test
    void aStoppedRedisFailsCallsFastAndTypedAndTheStoreRecoversAfterRestart() {
        NewSession before = FaultSetUp.created(manager);
        redis.stop();

        for (int i = 0; i < 3; i++) {
            long start = System.nanoTime();
            assertThatThrownBy(() -> manager.resolve(before.id())).isInstanceOf(StoreUnavailableException.class);
            assertThatThrownBy(() -> manager.create(ClientInfo.UNKNOWN)).isInstanceOf(StoreUnavailableException.class);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(FAIL_FAST);
        }

        redis.restart();
        await().atMost(Duration.ofSeconds(15))
                .pollInterval(Duration.ofMillis(100))
                .ignoreExceptions()
                .until(() -> manager.resolve(before.id()).isFound());
        NewSession after = manager.create(ClientInfo.UNKNOWN);
        assertThat(manager.save(
                        after.session(), SessionUpdate.builder().put("k", "v").build()))
                .isPresent();
        assertThat(manager.resolve(after.id()).session().orElseThrow().attributes())
                .containsEntry("k", "v");
    }

    @Test
    void aFrozenRedisFailsCallsWithinTheTimeoutAndTheStoreRecoversAfterThaw() {
        NewSession before = FaultSetUp.created(manager);
        redis.pause();
        try {
            long frozenSince = System.nanoTime();
            for (int i = 0; i < 3; i++) {
                long start = System.nanoTime();
                assertThatThrownBy(() -> manager.resolve(before.id()))
                        .isInstanceOf(StoreUnavailableException.class)
                        .hasMessageContaining("did not answer");
                assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(FAIL_FAST);
            }
            assertThat(Duration.ofNanos(System.nanoTime() - frozenSince))
                    .as("frozen longer than the timeout")
                    .isGreaterThan(store.commandTimeout());
        } finally {
            redis.resume();
        }
        await().atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(100))
                .ignoreExceptions()
                .until(() -> manager.resolve(before.id()).isFound());
        assertThat(manager.resolve(before.id()).status()).isEqualTo(ResolutionStatus.FOUND);
    }

    @Test
    void openingAStoreOnADownRedisReturnsFastAndItsCallsFailTypedAndFast() {
        int port = redis.port();
        redis.stop();
        long start = System.nanoTime();
        try (RedisSessionStore down = RedisSessionStore.builder()
                .location("redis://127.0.0.1:" + port)
                .build()) {
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(FAIL_FAST);
            SessionManager early = SessionManager.builder(down).logEvents(false).build();
            long call = System.nanoTime();
            assertThatThrownBy(() -> early.create(ClientInfo.UNKNOWN)).isInstanceOf(StoreUnavailableException.class);
            assertThat(Duration.ofNanos(System.nanoTime() - call)).isLessThan(FAIL_FAST);
        }
    }
}
