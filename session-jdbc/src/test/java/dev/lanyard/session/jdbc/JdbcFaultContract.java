package dev.lanyard.session.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.zaxxer.hikari.HikariDataSource;
import dev.lanyard.session.SessionHandle;
import dev.lanyard.session.SessionId;
import dev.lanyard.session.StoreUnavailableException;
import dev.lanyard.session.jdbc.testing.DatabaseProcess;
import dev.lanyard.session.spi.SessionDelta;
import dev.lanyard.session.spi.SessionRecord;
import dev.lanyard.session.spi.UpdateResult;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The store when its database fails: restarted under traffic, its connections killed, a row locked
 * by another transaction. Every failure is a {@link StoreUnavailableException} that comes within the
 * timeout, nothing acknowledged is lost, and the same store instance works again afterwards. Each
 * class starts a private server of its own (so that killing and restarting touch nobody else).
 */
abstract class JdbcFaultContract {

    /** @return the database this class runs on */
    abstract DatabaseProcess.Kind kind();

    private static final Map<DatabaseProcess.Kind, DatabaseProcess> SERVERS = new ConcurrentHashMap<>();

    DatabaseProcess server() {
        return SERVERS.computeIfAbsent(
                kind(),
                k -> k == DatabaseProcess.Kind.POSTGRESQL ? DatabaseProcess.postgres() : DatabaseProcess.mariadb());
    }

    @AfterAll
    static void stopServers() {
        SERVERS.values().forEach(DatabaseProcess::close);
        SERVERS.clear();
    }

    private String prefix;

    static final Duration TIMEOUT = Duration.ofSeconds(1);
    /** What a failing call may take beyond the timeout: scheduling on a loaded 2-core machine. */
    static final Duration SLACK = Duration.ofMillis(1500);

    static final SecureRandom RANDOM = new SecureRandom();

    private final Clock clock = Clock.systemUTC();

    private HikariDataSource pool(String url) {
        return JdbcTestSupport.pool(url, 8, config -> {
            config.setConnectionTimeout(TIMEOUT.toMillis());
            config.addDataSourceProperty("connectTimeout", kind() == DatabaseProcess.Kind.POSTGRESQL ? "1" : "1000");
        });
    }

    JdbcSessionStore store(HikariDataSource pool) {
        return store(JdbcSessionStore.builder().dataSource(pool));
    }

    JdbcSessionStore store(JdbcSessionStore.Builder builder) {
        prefix = JdbcTestSupport.freshPrefix();
        return builder.dialect(kind() == DatabaseProcess.Kind.POSTGRESQL ? Dialect.POSTGRESQL : Dialect.MARIADB)
                .tablePrefix(prefix)
                .schema(SchemaSetup.CREATE)
                .timeout(TIMEOUT)
                .sweepInterval(Duration.ZERO)
                .clock(clock)
                .build();
    }

