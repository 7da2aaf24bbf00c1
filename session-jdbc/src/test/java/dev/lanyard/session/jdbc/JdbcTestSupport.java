package dev.lanyard.session.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.lanyard.session.SessionHandle;
import dev.lanyard.session.jdbc.testing.DatabaseProcess;
import dev.lanyard.session.jdbc.testing.TestDatabases;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One HikariCP pool per database kind for the whole test JVM, on the shared test database, and
 * stores on it that each get fresh tables (a table prefix of their own), so tests never see each
 * other's rows. Also reads and damages rows directly, bypassing the store, for the contract's hooks.
 */
final class JdbcTestSupport {

    private static final Map<DatabaseProcess.Kind, JdbcTestSupport> BY_KIND = new EnumMap<>(DatabaseProcess.Kind.class);
    private static final String RUN = randomLetters(5);
    private static final AtomicInteger STORES = new AtomicInteger();

    final DatabaseProcess.Kind kind;
    final Dialect dialect;
    final HikariDataSource dataSource;

    private JdbcTestSupport(DatabaseProcess.Kind kind) {
        this.kind = kind;
        this.dialect = kind == DatabaseProcess.Kind.POSTGRESQL ? Dialect.POSTGRESQL : Dialect.MARIADB;
        this.dataSource = pool(TestDatabases.url(kind), 24);
    }

    static synchronized JdbcTestSupport of(DatabaseProcess.Kind kind) {
        return BY_KIND.computeIfAbsent(kind, JdbcTestSupport::new);
    }

    static HikariDataSource pool(String url, int size) {
        return pool(url, size, config -> {});
    }

    static HikariDataSource pool(String url, int size, java.util.function.Consumer<HikariConfig> tuning) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url);
        config.setMaximumPoolSize(size);
        config.setMinimumIdle(0);
        config.setConnectionTimeout(5000);
        config.setValidationTimeout(1000);
        config.setPoolName("lanyard-test-" + STORES.incrementAndGet());
        tuning.accept(config);
        return new HikariDataSource(config);
    }

    /** @return a prefix no store of this run has used */
    static String freshPrefix() {
        return "t" + RUN + STORES.incrementAndGet() + "_";
    }

    /**
     * The contract's stores' timeout: generous, since the contract is about behaviour on two shared
     * cores, where 24 writers of one row each wait for the row lock in turn (PostgreSQL's lock_timeout
     * is three quarters of the timeout: 1.5 s with the default 2 s). The fault tests, which are about
     * the timeout, set their own.
     */
    static final Duration CONTRACT_TIMEOUT = Duration.ofSeconds(10);

    /**
     * @param clock the clock
     * @return a store on fresh tables, created on start, with the background sweep off
     */
    JdbcSessionStore store(Clock clock) {
        return store(clock, freshPrefix());
    }

    JdbcSessionStore store(Clock clock, String prefix) {
        return JdbcSessionStore.builder()
                .dataSource(dataSource)
                .dialect(dialect)
                .tablePrefix(prefix)
                .schema(SchemaSetup.CREATE)
                .sweepInterval(Duration.ZERO)
                .timeout(CONTRACT_TIMEOUT)
                .clock(clock)
                .build();
    }

    long count(String table, String where, Object... parameters) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement s = c.prepareStatement("SELECT COUNT(*) FROM " + table + " WHERE " + where)) {
            for (int i = 0; i < parameters.length; i++) {
                s.setObject(i + 1, parameters[i]);
            }
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    boolean rowExists(String prefix, SessionHandle handle) {
        return count(prefix + "session", "handle = ?", handle.value()) > 0;
    }

    Optional<Duration> ttl(String prefix, SessionHandle handle, Clock clock) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement s =
                        c.prepareStatement("SELECT expires_at FROM " + prefix + "session WHERE handle = ?")) {
            s.setString(1, handle.value());
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? Optional.of(Duration.ofMillis(rs.getLong(1) - clock.millis())) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    void execute(String sql, Object... parameters) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                s.setObject(i + 1, parameters[i]);
            }
            s.execute();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Replaces a session's attributes by text that is no JSON object of base64 values. */
    void corrupt(String prefix, SessionHandle handle) {
        String value = dialect == Dialect.POSTGRESQL ? "CAST('\"not an object\"' AS JSONB)" : "'not json at all'";
        execute("UPDATE " + prefix + "session SET attributes = " + value + " WHERE handle = ?", handle.value());
    }

    private static String randomLetters(int n) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < n; i++) {
            out.append((char) ('a' + ThreadLocalRandom.current().nextInt(26)));
        }
        return out.toString().toLowerCase(Locale.ROOT);
    }
}
