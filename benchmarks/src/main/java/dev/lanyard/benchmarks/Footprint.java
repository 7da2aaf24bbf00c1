package dev.lanyard.benchmarks;

import dev.lanyard.session.NewSession;
import dev.lanyard.session.Session;
import dev.lanyard.session.SessionManager;
import dev.lanyard.session.SessionUpdate;
import dev.lanyard.session.memory.InMemorySessionStore;
import dev.lanyard.session.redis.NearCacheStats;
import dev.lanyard.session.redis.RedisSessionStore;
import dev.lanyard.session.redis.testing.RedisProcess;
import io.lettuce.core.LettuceFutures;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisURI;
import io.lettuce.core.RestoreArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * Memory and scaling figures that JMH cannot take: Redis bytes per session, retained heap per
 * session in the in-memory store, and how resolve latency and Redis memory grow with the number of
 * live sessions. Starts its own redis-server (persistence off) and kills it at the end. Prints
 * three tables; {@code benchmarks/run} runs it after the JMH benchmarks.
 *
 * <p>Options: {@code --max-sessions N} (default 1,000,000: the largest scaling step).
 */
public final class Footprint {

    private static final int[] ATTRIBUTE_COUNTS = {0, 3, 20};
    private static final int REDIS_SESSIONS = 10_000;
    private static final int HEAP_SESSIONS = 20_000;
    private static final int SAMPLE = 1_000;
    private static final int RESOLVES = 20_000;

    private Footprint() {}

    /**
     * Measures and prints.
     *
     * @param args {@code --max-sessions N}
     * @throws Exception if redis-server cannot start
     */
    public static void main(String[] args) throws Exception {
        java.util.logging.Logger.getLogger("").setLevel(java.util.logging.Level.WARNING);
        long maxSessions = 1_000_000;
        for (int i = 0; i + 1 < args.length; i += 2) {
            if (args[i].equals("--max-sessions")) {
                maxSessions = Long.parseLong(args[i + 1]);
            } else {
                throw new IllegalArgumentException("unknown option " + args[i] + "; use --max-sessions N");
            }
        }
        heapPerSession();
        httpInterleaved();
        try (RedisProcess redis = RedisProcess.start();
                RedisSessionStore store = RedisSessionStore.builder()
                        .standalone(redis.host(), redis.port())
                        .commandTimeout(RedisStoreBenchmark.BENCH_TIMEOUT)
                        .build()) {
            SessionManager manager =
                    SessionManager.builder(store).logEvents(false).build();
            interleaved(redis, store, manager);
            CommandsPerOperation.print(redis);
            redisPerSession(redis, store, manager);
            scaling(redis, store, manager, maxSessions);
        }
    }

    static Session withAttributes(SessionManager manager, NewSession created, int attributes) {
        if (attributes == 0) {
            return created.session();
        }
        SessionUpdate.Builder update = SessionUpdate.builder();
        for (int i = 0; i < attributes; i++) {
            update.put("attribute" + i, "value-" + i);
        }
        return manager.save(created.session(), update.build()).orElseThrow();
    }

    // ------------------------------------------------------------------ interleaved A/B