    /** Kills every client connection to the server but the caller's own. */
    private void killOtherConnections(Connection admin) throws SQLException {
        try (Statement s = admin.createStatement()) {
            if (kind() == DatabaseProcess.Kind.POSTGRESQL) {
                s.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE pid <> pg_backend_pid() "
                        + "AND backend_type = 'client backend'");
                return;
            }
            List<Long> ids = new ArrayList<>();
            try (var rs = s.executeQuery("SELECT id FROM information_schema.processlist WHERE id <> CONNECTION_ID() "
                    + "AND command <> 'Daemon'")) {
                while (rs.next()) {
                    ids.add(rs.getLong(1));
                }
            }
            for (long id : ids) {
                try {
                    s.execute("KILL CONNECTION " + id);
                } catch (SQLException gone) {
                    // it ended by itself meanwhile
                }
            }
        }
    }

    SessionRecord record(SessionHandle handle) {
        Instant now = clock.instant();
        return SessionRecord.builder()
                .handle(handle)
                .createdAt(now)
                .lastAccessedAt(now)
                .idleTimeout(Duration.ofMinutes(30))
                .absoluteExpiry(now.plus(Duration.ofHours(1)))
                .lastNode("node-a")
                .build();
    }

    SessionDelta put(String name, String value) {
        return new SessionDelta(
                Map.of(name, value.getBytes(StandardCharsets.UTF_8)),
                Set.of(),
                clock.instant(),
                null,
                "node-a",
                Duration.ofMinutes(30),
                Long.MAX_VALUE);
    }

    /** Runs an operation and checks that, if it fails, it fails typed and in time. */
    static <T> T timed(java.util.function.Supplier<T> operation, List<Duration> failures) {
        long start = System.nanoTime();
        try {
            return operation.get();
        } catch (StoreUnavailableException e) {
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            failures.add(took);
            throw e;
        }
    }

    @Test
    void aRestartUnderTrafficFailsTypedWithinTheTimeoutLosesNothingAcknowledgedAndRecovers() throws Exception {
        DatabaseProcess db = server();
        try (HikariDataSource pool = pool(db.jdbcUrl());
                JdbcSessionStore store = store(pool)) {
            Map<SessionHandle, List<String>> acknowledged = new ConcurrentHashMap<>();
            List<Duration> failures = new CopyOnWriteArrayList<>();
            List<Throwable> untyped = new CopyOnWriteArrayList<>();
            AtomicBoolean stop = new AtomicBoolean();
            ExecutorService traffic = Executors.newFixedThreadPool(4);
            List<Future<?>> workers = new ArrayList<>();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            for (int t = 0; t < 4; t++) {
                workers.add(traffic.submit(() -> {
                    for (int i = 0; i < 5_000 && !stop.get() && System.nanoTime() < deadline; i++) {
                        SessionHandle handle = SessionId.generate(RANDOM).handle();
                        try {
                            if (!timed(() -> store.create(record(handle), Duration.ofMinutes(30)), failures)) {
                                continue;
                            }
                            acknowledged.put(handle, new CopyOnWriteArrayList<>());
                            String name = "a" + i;
                            UpdateResult result = timed(() -> store.update(handle, put(name, "v")), failures);
                            if (result.status() == UpdateResult.Status.APPLIED) {
                                acknowledged.get(handle).add(name);
                            }
                        } catch (StoreUnavailableException expected) {
                            // counted in failures
                        } catch (RuntimeException e) {
                            untyped.add(e);
                        }
                    }
                }));
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> acknowledged.size() >= 50);
            db.restart();
            int atRestart = acknowledged.size();
            await("traffic succeeds again")
                    .atMost(Duration.ofSeconds(30))
                    .until(() -> acknowledged.size() > atRestart + 50);
            stop.set(true);
            for (Future<?> w : workers) {
                w.get(60, TimeUnit.SECONDS);
            }
            traffic.shutdownNow();

            assertThat(untyped)
                    .as("failures other than StoreUnavailableException")
                    .isEmpty();
            assertThat(failures).as("the restart was felt").isNotEmpty();
            assertThat(failures)
                    .as("every failure came within the timeout")
                    .allSatisfy(took -> assertThat(took).isLessThanOrEqualTo(TIMEOUT.plus(SLACK)));
            for (Map.Entry<SessionHandle, List<String>> e : acknowledged.entrySet()) {
                SessionRecord stored = store.load(e.getKey()).orElse(null);
                assertThat(stored)
                        .as("an acknowledged session survives the restart")
                        .isNotNull();
                assertThat(stored.attributes().keySet())
                        .as("acknowledged attributes survive")
                        .containsAll(e.getValue());
            }
        }
    }

    @Test
    void killedConnectionsFailTypedAndTheSameStoreRecovers() throws Exception {
        try (HikariDataSource pool = pool(server().jdbcUrl());
                JdbcSessionStore store = store(pool)) {
            SessionHandle handle = SessionId.generate(RANDOM).handle();
            assertThat(store.create(record(handle), Duration.ofMinutes(30))).isTrue();
            for (int i = 0; i < 8; i++) {
                store.load(handle);
            }
            try (Connection c = java.sql.DriverManager.getConnection(server().jdbcUrl())) {
                killOtherConnections(c);
            }
            List<Duration> failures = new ArrayList<>();
            int succeeded = 0;
            // Bounded by time, not by a count of attempts: on a loaded machine the pool may take several
            // failed attempts (each up to the timeout) to open fresh connections; the count only caps a loop
            // that fails fast.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            for (int i = 0; i < 1_000 && succeeded < 5 && System.nanoTime() < deadline; i++) {
                try {
                    assertThat(timed(() -> store.load(handle), failures)).isPresent();
                    succeeded++;
                } catch (StoreUnavailableException expected) {
                    // a killed connection; the pool replaces it
                }
            }
            assertThat(succeeded)
                    .as("the store works again without a restart; failures meanwhile: %s", failures)
                    .isEqualTo(5);
            assertThat(failures).allSatisfy(took -> assertThat(took).isLessThanOrEqualTo(TIMEOUT.plus(SLACK)));
            assertThat(store.update(handle, put("after", "kill")).status()).isEqualTo(UpdateResult.Status.APPLIED);
        }
    }

    @Test
    void aRowLockedByAnotherTransactionFailsWritesInTimeButNeverBlocksAResolve() throws Exception {
        try (HikariDataSource pool = pool(server().jdbcUrl());
                JdbcSessionStore store = store(pool)) {
            SessionHandle handle = SessionId.generate(RANDOM).handle();
            store.create(record(handle), Duration.ofMinutes(30));
            store.update(handle, put("before", "lock"));
            String table = prefix + "session";
            try (Connection locker = pool.getConnection()) {
                locker.setAutoCommit(false);
                try (PreparedStatement s =
                        locker.prepareStatement("SELECT 1 FROM " + table + " WHERE handle = ? FOR UPDATE")) {
                    s.setString(1, handle.value());
                    s.executeQuery().close();
                }
                // The lock is held until after this read: a read that waited for it could only end by the
                // store's timeout, as a StoreUnavailableException, so a row read back proves it read past the
                // lock. (Its duration is no proof: on a loaded machine the read, which may open a connection
                // first, can itself take longer than the timeout's length.)
                assertThat(store.load(handle))
                        .as("a resolve reads past the lock")
                        .isPresent();

                List<Duration> failures = new ArrayList<>();
                assertThatThrownBy(() -> timed(() -> store.update(handle, put("during", "lock")), failures))
                        .isInstanceOf(StoreUnavailableException.class)
                        .hasMessageNotContaining(handle.value());
                assertThat(failures)
                        .singleElement()
                        .satisfies(took -> assertThat(took).isLessThanOrEqualTo(TIMEOUT.plus(SLACK)));
                locker.rollback();
            }
            assertThat(store.update(handle, put("after", "lock")).status()).isEqualTo(UpdateResult.Status.APPLIED);
            assertThat(store.load(handle).orElseThrow().attributes()).containsOnlyKeys("before", "after");
        }
    }
}
