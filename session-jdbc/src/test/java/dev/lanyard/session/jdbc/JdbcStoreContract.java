package dev.lanyard.session.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lanyard.session.SessionHandle;
import dev.lanyard.session.SessionStores;
import dev.lanyard.session.jdbc.testing.DatabaseProcess;
import dev.lanyard.session.spi.SessionRecord;
import dev.lanyard.session.spi.SessionStore;
import dev.lanyard.session.spi.UpdateResult;
import dev.lanyard.session.spi.UserIndexedStore;
import dev.lanyard.session.tck.MutableClock;
import dev.lanyard.session.tck.UserIndexedStoreContract;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The whole store contract on a real database, plus what only a relational store can get wrong:
 * rows that expired but were not swept yet, the sweep itself, opening by URI. The contract's
 * "does the backend hold it" hook runs the sweep first, as the background sweep would, and then
 * looks for the row itself. Subclasses say which database.
 */
abstract class JdbcStoreContract extends UserIndexedStoreContract {

    /** @return the database this class runs on */
    abstract DatabaseProcess.Kind kind();

    String prefix;

    JdbcTestSupport support() {
        return JdbcTestSupport.of(kind());
    }

    JdbcSessionStore jdbc() {
        return (JdbcSessionStore) store;
    }

    @Override
    protected SessionStore createStore(MutableClock clock) {
        prefix = JdbcTestSupport.freshPrefix();
        return support().store(clock, prefix);
    }

    @Override
    protected boolean backendHolds(SessionHandle handle) {
        jdbc().sweep();
        return support().rowExists(prefix, handle);
    }

    @Override
    protected Optional<Duration> backendTtl(SessionHandle handle) {
        return support().ttl(prefix, handle, clock);
    }

    @Override
    protected void corrupt(SessionHandle handle) {
        support().corrupt(prefix, handle);
    }

    @Test
    void anExpiredRowThatWasNotSweptNeverResolves() {
        SessionRecord r = record(newHandle(), "alice", Map.of("a", bytes("1")));
        assertThat(store.create(r, Duration.ofMinutes(1))).isTrue();
        clock.advance(Duration.ofMinutes(1));

        assertThat(support().rowExists(prefix, r.handle()))
                .as("the row is still there")
                .isTrue();
        assertThat(store.load(r.handle())).isEmpty();
        assertThat(((UserIndexedStore) store).sessionsOf("alice")).isEmpty();
        assertThat(store.update(r.handle(), delta(Map.of("b", bytes("2")), Set.of()))
                        .status())
                .isEqualTo(UpdateResult.Status.NOT_FOUND);
        assertThat(store.delete(r.handle())).as("nothing live to delete").isFalse();
        assertThat(store.create(record(r.handle(), null, Map.of()), TTL))
                .as("an expired row gives way")
                .isTrue();
    }

    @Test
    void theSweepDeletesOnlyExpiredRowsInBoundedBatches() {
        JdbcSessionStore small = JdbcSessionStore.builder()
                .dataSource(support().dataSource)
                .dialect(support().dialect)
                .tablePrefix(prefix)
                .sweepBatchSize(7)
                .sweepInterval(Duration.ZERO)
                .clock(clock)
                .build();
        List<SessionHandle> expiring = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            SessionRecord r = record(newHandle(), null, Map.of());
            store.create(r, Duration.ofSeconds(10));
            expiring.add(r.handle());
        }
        SessionRecord kept = record(newHandle(), null, Map.of());
        store.create(kept, TTL);
        clock.advance(Duration.ofSeconds(11));

        assertThat(small.sweep()).isEqualTo(40);
        assertThat(expiring).noneMatch(h -> support().rowExists(prefix, h));
        assertThat(support().rowExists(prefix, kept.handle())).isTrue();
        assertThat(small.sweep()).isZero();
    }

    @Test
    void nodesSweepingAtOnceShareTheWorkWithoutErrors() throws Exception {
        for (int i = 0; i < 300; i++) {
            store.create(record(newHandle(), null, Map.of()), Duration.ofSeconds(10));
        }
        clock.advance(Duration.ofSeconds(11));
        List<JdbcSessionStore> nodes = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            nodes.add(JdbcSessionStore.builder()
                    .dataSource(support().dataSource)
                    .dialect(support().dialect)
                    .tablePrefix(prefix)
                    .sweepBatchSize(10)
                    .sweepInterval(Duration.ZERO)
                    .clock(clock)
                    .build());
        }
        ExecutorService pool = Executors.newFixedThreadPool(nodes.size());
        try {
            List<Future<Integer>> swept = new ArrayList<>();
            for (JdbcSessionStore node : nodes) {
                swept.add(pool.submit((Callable<Integer>) node::sweep));
            }
            int total = 0;
            for (Future<Integer> f : swept) {
                total += f.get(60, TimeUnit.SECONDS);
            }
            assertThat(total).isEqualTo(300);
        } finally {
            pool.shutdownNow();
        }
        assertThat(support().count(prefix + "session", "1 = 1")).isZero();
    }

    @Test
    void aStoreOpenedByUriWorksAndTakesItsOptionsOutOfTheDriverUrl() {
        String base = support().dataSource.getJdbcUrl();
        String own = JdbcTestSupport.freshPrefix();
        String location = base + (base.contains("?") ? "&" : "?") + "tablePrefix=" + own
                + "&schema=create&timeout=PT3S&sweepInterval=PT0S&poolSize=4";
        try (SessionStore opened = SessionStores.open(location, clock)) {
            assertThat(opened).isInstanceOf(JdbcSessionStore.class);
            SessionRecord r = record(newHandle(), "alice", Map.of("a", bytes("1")));
            assertThat(opened.create(r, TTL)).isTrue();
            assertThat(opened.load(r.handle())).contains(r);
            assertThat(support().rowExists(own, r.handle())).isTrue();
        }
    }

    @Test
    void concurrentFirstWritesOfManyAttributesAllSurviveWithoutErrors() throws Exception {
        SessionRecord r = record(newHandle(), null, Map.of());
        store.create(r, TTL);
        int threads = 24;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<UpdateResult>> results = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                String name = "first-" + t;
                results.add(pool.submit(() -> store.update(r.handle(), delta(Map.of(name, bytes(name)), Set.of()))));
            }
            for (Future<UpdateResult> f : results) {
                assertThat(f.get(60, TimeUnit.SECONDS).status()).isEqualTo(UpdateResult.Status.APPLIED);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(store.load(r.handle()).orElseThrow().attributes()).hasSize(threads);
    }
}
