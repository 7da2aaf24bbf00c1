package dev.lanyard.benchmarks;

import com.zaxxer.hikari.HikariDataSource;
import dev.lanyard.session.SessionHandle;
import dev.lanyard.session.SessionManager;
import dev.lanyard.session.jdbc.Dialect;
import dev.lanyard.session.jdbc.JdbcSessionStore;
import dev.lanyard.session.jdbc.SchemaSetup;
import dev.lanyard.session.jdbc.testing.DatabaseProcess;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Figures of the JDBC store on PostgreSQL that JMH cannot take: the store's operations against
 * their floors measured interleaved (one of each in turn, thousands of rounds, medians compared), which
 * keeps the ratios honest on a machine whose load changes from one JMH benchmark to the next; bytes
 * per logged-in session with
 * three attributes (table, TOAST and indexes), resolve latency as the table grows from 10^3 to
 * 10^6 rows, and the p99 of resolves while the sweep deletes 10^6 expired rows, against the p99
 * just before. Starts its own PostgreSQL (durability off) and stops it at the end.
 *
 * <p>Options: {@code --max-rows N} (default 1,000,000), or {@code --ratios-only}.
 */
public final class JdbcFootprint {

    private JdbcFootprint() {}

    /**
     * Runs the three measurements and prints their tables.
     *
     * @param args {@code --max-rows N}
     * @throws Exception if the database fails
     */
    public static void main(String[] args) throws Exception {
        int maxRows = args.length == 2 && args[0].equals("--max-rows") ? Integer.parseInt(args[1]) : 1_000_000;
        boolean ratiosOnly = args.length == 1 && args[0].equals("--ratios-only");
        try (DatabaseProcess postgres = DatabaseProcess.postgres();
                HikariDataSource pool = JdbcStoreBenchmark.pool(postgres.jdbcUrl());
                JdbcSessionStore store = JdbcSessionStore.builder()
                        .dataSource(pool)
                        .dialect(Dialect.POSTGRESQL)
                        .schema(SchemaSetup.CREATE)
                        .timeout(Duration.ofSeconds(10))
                        .sweepInterval(Duration.ZERO)
                        .build()) {
            SessionManager manager =
                    SessionManager.builder(store).logEvents(false).build();

            // 0. Interleaved ratios to the floors, on the same pool.
            interleaved(pool, store, manager);
            if (ratiosOnly) {
                return;
            }

            // 1. Bytes per logged-in session with three attributes.
            long empty = totalSize(pool);
            int sessions = 10_000;
            List<SessionHandle> handles = new ArrayList<>();
            for (int i = 0; i < sessions; i++) {
                handles.add(JdbcStoreBenchmark.threeAttributes(
                                manager, manager.login(null, "user-" + i, RedisStoreBenchmark.CLIENT))
                        .session()
                        .handle());
            }
            execute(pool, "VACUUM ANALYZE lanyard_session");
            long full = totalSize(pool);
            ReportLog.line(
                    "JDBC (PostgreSQL) bytes per logged-in session with 3 attributes: %d (table + TOAST + 3 indexes, "
                            + "%d sessions, %d bytes)",
                    (full - empty) / sessions, sessions, full - empty);

            // 2. Resolve latency as the table grows.
            ReportLog.line("%-12s %12s %12s", "rows", "median µs", "p99 µs");
            for (int rows = 1_000; rows <= maxRows; rows *= 10) {
                fill(pool, rows, System.currentTimeMillis() + TimeUnit.HOURS.toMillis(1), "live");
                execute(pool, "VACUUM ANALYZE lanyard_session");
                long[] micros = resolves(store, handles, 5_000);
                ReportLog.line("%-12d %12.1f %12.1f", rows + sessions, percentile(micros, 50), percentile(micros, 99));
            }

            // 3. Sweep of maxRows expired rows while resolves run.
            execute(pool, "DELETE FROM lanyard_session WHERE user_id IS NULL");
            fill(pool, maxRows, 1, "expired");
            execute(pool, "VACUUM ANALYZE lanyard_session");
            long[] before = resolves(store, handles, 5_000);
            ExecutorService sweeper = Executors.newSingleThreadExecutor();
            long start = System.nanoTime();
            Future<Integer> swept = sweeper.submit(() -> {
                int total = 0;
                for (int n = store.sweep(); n > 0; n = store.sweep()) {
                    total += n;
                }
                return total;
            });
            List<Long> during = new ArrayList<>();
            int i = 0;
            while (!swept.isDone()) {
                long t = System.nanoTime();
                store.load(handles.get(i++ % handles.size())).orElseThrow();
                during.add((System.nanoTime() - t) / 1_000);
            }
            int removed = swept.get();
            double seconds = (System.nanoTime() - start) / 1e9;
            sweeper.shutdownNow();
            long[] duringArray = during.stream().mapToLong(Long::longValue).toArray();
            ReportLog.line(
                    "sweep of %d expired rows: %.1f s in batches of %d; resolves during it: %d",
                    removed, seconds, JdbcSessionStore.DEFAULT_SWEEP_BATCH_SIZE, duringArray.length);
            ReportLog.line(
                    "resolve p99 before the sweep %.1f µs, during it %.1f µs: %.2fx (median %.1f -> %.1f µs)",
                    percentile(before, 99),
                    percentile(duringArray, 99),
                    percentile(duringArray, 99) / percentile(before, 99),
                    percentile(before, 50),
                    percentile(duringArray, 50));
        }
    }

