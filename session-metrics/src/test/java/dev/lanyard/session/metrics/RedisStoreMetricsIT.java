package dev.lanyard.session.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lanyard.session.ClientInfo;
import dev.lanyard.session.NewSession;
import dev.lanyard.session.SessionManager;
import dev.lanyard.session.SessionUpdate;
import dev.lanyard.session.StoreState;
import dev.lanyard.session.StoreUnavailableException;
import dev.lanyard.session.event.SessionEvent.Outcome;
import dev.lanyard.session.event.SessionEvent.StoreOperation;
import dev.lanyard.session.redis.RedisSessionStore;
import dev.lanyard.session.redis.testing.RedisProcess;
import dev.lanyard.session.redis.testing.TestRedis;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The store meters move for a real Redis: latency on success, failures while it is down. */
class RedisStoreMetricsIT {

    private RedisProcess redis;
    private RedisSessionStore store;
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    @BeforeEach
    void start() {
        redis = TestRedis.localServer();
        store = RedisSessionStore.builder()
                .location(redis.uri())
                .commandTimeout(Duration.ofMillis(500))
                .build();
    }

    @AfterEach
    void stop() throws Exception {
        if (store != null) {
            store.close();
        }
        if (redis != null) {
            redis.close();
        }
    }

    private Timer storeTimer(StoreOperation operation, String outcome) {
        return registry.find(SessionMeters.STORE_OPERATIONS)
                .tag(SessionMeters.TAG_OPERATION, SessionMeters.tagValue(operation))
                .tag(SessionMeters.TAG_OUTCOME, outcome)
                .timer();
    }

    @Test
    void storeCallsAreTimedAndFailuresCountedAgainstARealRedis() {
        SessionMetrics metrics = SessionMetrics.create();
        metrics.bindTo(registry);
        SessionManager manager = SessionManager.builder(store).listener(metrics).build();

        NewSession session = manager.create(ClientInfo.UNKNOWN);
        manager.save(
                manager.resolve(session.id()).session().orElseThrow(),
                SessionUpdate.builder().put("cart", "apple").build());
        manager.login(manager.resolve(session.id()).session().orElseThrow(), "alice", ClientInfo.UNKNOWN);

        assertThat(storeTimer(StoreOperation.LOAD, SessionMeters.tagValue(Outcome.SUCCESS))
                        .count())
                .isEqualTo(2);
        assertThat(storeTimer(StoreOperation.UPDATE, SessionMeters.tagValue(Outcome.SUCCESS))
                        .totalTime(TimeUnit.NANOSECONDS))
                .isPositive();

        redis.stop();
        assertThatThrownBy(() -> manager.resolve(session.id())).isInstanceOf(StoreUnavailableException.class);
        assertThat(storeTimer(StoreOperation.LOAD, SessionMeters.tagValue(Outcome.FAILURE))
                        .count())
                .isEqualTo(1);
    }

    @Test
    void theStoreStateGaugeFollowsRedisGoingDownAndComingBack() {
        SessionMetrics metrics = SessionMetrics.create();
        metrics.bindTo(registry);
        SessionManager manager = SessionManager.builder(store).listener(metrics).build();
        assertThat(stateGauge(StoreState.UP)).isEqualTo(1.0);
        assertThat(stateGauge(StoreState.DOWN)).isZero();

        redis.stop();
        org.awaitility.Awaitility.await()
                .atMost(Duration.ofSeconds(20))
                .until(() -> stateGauge(StoreState.DOWN) == 1.0);
        assertThat(stateGauge(StoreState.UP)).isZero();
        assertThat(manager.storeHealth().state()).isEqualTo(StoreState.DOWN);

        redis.restart();
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> stateGauge(StoreState.UP) == 1.0);
        assertThat(stateGauge(StoreState.DOWN)).isZero();
    }

    @Test
    void theStoreStateGaugeReadsConnectingForAStoreOpenedWhileRedisIsDown() {
        redis.stop();
        try (RedisSessionStore early = RedisSessionStore.builder()
                .standalone("127.0.0.1", redis.port())
                .build()) {
            SessionMetrics metrics = SessionMetrics.create();
            metrics.bindTo(registry);
            SessionManager.builder(early).listener(metrics).build();
            assertThat(stateGauge(StoreState.CONNECTING)).isEqualTo(1.0);
            redis.restart();
            org.awaitility.Awaitility.await()
                    .atMost(Duration.ofSeconds(20))
                    .until(() -> stateGauge(StoreState.UP) == 1.0);
            assertThat(stateGauge(StoreState.CONNECTING)).isZero();
        }
    }

    private double stateGauge(StoreState state) {
        return registry.get(SessionMeters.STORE_STATE)
                .tag(SessionMeters.TAG_STATE, SessionMeters.tagValue(state))
                .gauge()
                .value();
    }
}