    /**
     * Resolve (and resolve plus a write) against the bare Lettuce floor, alternating call by call so
     * that load from other processes hits both sides alike: on a shared machine JMH's one-method-
     * after-another runs drift by more than the difference being measured.
     */
    private static void interleaved(RedisProcess redis, RedisSessionStore store, SessionManager manager) {
        ReportLog.line("");
        ReportLog.line(
                "%s",
                "Interleaved A/B against the bare Lettuce floor (one thread, calls alternate, " + RESOLVES
                        + " pairs after " + RESOLVES + " to warm up; medians and p99 in us)");
        ReportLog.line(
                "%-11s %-30s %9s %9s %9s %9s %7s%n",
                "attributes", "operation", "p50", "p99", "floor p50", "floor p99", "ratio");
        RedisClient client = RedisClient.create(RedisURI.create(redis.host(), redis.port()));
        try (StatefulRedisConnection<byte[], byte[]> connection = client.connect(ByteArrayCodec.INSTANCE)) {
            byte[] scratch = "bench:scratch".getBytes(StandardCharsets.UTF_8);
            byte[] field = "counter".getBytes(StandardCharsets.UTF_8);
            for (int attributes : ATTRIBUTE_COUNTS) {
                NewSession created = manager.create(RedisStoreBenchmark.CLIENT);
                withAttributes(manager, created, attributes);
                String id = created.id().value();
                byte[] key = (store.keyPrefix() + "s:{"
                                + created.session().handle().value() + "}")
                        .getBytes(StandardCharsets.UTF_8);
                long[] counter = {0};
                double[][] read = alternate(
                        () -> manager.resolve(id).session().orElseThrow(),
                        () -> connection.sync().hgetall(key));
                print(attributes, "resolve", read);
                // A logged-in session: the resolve also reads the user's version, in the same round trip.
                NewSession user = manager.login(null, "ab-user-" + attributes, RedisStoreBenchmark.CLIENT);
                withAttributes(manager, user, attributes);
                String userId = user.id().value();
                byte[] userKey = (store.keyPrefix() + "s:{"
                                + user.session().handle().value() + "}")
                        .getBytes(StandardCharsets.UTF_8);
                print(
                        attributes,
                        "resolve (logged in)",
                        alternate(
                                () -> manager.resolve(userId).session().orElseThrow(),
                                () -> connection.sync().hgetall(userKey)));
                double[][] write = alternate(
                        () -> manager.save(
                                        manager.resolve(id).session().orElseThrow(),
                                        SessionUpdate.builder()
                                                .put("counter", Long.toString(counter[0]++))
                                                .build())
                                .orElseThrow(),
                        () -> {
                            connection.sync().hgetall(key);
                            connection
                                    .sync()
                                    .hset(
                                            scratch,
                                            field,
                                            Long.toString(counter[0]++).getBytes(StandardCharsets.UTF_8));
                        });
                print(attributes, "resolve + write (floor: 2 RTs)", write);
            }
        } finally {
            client.shutdown();
        }
    }

    private static void print(int attributes, String operation, double[][] result) {
        ReportLog.line(
                "%-11d %-30s %9.1f %9.1f %9.1f %9.1f %6.2fx%n",
                attributes,
                operation,
                result[0][0],
                result[0][1],
                result[1][0],
                result[1][1],
                result[0][0] / result[1][0]);
    }

    /**
     * The HTTP request of {@link HttpBenchmark} (same servers, same client, same sessions), its five
     * variants taken in turn, request by request, in a rotating order; then the near cache's hit
     * ratio and store reads per request over the run.
     */
    private static void httpInterleaved() throws Exception {
        HttpBenchmark bench = new HttpBenchmark();
        bench.setUp();
        try {
            NearCacheStats before = bench.nearCacheStats();
            int rounds = 5_000;
            long[] p50 = rotate(
                    "HTTP interleaved A/B (HttpBenchmark's servers and client; the five requests in rotating "
                            + "order, " + rounds + " rounds after 2000 to warm up; us)",
                    rounds,
                    List.of(
                            "baseline (no filter)",
                            "memoryStore",
                            "redisStore",
                            "baselinePlusRedisRoundTrip",
                            "nearCachedRedisStore"),
                    List.of(
                            bench::baseline,
                            bench::memoryStore,
                            bench::redisStore,
                            bench::baselinePlusRedisRoundTrip,
                            bench::nearCachedRedisStore));
            ReportLog.line("redisStore / baselinePlusRedisRoundTrip: %.2fx (goal 1.3x)%n", (double) p50[2] / p50[3]);
            ReportLog.line("nearCachedRedisStore / baseline: %.2fx (goal 1.3x)%n", (double) p50[4] / p50[0]);
            NearCacheStats after = bench.nearCacheStats();
            long hits = after.hits() - before.hits();
            long misses = after.misses() - before.misses();
            ReportLog.line(
                    "near cache over %d requests: hit ratio %.3f, store reads per request %.3f "
                            + "(goal < 0.1), resets %d%n",
                    hits + misses,
                    (double) hits / Math.max(1, hits + misses),
                    (double) misses / Math.max(1, hits + misses),
                    after.resets() - before.resets());
            // The same without Redis requests in the rotation: their Lettuce and Jetty wake-ups on two
            // shared cores otherwise land on whichever request follows them.
            rounds = 20_000;
            long[] local = rotate(
                    "HTTP interleaved A/B without Redis round trips in the rotation (" + rounds
                            + " rounds after 2000 to warm up; us)",
                    rounds,
                    List.of("baseline (no filter)", "memoryStore", "nearCachedRedisStore"),
                    List.of(bench::baseline, bench::memoryStore, bench::nearCachedRedisStore));
            ReportLog.line("nearCachedRedisStore / baseline: %.2fx (goal 1.3x)%n", (double) local[2] / local[0]);
        } finally {
            bench.tearDown();
        }
    }

