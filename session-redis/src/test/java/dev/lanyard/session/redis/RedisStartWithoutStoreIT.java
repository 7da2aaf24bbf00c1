package dev.lanyard.session.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.lanyard.session.ClientInfo;
import dev.lanyard.session.NewSession;
import dev.lanyard.session.SessionManager;
import dev.lanyard.session.SessionStores;
import dev.lanyard.session.SessionUpdate;
import dev.lanyard.session.StoreHealth;
import dev.lanyard.session.StoreState;
import dev.lanyard.session.StoreUnavailableException;
import dev.lanyard.session.event.SessionEvent;
import dev.lanyard.session.redis.testing.LocalRedisCluster;
import dev.lanyard.session.redis.testing.LocalSentinelSet;
import dev.lanyard.session.redis.testing.RedisProcess;
import dev.lanyard.session.redis.testing.TestRedis;
import dev.lanyard.session.spi.SessionStore;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A store opened while Redis is down: building it never needs Redis, every call fails fast and
 * typed until Redis is up, the store connects by itself in the background, and the first call
 * after Redis came up works, with no new store. The same on the URI path, the builder path, with a
 * near cache, on Sentinel and on Cluster. Time bounds are generous: they prove "no hang" and "no
 * restart needed", not speed.
 */
class RedisStartWithoutStoreIT {

    /** Building a store with Redis down returns within this (connection refused is immediate). */
    private static final Duration BUILD_BOUND = Duration.ofSeconds(5);

    private static final Duration FAIL_FAST = Duration.ofSeconds(2);
    private static final Duration RECOVERY = Duration.ofSeconds(20);

