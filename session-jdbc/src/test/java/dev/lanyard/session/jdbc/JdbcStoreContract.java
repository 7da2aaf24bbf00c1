package dev.lanyard.session.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lanyard.session.SessionHandle;
import dev.lanyard.session.SessionStores;
import dev.lanyard.session.jdbc.testing.DatabaseProcess;
import dev.lanyard.session.spi.SessionDelta;
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

    /**
     * A sweep stops early once its time budget (at least the store's timeout) is spent, which six
     * batches can exceed on a loaded machine with the default 2 s; the stores that sweep here get a
     * timeout no machine exhausts, so that one call must go through every batch.
     */
    private static final Duration SWEEP_BUDGET = Duration.ofSeconds(60);

    @Test
    void theSweepDeletesOnlyExpiredRowsInBoundedBatches() {
        JdbcSessionStore small = JdbcSessionStore.builder()
                .dataSource(support().dataSource)
                .dialect(support().dialect)
                .tablePrefix(prefix)
                .sweepBatchSize(7)
                .sweepInterval(Duration.ZERO)
                .timeout(SWEEP_BUDGET)
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
                    .timeout(SWEEP_BUDGET)
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

    /**
     * The delta spells out up to {@link Statements#NAMED_TERMS} touched names one by one and passes
     * more as a list: both keep the size exact, with names that need quoting in JSON and in a
     * PostgreSQL array literal, and both refuse what would pass the payload limit.
     */
    @Test
    void deltasOfFewAndManyOddlyNamedAttributesKeepTheSizeExact() {
        SessionRecord r = record(newHandle(), null, Map.of("kept", bytes("k")));
        store.create(r, TTL);
        Map<String, byte[]> many = new java.util.LinkedHashMap<>();
        String[] odd = {"quote\"", "back\\slash", "com,ma", "{brace}", "ünï ☃", "tab\tline\n", "NULL", "", " sp "};
        for (int i = 0; i < Statements.NAMED_TERMS + 4; i++) {
            many.put(odd[i % odd.length] + i, bytes("value " + i));
        }
        Map<String, byte[]> expected = new java.util.HashMap<>(many);
        expected.put("kept", bytes("k"));
        UpdateResult first = store.update(r.handle(), delta(many, Set.of()));
        assertThat(first.status()).isEqualTo(UpdateResult.Status.APPLIED);
        assertThat(first.attributeBytes()).isEqualTo(SessionRecord.sizeOf(expected));

        List<String> names = new ArrayList<>(many.keySet());
        Set<String> removed = Set.of(names.get(0), names.get(1), names.get(2), "never there");
        Map<String, byte[]> puts = Map.of(names.get(3), bytes("longer than before"), "fresh\"", bytes("f"));
        removed.forEach(expected::remove);
        expected.putAll(puts);
        UpdateResult second = store.update(r.handle(), delta(puts, removed));
        assertThat(second.status()).isEqualTo(UpdateResult.Status.APPLIED);
        assertThat(second.attributeBytes()).isEqualTo(SessionRecord.sizeOf(expected));
        Map<String, byte[]> stored = store.load(r.handle()).orElseThrow().attributes();
        assertThat(stored).containsOnlyKeys(expected.keySet().toArray(String[]::new));
        expected.forEach((name, value) -> assertThat(stored.get(name)).as(name).isEqualTo(value));

        long size = SessionRecord.sizeOf(expected);
        for (int count : new int[] {1, Statements.NAMED_TERMS + 1}) {
            Map<String, byte[]> tooMuch = new java.util.HashMap<>();
            for (int i = 0; i < count; i++) {
                tooMuch.put("big" + i, new byte[100]);
            }
            long wouldBe = size + SessionRecord.sizeOf(tooMuch);
            UpdateResult refused = store.update(
                    r.handle(), new SessionDelta(tooMuch, Set.of(), clock.instant(), null, "node-a", TTL, wouldBe - 1));
            assertThat(refused.status()).as("%d names", count).isEqualTo(UpdateResult.Status.TOO_LARGE);
            assertThat(refused.attributeBytes()).as("%d names", count).isEqualTo(wouldBe);
        }
        assertThat(store.load(r.handle()).orElseThrow().attributes())
                .containsOnlyKeys(expected.keySet().toArray(String[]::new));
    }
}
