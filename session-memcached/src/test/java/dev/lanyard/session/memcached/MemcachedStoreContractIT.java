package dev.lanyard.session.memcached;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lanyard.session.SessionHandle;
import dev.lanyard.session.spi.Rotation;
import dev.lanyard.session.spi.SessionRecord;
import dev.lanyard.session.spi.SessionStore;
import dev.lanyard.session.spi.UpdateResult;
import dev.lanyard.session.tck.MutableClock;
import dev.lanyard.session.tck.SessionStoreContract;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The whole store contract on two real memcached servers (so both shards are exercised); the hooks
 * read the servers directly.
 */
class MemcachedStoreContractIT extends SessionStoreContract {

    private static MemcachedSupport support;

    @BeforeAll
    static void startMemcached() {
        support = MemcachedSupport.servers(2);
    }

    @AfterAll
    static void stopMemcached() {
        if (support != null) {
            support.close();
        }
    }

    @Override
    protected SessionStore createStore(MutableClock clock) {
        return support.store(clock);
    }

    @Override
    protected boolean backendHolds(SessionHandle handle) {
        return support.holds(handle);
    }

    @Override
    protected Optional<Duration> backendTtl(SessionHandle handle) {
        return support.direct.ttl(support.key(handle));
    }

    @Override
    protected void corrupt(SessionHandle handle) {
        support.direct.corrupt(support.key(handle));
    }

    @Override
    protected void awaitExpiry(SessionHandle handle, Duration ttl) {
        clock.advance(ttl.plusMillis(1));
        support.awaitGone(handle, ttl);
    }

    @Test
    void theStoreIsFoundByItsScheme() {
        String location = "memcached://" + String.join(",", support.servers) + "?keyPrefix=scheme-test:&timeout=2s";
        try (SessionStore opened = dev.lanyard.session.SessionStores.open(location, clock)) {
            assertThat(opened).isInstanceOf(MemcachedSessionStore.class);
            SessionHandle handle = newHandle();
            assertThat(opened.create(record(handle, null, Map.of("a", bytes("1"))), TTL))
                    .isTrue();
            assertThat(opened.load(handle)).isPresent();
        }
    }

    @Test
    void aRotationCutShortAfterItsFirstWriteLeavesNoSessionAlive() {
        SessionRecord r = record(newHandle(), "alice", Map.of("cart", bytes("1")));
        assertThat(store.create(r, TTL)).isTrue();
        // The rotation's first write (the tombstone) happened, then the node died: no second write.
        support.direct.overwrite(
                support.key(r.handle()), RecordCodec.tombstone(clock.instant().plus(TTL)), 60);

        assertThat(store.load(r.handle())).isEmpty();
        assertThat(store.update(r.handle(), delta(Map.of("late", bytes("x")), Set.of()))
                        .status())
                .isEqualTo(UpdateResult.Status.NOT_FOUND);
        SessionHandle next = newHandle();
        assertThat(store.rotate(
                        r.handle(),
                        Rotation.builder()
                                .newHandle(next)
                                .lastAccessedAt(clock.instant())
                                .ttl(TTL)
                                .build()))
                .isEmpty();
        assertThat(backendHolds(next)).isFalse();
        assertThat(store.delete(r.handle())).isFalse();
    }

    /**
     * Writers of the old handle race a rotation: each delta lands before the rotation (and moves with
     * the session) or finds no session; none lands on the old handle afterwards, none is lost.
     */
    @Test
    void deltasRacingARotationEitherMoveWithTheSessionOrFindNothing() throws Exception {
        SessionRecord r = record(newHandle(), null, Map.of());
        assertThat(store.create(r, TTL)).isTrue();
        SessionHandle next = newHandle();
        int writers = 8;
        java.util.Set<String> applied = java.util.concurrent.ConcurrentHashMap.newKeySet();
        java.util.concurrent.CountDownLatch start = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(writers + 1);
        try {
            java.util.List<java.util.concurrent.Future<?>> tasks = new java.util.ArrayList<>();
            for (int t = 0; t < writers; t++) {
                int thread = t;
                tasks.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < 200; i++) {
                        String name = "w" + thread + "-" + i;
                        UpdateResult result = store.update(r.handle(), delta(Map.of(name, bytes("v")), Set.of()));
                        if (result.status() == UpdateResult.Status.NOT_FOUND) {
                            return null;
                        }
                        applied.add(name);
                    }
                    return null;
                }));
            }
            tasks.add(pool.submit(() -> {
                start.await();
                assertThat(store.rotate(
                                r.handle(),
                                Rotation.builder()
                                        .newHandle(next)
                                        .lastAccessedAt(clock.instant())
                                        .ttl(TTL)
                                        .build()))
                        .isPresent();
                return null;
            }));
            start.countDown();
            for (java.util.concurrent.Future<?> task : tasks) {
                task.get(60, java.util.concurrent.TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(store.load(r.handle())).isEmpty();
        assertThat(backendHolds(r.handle())).isFalse();
        assertThat(store.load(next).orElseThrow().attributes().keySet()).isEqualTo(applied);
    }

    @Test
    void everyItemAStoreWritesExpires() {
        SessionHandle handle = newHandle();
        assertThat(store.create(record(handle, "alice", Map.of()), TTL)).isTrue();
        assertThat(backendTtl(handle))
                .hasValueSatisfying(ttl -> assertThat(ttl).isPositive().isLessThanOrEqualTo(TTL));
    }
}
