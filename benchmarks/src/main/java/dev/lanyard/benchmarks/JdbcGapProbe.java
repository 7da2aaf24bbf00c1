package dev.lanyard.benchmarks;

import com.zaxxer.hikari.HikariDataSource;
import dev.lanyard.session.SessionHandle;
import dev.lanyard.session.SessionManager;
import dev.lanyard.session.jdbc.Dialect;
import dev.lanyard.session.jdbc.JdbcSessionStore;
import dev.lanyard.session.jdbc.SchemaSetup;
import dev.lanyard.session.jdbc.testing.DatabaseProcess;
import dev.lanyard.session.spi.SessionDelta;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Takes the JDBC store's distance from its floors apart, on a private PostgreSQL: each step
 * between the bare statement and the store's operation is measured interleaved with the others
 * (one of each in turn, in a new random order every round, thousands of rounds, medians
 * compared), so that the gap can be assigned to
 * the query timeout, the store's SQL, the attribute decoding and the store's own code. Prints one
 * table per round of the given count ({@code --rounds N}, default 4000; {@code --repeat N}, default
 * 3).
 */
public final class JdbcGapProbe {

    private JdbcGapProbe() {}

    /**
     * Runs the probe and prints its tables.
     *
     * @param args {@code --rounds N}, {@code --repeat N}
     * @throws Exception if the database fails
     */
    public static void main(String[] args) throws Exception {
        int rounds = 4_000;
        int repeat = 3;
        for (int i = 0; i + 1 < args.length; i += 2) {
            if (args[i].equals("--rounds")) {
                rounds = Integer.parseInt(args[i + 1]);
            } else if (args[i].equals("--repeat")) {
                repeat = Integer.parseInt(args[i + 1]);
            }
        }
        String loadSql =
                statement("load").replace("${session}", "lanyard_session").replace("${user}", "lanyard_user");
        String loadWithoutUserCheck = loadSql.replaceAll("\\n  AND NOT EXISTS[^\\n]*", "")
                .replace("AND s.expires_at > ?", "AND s.expires_at > ? AND ? > 0");
        String updateTemplate =
                statement("update").replace("${session}", "lanyard_session").replace("${user}", "lanyard_user");
        String updateSql = updateTemplate.replace("${held}", statement("heldByName"));
        String updateListSql = updateTemplate.replace("${held}", "(" + statement("heldByList") + ")");
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
            SessionHandle handle = JdbcStoreBenchmark.threeAttributes(
                            manager, manager.login(null, "resolving-user", RedisStoreBenchmark.CLIENT))
                    .session()
                    .handle();
            SessionHandle written = JdbcStoreBenchmark.threeAttributes(
                            manager, manager.create(RedisStoreBenchmark.CLIENT))
                    .session()
                    .handle();
            String[] names = {
                "R0 bare SELECT * by key (floor)",
                "R1 R0 + setQueryTimeout",
                "R2 store's load SQL, no timeout, no decode",
                "R2b R2 without the user-version NOT EXISTS",
                "R2t R2 + setQueryTimeout, all 13 columns read",
                "R3 store load",
                "U0 bare UPDATE as a delta writes (floor)",
                "U1 U0 + setQueryTimeout",
                "U2 store's update SQL (lock_timeout in SQL)",
                "U3 store delta",
                "U2l U2 with heldByList (subquery) sizes",
                "U2n U2 without setting lock_timeout",
                "U2q U2n + setQueryTimeout"
            };
            for (int run = 0; run < repeat; run++) {
                long[][] micros = new long[names.length][rounds];
                List<Integer> order = new ArrayList<>();
                for (int k = 0; k < names.length; k++) {
                    order.add(k);
                }
                for (int r = 0; r < rounds; r++) {
                    Collections.shuffle(order);
                    for (int k : order) {
                        long t0 = System.nanoTime();
                        step(k, r, pool, store, handle, written, loadSql, loadWithoutUserCheck, new String[] {
                            updateSql, updateListSql
                        });
                        micros[k][r] = (System.nanoTime() - t0) / 1_000;
                    }
                }
                double select = median(micros[0]);
                double update = median(micros[6]);
                ReportLog.line("%-45s %10s %8s", "run " + (run + 1) + ", " + rounds + " rounds", "median µs", "ratio");
                for (int k = 0; k < names.length; k++) {
                    double floor = k < 6 ? select : update;
                    ReportLog.line("%-45s %10.1f %7.2fx", names[k], median(micros[k]), median(micros[k]) / floor);
                }
            }
        }
    }

    private static void step(
            int k,
            int r,
            HikariDataSource pool,
            JdbcSessionStore store,
            SessionHandle handle,
            SessionHandle written,
            String loadSql,
            String loadWithoutUserCheck,
            String[] updateSql)
            throws SQLException {
        switch (k) {
            case 0 -> bareSelect(pool, handle, 0);
            case 1 -> bareSelect(pool, handle, 10);
            case 2 -> storeSelect(pool, loadSql, handle, false);
            case 3 -> storeSelect(pool, loadWithoutUserCheck, handle, false);
            case 4 -> storeSelect(pool, loadSql, handle, true);
            case 5 -> store.load(handle).orElseThrow();
            case 6 -> bareUpdate(pool, written, r, 0);
            case 7 -> bareUpdate(pool, written, r, 10);
            case 8 -> storeUpdate(pool, updateSql[0], written, r, Mode.LOCK_TIMEOUT);
            case 10 -> storeUpdate(pool, updateSql[1], written, r, Mode.LIST);
            case 11 -> storeUpdate(pool, withoutLockTimeout(updateSql[0]), written, r, Mode.NONE);
            case 12 -> storeUpdate(pool, withoutLockTimeout(updateSql[0]), written, r, Mode.QUERY_TIMEOUT);
            default ->
                store.update(
                        written,
                        new SessionDelta(
                                Map.of("counter", Integer.toString(r).getBytes(StandardCharsets.UTF_8)),
                                Set.of(),
                                Instant.now(),
                                null,
                                "node-a",
                                Duration.ofMinutes(30),
                                Long.MAX_VALUE));
        }
    }

    /** How a variant of the store's update is bound and bounded. */
    private enum Mode {
        LOCK_TIMEOUT,
        LIST,
        NONE,
        QUERY_TIMEOUT
    }

    /** The update with its set_config of lock_timeout replaced by a check that is always true. */
    static String withoutLockTimeout(String sql) {
        return sql.replace("set_config('lock_timeout', ?, TRUE) IS NOT NULL", "? IS NOT NULL");
    }

    private static void bareSelect(HikariDataSource pool, SessionHandle handle, int timeout) throws SQLException {
        try (Connection c = pool.getConnection();
                PreparedStatement s = c.prepareStatement("SELECT * FROM lanyard_session WHERE handle = ?")) {
            if (timeout > 0) {
                s.setQueryTimeout(timeout);
            }
            s.setString(1, handle.value());
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                rs.getString("attributes");
            }
        }
    }

    private static void storeSelect(HikariDataSource pool, String sql, SessionHandle handle, boolean likeTheStore)
            throws SQLException {
        long now = System.currentTimeMillis();
        try (Connection c = pool.getConnection();
                PreparedStatement s = c.prepareStatement(sql)) {
            if (likeTheStore) {
                s.setQueryTimeout(10);
            }
            s.setString(1, handle.value());
            s.setLong(2, now);
            s.setLong(3, now);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                if (likeTheStore) {
                    for (int i = 1; i <= 12; i++) {
                        rs.getString(i);
                    }
                }
                rs.getString(13);
            }
        }
    }

    private static void bareUpdate(HikariDataSource pool, SessionHandle written, int r, int timeout)
            throws SQLException {
        try (Connection c = pool.getConnection();
                PreparedStatement s = c.prepareStatement("UPDATE lanyard_session SET attributes ="
                        + " attributes || CAST(? AS JSONB), last_accessed_at = ?, expires_at = ?"
                        + " WHERE handle = ?")) {
            if (timeout > 0) {
                s.setQueryTimeout(timeout);
            }
            s.setString(1, "{\"counter\":\"MQ==\"}");
            s.setLong(2, System.currentTimeMillis());
            s.setLong(3, System.currentTimeMillis() + 1_800_000);
            s.setString(4, written.value());
            s.executeUpdate();
        }
    }

    private static void storeUpdate(HikariDataSource pool, String sql, SessionHandle written, int r, Mode mode)
            throws SQLException {
        String value =
                java.util.Base64.getEncoder().encodeToString(Integer.toString(r).getBytes(StandardCharsets.UTF_8));
        String puts = "{\"counter\":\"" + value + "\"}";
        long putBytes = 7 + Integer.toString(r).length();
        long now = System.currentTimeMillis();
        try (Connection c = pool.getConnection();
                PreparedStatement s = c.prepareStatement(sql)) {
            if (mode == Mode.QUERY_TIMEOUT) {
                s.setQueryTimeout(10);
            }
            int i = 0;
            s.setLong(++i, putBytes);
            i = held(s, i, mode);
            s.setString(++i, "{}");
            s.setString(++i, puts);
            s.setLong(++i, now);
            s.setNull(++i, Types.BIGINT);
            s.setString(++i, "node-a");
            s.setLong(++i, now + 1_800_000);
            s.setString(++i, written.value());
            s.setString(++i, "10000");
            s.setLong(++i, now);
            s.setLong(++i, now);
            s.setLong(++i, putBytes);
            i = held(s, i, mode);
            s.setLong(++i, Long.MAX_VALUE);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
            }
        }
    }

    private static int held(PreparedStatement s, int index, Mode mode) throws SQLException {
        int i = index;
        if (mode == Mode.LIST) {
            s.setString(++i, "[{\"n\":\"counter\",\"l\":7}]");
        } else {
            s.setString(++i, "counter");
            s.setLong(++i, 7);
        }
        return i;
    }

    private static double median(long[] values) {
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    /** @return the named statement of PostgreSQL's statements.sql, comments dropped */
    static String statement(String name) throws IOException {
        String text;
        try (InputStream in =
                JdbcGapProbe.class.getResourceAsStream("/dev/lanyard/session/jdbc/postgresql/statements.sql")) {
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        StringBuilder sql = new StringBuilder();
        boolean inside = false;
        for (String line : text.split("\n")) {
            if (line.startsWith("-- name:")) {
                inside = line.substring("-- name:".length()).trim().equals(name);
            } else if (inside && !line.trim().startsWith("--")) {
                sql.append(line).append('\n');
            }
        }
        return sql.toString().trim();
    }
}