    /**
     * Calls each request once per round, in an order that rotates every round, and prints p50, p99
     * and the ratio of each p50 to the first request's.
     *
     * @return the p50 of each request in nanoseconds
     */
    private static long[] rotate(String title, int rounds, List<String> names, List<Callable<?>> calls)
            throws Exception {
        long[][] nanos = new long[calls.size()][rounds];
        for (int round = -2_000; round < rounds; round++) {
            for (int k = 0; k < calls.size(); k++) {
                int which = (k + Math.floorMod(round, calls.size())) % calls.size();
                long start = System.nanoTime();
                calls.get(which).call();
                if (round >= 0) {
                    nanos[which][round] = System.nanoTime() - start;
                }
            }
        }
        ReportLog.line("");
        ReportLog.line("%s", title);
        ReportLog.line("%-28s %9s %9s %18s%n", "request", "p50", "p99", "ratio to no filter");
        long[] p50 = new long[calls.size()];
        for (int k = 0; k < calls.size(); k++) {
            Arrays.sort(nanos[k]);
            p50[k] = nanos[k][rounds / 2];
            ReportLog.line(
                    "%-28s %9.1f %9.1f %17.2fx%n",
                    names.get(k), p50[k] / 1e3, nanos[k][(int) (rounds * 0.99)] / 1e3, (double) p50[k] / p50[0]);
        }
        return p50;
    }

    /** @return for a and b: {p50, p99} in microseconds, measured alternately */
    private static double[][] alternate(Runnable a, Runnable b) {
        for (int i = 0; i < RESOLVES; i++) {
            a.run();
            b.run();
        }
        long[] aNanos = new long[RESOLVES];
        long[] bNanos = new long[RESOLVES];
        for (int i = 0; i < RESOLVES; i++) {
            boolean aFirst = (i & 1) == 0;
            long t0 = System.nanoTime();
            (aFirst ? a : b).run();
            long t1 = System.nanoTime();
            (aFirst ? b : a).run();
            long t2 = System.nanoTime();
            aNanos[i] = aFirst ? t1 - t0 : t2 - t1;
            bNanos[i] = aFirst ? t2 - t1 : t1 - t0;
        }
        Arrays.sort(aNanos);
        Arrays.sort(bNanos);
        return new double[][] {
            {aNanos[RESOLVES / 2] / 1e3, aNanos[(int) (RESOLVES * 0.99)] / 1e3},
            {bNanos[RESOLVES / 2] / 1e3, bNanos[(int) (RESOLVES * 0.99)] / 1e3}
        };
    }

    // ------------------------------------------------------------------ Redis bytes per session