    private final List<AutoCloseable> toClose = new CopyOnWriteArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
    }

    private <T extends AutoCloseable> T closeLater(T closeable) {
        toClose.add(closeable);
        return closeable;
    }

    @Test
    void aStoreOpenedByUriWhileRedisIsDownConnectsWhenRedisStarts() {
        RedisProcess redis = closeLater(TestRedis.localServer());
        redis.stop();

        long start = System.nanoTime();
        SessionStore store = closeLater(SessionStores.open("redis://127.0.0.1:" + redis.port()));
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(BUILD_BOUND);
        RedisSessionStore redisStore = (RedisSessionStore) store;
        assertThat(redisStore.health().state()).isEqualTo(StoreState.CONNECTING);

        SessionManager manager = SessionManager.builder(store).logEvents(false).build();
        assertFailsFast(manager);

        redis.restart();
        awaitWorking(manager);
        assertThat(redisStore.health().state()).isEqualTo(StoreState.UP);
    }

    @Test
    void aStoreBuiltWhileRedisIsDownConnectsWhenRedisStartsAndThenRunsItsStartUpChecks() {
        RedisProcess redis = closeLater(TestRedis.localServer("--maxmemory-policy", "allkeys-lru"));
        redis.stop();
        try (LogCapture logs = new LogCapture()) {
            RedisSessionStore store = closeLater(RedisSessionStore.builder()
                    .standalone("127.0.0.1", redis.port())
                    .build());
            assertThat(store.health().state()).isEqualTo(StoreState.CONNECTING);
            assertThat(logs.text()).doesNotContain("maxmemory-policy allkeys-lru");
            SessionManager manager =
                    SessionManager.builder(store).logEvents(false).build();
            assertFailsFast(manager);

            redis.restart();
            awaitWorking(manager);
            await().atMost(RECOVERY).until(() -> logs.text().contains("maxmemory-policy allkeys-lru"));
            assertThat(logs.text()).contains("is not reachable yet").contains("is up: connected");
            // The retry delay is jittered (half to all of a second): the log line says so, not "every 1000 ms".
            assertThat(logs.text())
                    .contains("keeps trying to connect, every 500 to 1000 ms")
                    .doesNotContain("every 1000 ms");
        }
    }

    @Test
    void healthGoesDownWhenRedisStopsAndUpWhenItIsBackWithOneEventAndOneLogLineEach() {
        RedisProcess redis = closeLater(TestRedis.localServer());
        RedisSessionStore store =
                closeLater(RedisSessionStore.builder().location(redis.uri()).build());
        List<SessionEvent.StoreStateChanged> events = new CopyOnWriteArrayList<>();
        SessionManager manager = SessionManager.builder(store)
                .logEvents(false)
                .listener(e -> {
                    if (e instanceof SessionEvent.StoreStateChanged changed) {
                        events.add(changed);
                    }
                })
                .build();
        assertThat(manager.storeHealth().state()).isEqualTo(StoreState.UP);
        assertThat(events).extracting(e -> e.health().state()).containsExactly(StoreState.UP);

        try (LogCapture logs = new LogCapture()) {
            redis.stop();
            // No traffic needed: the connection's own events mark it down.
            await().atMost(RECOVERY).until(() -> manager.storeHealth().state() == StoreState.DOWN);
            StoreHealth down = manager.storeHealth();
            assertThat(down.cause()).isNotBlank();
            for (int i = 0; i < 20; i++) {
                assertThatThrownBy(() -> manager.create(ClientInfo.UNKNOWN))
                        .isInstanceOf(StoreUnavailableException.class);
            }
            redis.restart();
            await().atMost(RECOVERY).until(() -> manager.storeHealth().isUp());
            awaitWorking(manager);
            assertThat(logs.text().lines().filter(l -> l.contains("is down (")).count())
                    .isEqualTo(1);
            assertThat(logs.text()
                            .lines()
                            .filter(l -> l.contains("is up again after"))
                            .count())
                    .isEqualTo(1);
        }
        assertThat(events)
                .extracting(e -> e.health().state())
                .containsExactly(StoreState.UP, StoreState.DOWN, StoreState.UP);
    }

    @Test
    void aNearCachedStoreOpenedWhileRedisIsDownWorksWhenRedisStarts() {
        RedisProcess redis = closeLater(TestRedis.localServer());
        redis.stop();
        SessionStore store = closeLater(SessionStores.open("redis://127.0.0.1:" + redis.port() + "?nearCache=true"));
        assertThat(store).isInstanceOf(NearCachedRedisStore.class);
        SessionManager manager = SessionManager.builder(store).logEvents(false).build();
        assertThat(manager.storeHealth().state()).isEqualTo(StoreState.CONNECTING);
        assertFailsFast(manager);

        redis.restart();
        awaitWorking(manager);
        await().atMost(RECOVERY).until(() -> ((NearCachedRedisStore) store).isActive());
    }

    @Test
    void aSentinelStoreOpenedWhileTheSentinelIsDownConnectsWhenItStarts() {
        LocalSentinelSet set = closeLater(LocalSentinelSet.start());
        set.sentinel().stop();
        RedisSessionStore store =
                closeLater(RedisSessionStore.builder().location(set.uri()).build());
        assertThat(store.health().state()).isEqualTo(StoreState.CONNECTING);
        SessionManager manager = SessionManager.builder(store).logEvents(false).build();
        assertFailsFast(manager);

        set.sentinel().restart();
        awaitWorking(manager);
    }

    @Test
    void aClusterStoreOpenedWhileEveryNodeIsDownConnectsWhenTheClusterIsBack() {
        LocalRedisCluster cluster = closeLater(LocalRedisCluster.start());
        // Keep the slot assignment across the restart: the nodes reload it from their config files.
        cluster.nodes().forEach(n -> n.call("CLUSTER", "SAVECONFIG"));
        cluster.nodes().forEach(RedisProcess::stop);
        RedisSessionStore store =
                closeLater(RedisSessionStore.builder().cluster(cluster.seeds()).build());
        assertThat(store.health().state()).isEqualTo(StoreState.CONNECTING);
        SessionManager manager = SessionManager.builder(store).logEvents(false).build();
        assertFailsFast(manager);

        cluster.nodes().forEach(RedisProcess::restart);
        await().atMost(RECOVERY)
                .until(() -> cluster.nodes().stream()
                        .allMatch(n -> String.valueOf(n.call("CLUSTER", "INFO")).contains("cluster_state:ok")));
        awaitWorking(manager);
    }

    @Test
    void aMalformedLocationOrAnUnknownOptionStillFailsAtOnceNamingIt() {
        assertThatThrownBy(() -> SessionStores.open("redis://127.0.0.1:1?replicaAck=1"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("replicaAck");
        assertThatThrownBy(() -> SessionStores.open("redis://127.0.0.1:notaport"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("port");
    }

    @Test
    void credentialsRedisRefusesStillFailAtOnce() {
        RedisProcess redis = closeLater(TestRedis.localServer("--requirepass", "right-password"));
        assertThatThrownBy(() -> RedisSessionStore.builder()
                        .standalone("127.0.0.1", redis.port())
                        .password("wrong-password".toCharArray())
                        // The refusal must come back within the first handshake, whose timeout follows the command
                        // timeout: a handshake timed out on a loaded machine would start the store as unreachable.
                        .commandTimeout(Duration.ofSeconds(10))
                        .build())
                .isInstanceOf(StoreUnavailableException.class)
                .hasMessageContaining("WRONGPASS")
                .hasMessageNotContaining("wrong-password");
    }

    private static void assertFailsFast(SessionManager manager) {
        for (int i = 0; i < 3; i++) {
            long start = System.nanoTime();
            assertThatThrownBy(() -> manager.create(ClientInfo.UNKNOWN)).isInstanceOf(StoreUnavailableException.class);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(FAIL_FAST);
        }
    }

    private static void awaitWorking(SessionManager manager) {
        NewSession created = await().atMost(RECOVERY)
                .pollInterval(Duration.ofMillis(100))
                .ignoreExceptions()
                .until(() -> manager.create(ClientInfo.UNKNOWN), s -> s != null);
        assertThat(manager.save(
                        created.session(), SessionUpdate.builder().put("k", "v").build()))
                .isPresent();
        assertThat(manager.resolve(created.id()).session().orElseThrow().attributes())
                .containsEntry("k", "v");
    }
}