    private static void interleaved(HikariDataSource pool, JdbcSessionStore store, SessionManager manager)
            throws SQLException {
        var resolving = JdbcStoreBenchmark.threeAttributes(
                manager, manager.login(null, "resolving-user", RedisStoreBenchmark.CLIENT));
        SessionHandle handle = resolving.session().handle();
        String presented = resolving.id().value();
        SessionHandle written = JdbcStoreBenchmark.threeAttributes(manager, manager.create(RedisStoreBenchmark.CLIENT))
                .session()
                .handle();
        int rounds = 3_000;
        String[] names = {
            "bare SELECT by primary key (floor)",
            "store load",
            "manager resolve",
            "bare UPDATE of last access (HOT)",
            "bare UPDATE as a delta writes",
            "store delta (one attribute + touch)",
            "manager login (new session)"
        };
        long[][] micros = new long[names.length][rounds];
        for (int r = 0; r < rounds; r++) {
            long t0 = System.nanoTime();
            try (Connection c = pool.getConnection();
                    var s = c.prepareStatement("SELECT * FROM lanyard_session WHERE handle = ?")) {
                s.setString(1, handle.value());
                try (var rs = s.executeQuery()) {
                    rs.next();
                    rs.getString("attributes");
                }
            }
            long t1 = System.nanoTime();
            store.load(handle).orElseThrow();
            long t2 = System.nanoTime();
            manager.resolve(presented).session().orElseThrow();
            long t3 = System.nanoTime();
            try (Connection c = pool.getConnection();
                    var s = c.prepareStatement("UPDATE lanyard_session SET last_accessed_at = ? WHERE handle = ?")) {
                s.setLong(1, System.currentTimeMillis());
                s.setString(2, written.value());
                s.executeUpdate();
            }
            long t4 = System.nanoTime();
            try (Connection c = pool.getConnection();
                    var s = c.prepareStatement(
                            "UPDATE lanyard_session SET attributes = attributes || CAST(? AS JSONB), "
                                    + "last_accessed_at = ?, expires_at = ? WHERE handle = ?")) {
                s.setString(1, "{\"counter\":\"MQ==\"}");
                s.setLong(2, System.currentTimeMillis());
                s.setLong(3, System.currentTimeMillis() + 1_800_000);
                s.setString(4, written.value());
                s.executeUpdate();
            }
            long t5 = System.nanoTime();
            store.update(
                    written,
                    new dev.lanyard.session.spi.SessionDelta(
                            java.util.Map.of(
                                    "counter", Integer.toString(r).getBytes(java.nio.charset.StandardCharsets.UTF_8)),
                            java.util.Set.of(),
                            java.time.Instant.now(),
                            null,
                            "node-a",
                            Duration.ofMinutes(30),
                            Long.MAX_VALUE));
            long t6 = System.nanoTime();
            manager.login(null, "login-user-" + (r % 500), RedisStoreBenchmark.CLIENT);
            long t7 = System.nanoTime();
            long[] marks = {t0, t1, t2, t3, t4, t5, t6, t7};
            for (int k = 0; k < names.length; k++) {
                micros[k][r] = (marks[k + 1] - marks[k]) / 1_000;
            }
        }
        double select = percentile(micros[0], 50);
        double update = percentile(micros[4], 50);
        ReportLog.line("%-40s %12s %12s %10s", "interleaved, " + rounds + " rounds", "median µs", "p99 µs", "ratio");
        for (int k = 0; k < names.length; k++) {
            double floor = k == 5 ? update : select;
            ReportLog.line(
                    "%-40s %12.1f %12.1f %9.2fx%s",
                    names[k],
                    percentile(micros[k], 50),
                    percentile(micros[k], 99),
                    percentile(micros[k], 50) / floor,
                    k == 5 ? " of the bare UPDATE as a delta writes" : k == 3 || k == 4 ? " of the SELECT" : "");
        }
    }

    private static long[] resolves(JdbcSessionStore store, List<SessionHandle> handles, int count) {
        long[] micros = new long[count];
        for (int i = 0; i < count; i++) {
            long t = System.nanoTime();
            store.load(handles.get(i % handles.size())).orElseThrow();
            micros[i] = (System.nanoTime() - t) / 1_000;
        }
        return micros;
    }

    private static double percentile(long[] values, int p) {
        if (values.length == 0) {
            return Double.NaN;
        }
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1)];
    }

    /** Adds anonymous sessions, with three attributes, up to {@code rows} of the given kind. */
    private static void fill(HikariDataSource pool, int rows, long expiresAt, String tag) throws SQLException {
        execute(
                pool,
                "INSERT INTO lanyard_session (handle, user_id, version, user_version, created_at, last_accessed_at, "
                        + "idle_timeout, absolute_expiry, authenticated_at, last_node, user_agent, address_prefix, expires_at, "
                        + "attribute_bytes, attributes) "
                        + "SELECT rpad(md5('" + tag + "' || g), 43, 'x'), NULL, 1, 0, 0, 0, 1800000, " + expiresAt
                        + ", NULL, "
                        + "'node-a', 'Firefox 128 on Linux', '192.0.2.0/24', " + expiresAt + ", 30, "
                        + "'{\"cart\":\"AAAAAAAAAAAA\",\"theme\":\"ZGFyaw==\",\"locale\":\"ZW4tR0I=\"}'::jsonb "
                        + "FROM generate_series(1, " + rows + ") g ON CONFLICT (handle) DO NOTHING");
    }

    private static long totalSize(HikariDataSource pool) throws SQLException {
        try (Connection c = pool.getConnection();
                Statement s = c.createStatement();
                var rs = s.executeQuery("SELECT pg_total_relation_size('lanyard_session')")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static void execute(HikariDataSource pool, String sql) throws SQLException {
        try (Connection c = pool.getConnection();
                Statement s = c.createStatement()) {
            s.setQueryTimeout(600);
            s.execute(sql);
        }
    }
}