    private static void redisPerSession(RedisProcess redis, RedisSessionStore store, SessionManager manager) {
        ReportLog.line("");
        ReportLog.line(
                "%s",
                "Redis bytes per logged-in session (redis-server " + info(redis, "server", "redis_version")
                        + ", MEMORY USAGE ... SAMPLES 0; the user index is a sorted set with this one session)");
        ReportLog.line(
                "%-11s %13s %11s %9s %34s%n",
                "attributes", "session hash", "user index", "total", "used_memory delta / session (10^4)");
        for (int attributes : ATTRIBUTE_COUNTS) {
            Session one = withAttributes(
                    manager, manager.login(null, "memory-user-" + attributes, RedisStoreBenchmark.CLIENT), attributes);
            long hash =
                    memoryUsage(redis, store.keyPrefix() + "s:{" + one.handle().value() + "}");
            long index = memoryUsage(redis, userIndexKey(store.keyPrefix(), "memory-user-" + attributes));
            String encoding = String.valueOf(redis.call(
                    "OBJECT",
                    "ENCODING",
                    store.keyPrefix() + "s:{" + one.handle().value() + "}"));
            long before = usedMemory(redis);
            for (int i = 0; i < REDIS_SESSIONS; i++) {
                withAttributes(
                        manager,
                        manager.login(null, "bulk-" + attributes + "-" + i, RedisStoreBenchmark.CLIENT),
                        attributes);
            }
            long perSession = (usedMemory(redis) - before) / REDIS_SESSIONS;
            ReportLog.line(
                    "%-11d %13d %11d %9d %34d   (hash encoding: %s)%n",
                    attributes, hash, index, hash + index, perSession, encoding);
            redis.call("FLUSHDB");
        }
    }

    private static long memoryUsage(RedisProcess redis, String key) {
        Object reply = redis.call("MEMORY", "USAGE", key, "SAMPLES", "0");
        if (!(reply instanceof Long)) {
            throw new IllegalStateException("MEMORY USAGE " + key + " answered " + reply);
        }
        return (Long) reply;
    }

    static long usedMemory(RedisProcess redis) {
        return Long.parseLong(info(redis, "memory", "used_memory"));
    }

    private static String info(RedisProcess redis, String section, String field) {
        Object reply = redis.call("INFO", section);
        String text =
                reply instanceof byte[] ? new String((byte[]) reply, StandardCharsets.UTF_8) : String.valueOf(reply);
        for (String line : text.split("\r\n")) {
            if (line.startsWith(field + ":")) {
                return line.substring(field.length() + 1).trim();
            }
        }
        throw new IllegalStateException("no " + field + " in INFO " + section);
    }

    // ------------------------------------------------------------------ heap per session

    private static void heapPerSession() {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        ReportLog.line("");
        ReportLog.line(
                "%s",
                "Retained heap per logged-in session in InMemorySessionStore (" + HEAP_SESSIONS
                        + " sessions, heap used after full GC, before and after; JDK "
                        + System.getProperty("java.version") + ")");
        ReportLog.line("%-11s %16s%n", "attributes", "bytes / session");
        for (int attributes : ATTRIBUTE_COUNTS) {
            InMemorySessionStore store = InMemorySessionStore.create();
            SessionManager manager =
                    SessionManager.builder(store).logEvents(false).build();
            withAttributes(manager, manager.login(null, "warm-up", RedisStoreBenchmark.CLIENT), attributes);
            long before = heapAfterGc(memory);
            for (int i = 0; i < HEAP_SESSIONS; i++) {
                withAttributes(manager, manager.login(null, "user-" + i, RedisStoreBenchmark.CLIENT), attributes);
            }
            long after = heapAfterGc(memory);
            ReportLog.line("%-11d %16d%n", attributes, (after - before) / HEAP_SESSIONS);
            if (store.toString().isEmpty()) {
                throw new IllegalStateException("keeps the store reachable until here");
            }
        }
    }

