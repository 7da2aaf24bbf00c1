package dev.lanyard.benchmarks;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.lanyard.session.NewSession;
import dev.lanyard.session.Resolution;
import dev.lanyard.session.Session;
import dev.lanyard.session.SessionHandle;
import dev.lanyard.session.SessionManager;
import dev.lanyard.session.SessionUpdate;
import dev.lanyard.session.jdbc.Dialect;
import dev.lanyard.session.jdbc.JdbcSessionStore;
import dev.lanyard.session.jdbc.SchemaSetup;
import dev.lanyard.session.jdbc.testing.DatabaseProcess;
import dev.lanyard.session.spi.SessionDelta;
import dev.lanyard.session.spi.SessionRecord;
import dev.lanyard.session.spi.UpdateResult;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The JDBC store on a private PostgreSQL this benchmark starts ({@link DatabaseProcess}; durability
 * off, as in the tests), through one HikariCP pool, next to the floors on the same pool: a bare
 * primary-key {@code SELECT} of the same session row ({@link #baseline()}) and bare single-row
 * {@code UPDATE}s: of the columns a delta writes ({@link #bareDeltaUpdate()}: the attributes, the
 * last access and the indexed expiry), and of the last access alone ({@link #bareUpdate()}, which
 * PostgreSQL can do as a heap-only update, without touching an index).
 *
 * <p>Goals (reported, not asserted): a resolve within 1.3x of the bare SELECT; a delta write within
 * 1.3x of the bare UPDATE of the same columns (compare {@link #deltaWrite()} with {@link
 * #bareDeltaUpdate()}); a login, which is two short transactions that lock the user's row, in floors.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class JdbcStoreBenchmark {

    DatabaseProcess postgres;
    HikariDataSource pool;
    JdbcSessionStore store;
    SessionManager manager;
    private String presentedId;
    private SessionHandle handle;
    private SessionHandle written;
    private long counter;

    /** Starts PostgreSQL, the pool, the store with its tables, and a 3-attribute session. */
    @Setup(Level.Trial)
    public void setUp() {
        postgres = DatabaseProcess.postgres();
        pool = pool(postgres.jdbcUrl());
        store = JdbcSessionStore.builder()
                .dataSource(pool)
                .dialect(Dialect.POSTGRESQL)
                .schema(SchemaSetup.CREATE)
                .timeout(Duration.ofSeconds(5))
                .sweepInterval(Duration.ZERO)
                .build();
        manager = SessionManager.builder(store).logEvents(false).build();
        NewSession created =
                threeAttributes(manager, manager.login(null, "resolving-user", RedisStoreBenchmark.CLIENT));
        presentedId = created.id().value();
        handle = created.session().handle();
        written = threeAttributes(manager, manager.create(RedisStoreBenchmark.CLIENT))
                .session()
                .handle();
    }

    static HikariDataSource pool(String url) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url);
        config.setMaximumPoolSize(4);
        config.setConnectionTimeout(5000);
        return new HikariDataSource(config);
    }

    static NewSession threeAttributes(SessionManager manager, NewSession created) {
        Session saved = manager.save(
                        created.session(),
                        SessionUpdate.builder()
                                .put("cart", "3 apples")
                                .put("theme", "dark")
                                .put("locale", "en-GB")
                                .build())
                .orElseThrow();
        return new NewSession(created.id(), saved);
    }

    /** Closes the pool and stops PostgreSQL. */
    @TearDown(Level.Trial)
    public void tearDown() {
        try {
            if (store != null) {
                store.close();
            }
            if (pool != null) {
                pool.close();
            }
        } finally {
            if (postgres != null) {
                postgres.close();
            }
        }
    }

    /**
     * @return the session row read with a bare primary-key SELECT of every column: the floor
     * @throws SQLException if the database fails
     */
    @Benchmark
    public long baseline() throws SQLException {
        try (Connection c = pool.getConnection();
                PreparedStatement s = c.prepareStatement("SELECT * FROM lanyard_session WHERE handle = ?")) {
            s.setString(1, handle.value());
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getLong("version") + rs.getString("attributes").length();
            }
        }
    }

    /** @return the store's load: the primary-key SELECT with expiry and the user's version checked, decoded */
    @Benchmark
    public Optional<SessionRecord> load() {
        return store.load(handle);
    }

    /** @return the resolve of a presented ID through the manager: parse, hash, load, checks, attribute decode */
    @Benchmark
    public Resolution resolve() {
        return manager.resolve(presentedId);
    }

    /**
     * @return a bare single-row UPDATE of the same kind of row: the floor of a write
     * @throws SQLException if the database fails
     */
    @Benchmark
    public int bareUpdate() throws SQLException {
        try (Connection c = pool.getConnection();
                PreparedStatement s =
                        c.prepareStatement("UPDATE lanyard_session SET last_accessed_at = ? WHERE handle = ?")) {
            s.setLong(1, System.currentTimeMillis());
            s.setString(2, written.value());
            return s.executeUpdate();
        }
    }

    /**
     * @return a bare single-row UPDATE of the columns a delta writes (merged attributes, last access,
     *     expiry): the floor of a delta
     * @throws SQLException if the database fails
     */
    @Benchmark
    public int bareDeltaUpdate() throws SQLException {
        try (Connection c = pool.getConnection();
                PreparedStatement s = c.prepareStatement("UPDATE lanyard_session SET attributes ="
                        + " attributes || CAST(? AS JSONB), last_accessed_at = ?, expires_at = ? WHERE handle = ?")) {
            long now = System.currentTimeMillis();
            s.setString(1, "{\"counter\":\"MQ==\"}");
            s.setLong(2, now);
            s.setLong(3, now + 1_800_000);
            s.setString(4, written.value());
            return s.executeUpdate();
        }
    }

    /** @return the store's delta: one attribute put and a touch, one UPDATE that merges in SQL */
    @Benchmark
    public UpdateResult deltaWrite() {
        return store.update(
                written,
                new SessionDelta(
                        Map.of("counter", Long.toString(counter++).getBytes(StandardCharsets.UTF_8)),
                        Set.of(),
                        Instant.now(),
                        null,
                        "node-a",
                        Duration.ofMinutes(30),
                        Long.MAX_VALUE));
    }

    /** @return a login that creates a logged-in session: admission under the user's lock, then the insert */
    @Benchmark
    public NewSession login() {
        return manager.login(null, "user-" + (counter++ % 1000), RedisStoreBenchmark.CLIENT);
    }
}
