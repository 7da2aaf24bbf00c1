package dev.lanyard.benchmarks;

import dev.lanyard.session.ClientInfo;
import dev.lanyard.session.NewSession;
import dev.lanyard.session.Resolution;
import dev.lanyard.session.RevocationReason;
import dev.lanyard.session.Session;
import dev.lanyard.session.SessionManager;
import dev.lanyard.session.SessionUpdate;
import dev.lanyard.session.redis.NearCacheOptions;
import dev.lanyard.session.redis.NearCachedRedisStore;
import dev.lanyard.session.redis.RedisSessionStore;
import dev.lanyard.session.redis.testing.RedisProcess;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Store operations through the {@link SessionManager} on the Redis store, against a private
 * {@code redis-server} this benchmark starts (free port, temporary directory, killed in
 * {@link #tearDown()}), next to the physical floor: a bare Lettuce {@code HGETALL} of the same
 * session hash on a connection of the same kind (one multiplexed byte-array connection, sync API).
 *
 * <p>Goals (reported, not asserted): resolve within 1.2x of the floor; resolve plus one attribute
 * write within 1.5x. A write is a second round trip (one script), so {@link #bareReadThenWrite()}
 * measures the two-round-trip floor beside it. Login, rotate and revoke run server-side scripts (several round trips when
 * the user index changes too); their ratio says how many floors they cost.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class RedisStoreBenchmark {

    /**
     * The store's command timeout in the benchmarks: long, because a benchmark measures cost, and
     * on a shared machine one stalled reply past the production default (250 ms) would abort a run.
     */
    static final java.time.Duration BENCH_TIMEOUT = java.time.Duration.ofSeconds(5);

    static final ClientInfo CLIENT = ClientInfo.of("Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0", "192.0.2.17");

    private static final byte[] SCRATCH = "bench:scratch".getBytes(StandardCharsets.UTF_8);
    private static final byte[] COUNTER = "counter".getBytes(StandardCharsets.UTF_8);

    /** How many small attributes the session holds. */
    @Param({"0", "3", "20"})
    public int attributes;

    RedisProcess redis;
    RedisSessionStore store;
    SessionManager manager;
    private RedisClient client;
    private StatefulRedisConnection<byte[], byte[]> connection;
    private byte[] sessionKey;
    private String presentedId;
    private String loggedInId;
    private Session rotating;
    private long counter;
    private NearCachedRedisStore nearCache;
    private SessionManager nearManager;
    private String nearId;

    /** Starts redis-server, the store, the manager and the bare Lettuce connection. */
    @Setup(Level.Trial)
    public void setUp() {
        redis = RedisProcess.start();
        store = RedisSessionStore.builder()
                .standalone(redis.host(), redis.port())
                .commandTimeout(BENCH_TIMEOUT)
                .build();
        manager = SessionManager.builder(store).logEvents(false).build();
        NewSession created = newSession(null);
        presentedId = created.id().value();
        sessionKey =
                (store.keyPrefix() + "s:{" + created.session().handle().value() + "}").getBytes(StandardCharsets.UTF_8);
        rotating = newSession("rotating-user").session();
        loggedInId = newSession("resolving-user").id().value();
        client = RedisClient.create(RedisURI.create(redis.host(), redis.port()));
        connection = client.connect(ByteArrayCodec.INSTANCE);
        if (connection.sync().hgetall(sessionKey).isEmpty()) {
            throw new IllegalStateException("the session hash is not where the baseline reads it");
        }
        nearCache = NearCachedRedisStore.wrap(
                RedisSessionStore.builder()
                        .standalone(redis.host(), redis.port())
                        .commandTimeout(BENCH_TIMEOUT)
                        .keyPrefix("near:")
                        .build(),
                NearCacheOptions.defaults());
        nearManager = SessionManager.builder(nearCache).logEvents(false).build();
        nearId = newSession(nearManager, null).id().value();
        warm(nearCache, () -> nearManager.resolve(nearId));
    }

    /**
     * Reads until the near cache answers from its local copy: its invalidation channel opens
     * asynchronously after the store is wrapped, and the cache serves nothing before that.
     *
     * @param cache the near cache
     * @param read one read through it
     * @throws IllegalStateException if no read is a hit within 10 seconds
     */
    static void warm(NearCachedRedisStore cache, Runnable read) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (cache.stats().hits() == 0) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the near cache answered no read within 10 s: " + cache.stats());
            }
            read.run();
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
        }
    }

    /** Closes the connections and kills redis-server. */
    @TearDown(Level.Trial)
    public void tearDown() {
        try {
            if (connection != null) {
                connection.close();
            }
            if (client != null) {
                client.shutdown();
            }
            if (store != null) {
                store.close();
            }
            if (nearCache != null) {
                nearCache.close();
            }
        } finally {
            if (redis != null) {
                redis.close();
            }
        }
    }

    NewSession newSession(String userId) {
        return newSession(manager, userId);
    }

    private NewSession newSession(SessionManager sessions, String userId) {
        NewSession created = userId == null ? sessions.create(CLIENT) : sessions.login(null, userId, CLIENT);
        if (attributes == 0) {
            return created;
        }
        SessionUpdate.Builder update = SessionUpdate.builder();
        for (int i = 0; i < attributes; i++) {
            update.put("attribute" + i, "value-" + i);
        }
        Session saved = sessions.save(created.session(), update.build()).orElseThrow();
        return new NewSession(created.id(), saved);
    }

    /** @return the session hash read with a bare HGETALL: the floor */
    @Benchmark
    public Map<byte[], byte[]> baseline() {
        return connection.sync().hgetall(sessionKey);
    }

    /**
     * @return a bare HGETALL followed by a bare HSET of one field of a scratch hash: the floor of
     *     two sequential round trips, which resolve plus a write cannot go below
     */
    @Benchmark
    public long bareReadThenWrite() {
        int fields = connection.sync().hgetall(sessionKey).size();
        boolean added = connection
                .sync()
                .hset(SCRATCH, COUNTER, Long.toString(counter++).getBytes(StandardCharsets.UTF_8));
        return fields + (added ? 1 : 0);
    }

    /** @return the resolve of a presented ID: parse, hash, the resolve script (one round trip), decode, checks */
    @Benchmark
    public Resolution resolve() {
        return manager.resolve(presentedId);
    }

    /**
     * @return the resolve of a logged-in session's ID: as {@link #resolve()}, and the script also
     *     reads the user's version, in the same round trip
     */
    @Benchmark
    public Resolution resolveLoggedIn() {
        return manager.resolve(loggedInId);
    }

    /**
     * @return the resolve of a presented ID through the near cache, warm: parse, hash, a local
     *     lookup, checks; no round trip while the copy is valid
     */
    @Benchmark
    public Resolution resolveNearCacheHit() {
        return nearManager.resolve(nearId);
    }

    /** @return resolve, then a delta write of one attribute (one script) */
    @Benchmark
    public Optional<Session> resolveAndWrite() {
        Session session = manager.resolve(presentedId).session().orElseThrow();
        return manager.save(
                session,
                SessionUpdate.builder().put("counter", Long.toString(counter++)).build());
    }

    /**
     * @param fresh an anonymous session made for this invocation
     * @return login of an anonymous session: rotation to a new ID plus the user index
     */
    @Benchmark
    public NewSession login(FreshAnonymous fresh) {
        return manager.login(fresh.session, "user-" + (counter++ % 1000), CLIENT);
    }

    /** @return a new ID for a logged-in session (what privilege changes cost) */
    @Benchmark
    public NewSession rotate() {
        NewSession rotated = manager.changeId(rotating).orElseThrow();
        rotating = rotated.session();
        return rotated;
    }

    /**
     * @param fresh a logged-in session made for this invocation
     * @return revocation of a logged-in session by handle
     */
    @Benchmark
    public boolean revoke(FreshLoggedIn fresh) {
        return manager.revoke(fresh.session.handle(), RevocationReason.ADMIN);
    }

    /** An anonymous session made before each invocation (not measured). */
    @State(Scope.Thread)
    public static class FreshAnonymous {
        Session session;

        /** @param bench the benchmark whose manager makes the session */
        @Setup(Level.Invocation)
        public void make(RedisStoreBenchmark bench) {
            session = bench.newSession(null).session();
        }
    }

    /** A logged-in session made before each invocation (not measured). */
    @State(Scope.Thread)
    public static class FreshLoggedIn {
        private long users;
        Session session;

        /** @param bench the benchmark whose manager makes the session */
        @Setup(Level.Invocation)
        public void make(RedisStoreBenchmark bench) {
            session = bench.newSession("revoked-" + (users++ % 1000)).session();
        }
    }
}