    private static long heapAfterGc(MemoryMXBean memory) {
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            System.gc();
            used = Math.min(used, memory.getHeapMemoryUsage().getUsed());
        }
        return used;
    }

    // ------------------------------------------------------------------ scaling

    private static void scaling(RedisProcess redis, RedisSessionStore store, SessionManager manager, long max)
            throws Exception {
        ReportLog.line("");
        ReportLog.line(
                "%s",
                "Scaling: resolve latency (one thread, " + RESOLVES + " resolves of " + SAMPLE
                        + " sessions made through the API) and Redis memory, by live sessions (the rest are copies of a 3-attribute "
                        + "session written with DUMP/RESTORE)");
        ReportLog.line(
                "%-14s %10s %10s %10s %10s %14s %16s%n",
                "live sessions", "mean us", "p50 us", "p99 us", "bare us", "used_memory MB", "bytes / session");
        redis.call("FLUSHDB");
        long baseMemory = usedMemory(redis);
        List<String> sample = new ArrayList<>();
        List<byte[]> sampleKeys = new ArrayList<>();
        for (int i = 0; i < SAMPLE; i++) {
            NewSession created = manager.create(RedisStoreBenchmark.CLIENT);
            withAttributes(manager, created, 3);
            sample.add(created.id().value());
            sampleKeys.add(
                    (store.keyPrefix() + "s:{" + created.session().handle().value() + "}")
                            .getBytes(StandardCharsets.UTF_8));
        }
        RedisClient client = RedisClient.create(RedisURI.create(redis.host(), redis.port()));
        try (StatefulRedisConnection<byte[], byte[]> connection = client.connect(ByteArrayCodec.INSTANCE)) {
            byte[] template = connection.sync().dump(sampleKeys.get(0));
            long live = SAMPLE;
            SecureRandom random = new SecureRandom();
            for (long target = 1_000; target <= max; target *= 10) {
                fill(connection, store.keyPrefix(), template, target - live, random);
                live = target;
                long dbsize = connection.sync().dbsize();
                double[] resolve = measure(() -> {
                    int i = java.util.concurrent.ThreadLocalRandom.current().nextInt(SAMPLE);
                    if (!manager.resolve(sample.get(i)).isFound()) {
                        throw new IllegalStateException("a sample session was not found");
                    }
                });
                double[] bare = measure(() -> connection
                        .sync()
                        .hgetall(sampleKeys.get(
                                java.util.concurrent.ThreadLocalRandom.current().nextInt(SAMPLE))));
                long used = usedMemory(redis);
                ReportLog.line(
                        "%-14d %10.1f %10.1f %10.1f %10.1f %14.1f %16d%n",
                        dbsize, resolve[0], resolve[1], resolve[2], bare[0], used / 1e6, (used - baseMemory) / dbsize);
            }
        } finally {
            client.shutdown();
        }
    }

    private static void fill(
            StatefulRedisConnection<byte[], byte[]> connection,
            String prefix,
            byte[] template,
            long count,
            SecureRandom random) {
        RedisAsyncCommands<byte[], byte[]> async = connection.async();
        RestoreArgs ttl = RestoreArgs.Builder.ttl(Duration.ofHours(2));
        byte[] handle = new byte[32];
        connection.setAutoFlushCommands(false);
        try {
            long done = 0;
            while (done < count) {
                int batch = (int) Math.min(2_000, count - done);
                List<RedisFuture<?>> futures = new ArrayList<>(batch);
                for (int i = 0; i < batch; i++) {
                    random.nextBytes(handle);
                    String key = prefix + "s:{"
                            + Base64.getUrlEncoder().withoutPadding().encodeToString(handle) + "}";
                    futures.add(async.restore(key.getBytes(StandardCharsets.UTF_8), template, ttl));
                }
                connection.flushCommands();
                if (!LettuceFutures.awaitAll(Duration.ofSeconds(30), futures.toArray(new RedisFuture[0]))) {
                    throw new IllegalStateException("filling Redis timed out");
                }
                done += batch;
            }
        } finally {
            connection.setAutoFlushCommands(true);
        }
    }

    /** @return mean, p50 and p99 in microseconds of {@link #RESOLVES} calls, after as many to warm up */
    private static double[] measure(Runnable call) {
        for (int i = 0; i < RESOLVES / 4; i++) {
            call.run();
        }
        long[] nanos = new long[RESOLVES];
        long total = 0;
        for (int i = 0; i < RESOLVES; i++) {
            long start = System.nanoTime();
            call.run();
            nanos[i] = System.nanoTime() - start;
            total += nanos[i];
        }
        Arrays.sort(nanos);
        return new double[] {total / 1e3 / RESOLVES, nanos[RESOLVES / 2] / 1e3, nanos[(int) (RESOLVES * 0.99)] / 1e3};
    }

    /** The Redis store's user-index key: {@code <prefix>u:{<sha1hex(user)>}<user>} (see its Script javadoc). */
    private static String userIndexKey(String prefix, String userId) {
        try {
            byte[] digest = java.security.MessageDigest.getInstance("SHA-1")
                    .digest(userId.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return prefix + "u:{" + java.util.HexFormat.of().formatHex(digest) + "}" + userId;
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
