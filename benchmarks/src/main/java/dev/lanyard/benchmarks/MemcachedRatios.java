package dev.lanyard.benchmarks;

import dev.lanyard.session.NewSession;
import dev.lanyard.session.SessionManager;
import dev.lanyard.session.SessionUpdate;
import dev.lanyard.session.memcached.MemcachedOptions;
import dev.lanyard.session.memcached.MemcachedSessionStore;
import dev.lanyard.session.memcached.MemcachedStoreStats;
import dev.lanyard.session.memcached.testing.MemcachedProcess;
import dev.lanyard.session.spi.SessionDelta;
import dev.lanyard.session.spi.UpdateResult;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import net.rubyeye.xmemcached.GetsResponse;
import net.rubyeye.xmemcached.MemcachedClient;

/**
 * The Memcached figures as paired, interleaved ratios: each round times a batch of the floor
 * (bare XMemcached) and then a batch of the store's operation on the same item, back to back, and
 * the report gives the median of the per-round ratios. On a machine shared with other work, load
 * changes between JMH's separate trials swamp differences of a few percent; interleaving exposes both
 * sides of each ratio to the same load. Also the share of CAS retries under 32 concurrent writers.
 *
 * <p>The floor is fair to the store: it reads and writes the store's own item (the same bytes), with
 * the same command the store sends ({@code gets}, and {@code cas} for writes), through a client with the
 * store's settings and transcoder ({@code MemcachedStoreBenchmark.floorClient}).
 * Each pairing first runs 500 unmeasured rounds, so that both sides are compiled
 * before any round counts. The report gives the system load average before and after.
 *
 * <p>Run: {@code java -cp benchmarks/target/benchmarks.jar dev.lanyard.benchmarks.MemcachedRatios [rounds]}.
 * Bounded: 500 plus {@code rounds} (default 400) rounds of 20 operations per side per
 * pairing, and one burst of 32 × 25 writes.
 */
public final class MemcachedRatios {

    private static final int BATCH = 20;
    /** Unmeasured rounds before each pairing: 10,000 operations per side, past the JIT's last tier. */
    private static final int WARMUP_ROUNDS = 500;
    /** The calling thread's CPU time: what an operation costs this JVM, whatever the load makes it wait. */
    private static final java.lang.management.ThreadMXBean CPU =
            java.lang.management.ManagementFactory.getThreadMXBean();

    private static final long TIMEOUT_MS = RedisStoreBenchmark.BENCH_TIMEOUT.toMillis();

    private MemcachedRatios() {}

    /** A batch of operations, timed as a whole. */
    @FunctionalInterface
    interface Batch {
        void run() throws Exception;
    }

    /**
     * Runs the rounds and logs the report.
     *
     * @param args optionally the number of rounds
     * @throws Exception if memcached cannot be started or an operation fails
     */
    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 400;
        List<String> lines = new ArrayList<>();
        java.lang.management.OperatingSystemMXBean os =
                java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        lines.add(String.format(
                "load average %.1f at the start on %d processors",
                os.getSystemLoadAverage(), os.getAvailableProcessors()));
        lines.add(String.format(
                "%-46s %10s %10s %8s %12s %12s %9s",
                "ratio (store / floor), paired rounds",
                "floor us",
                "store us",
                "ratio",
                "floor cpu us",
                "store cpu us",
                "cpu ratio"));
        try (MemcachedProcess memcached = MemcachedProcess.start()) {
            for (int attributes : new int[] {3, 20}) {
                MemcachedOptions options = MemcachedOptions.builder()
                        .server(memcached.address())
                        .keyPrefix("ratios-" + attributes + ":")
                        .timeout(RedisStoreBenchmark.BENCH_TIMEOUT)
                        .build();
                MemcachedClient bare = MemcachedStoreBenchmark.floorClient(memcached, options);
                try (MemcachedSessionStore store = MemcachedSessionStore.open(options)) {
                    SessionManager manager =
                            SessionManager.builder(store).logEvents(false).build();
                    NewSession created = manager.create(RedisStoreBenchmark.CLIENT);
                    SessionUpdate.Builder update = SessionUpdate.builder();
                    for (int i = 0; i < attributes; i++) {
                        update.put("attribute" + i, "value-" + i);
                    }
                    manager.save(created.session(), update.build()).orElseThrow();
                    String id = created.id().value();
                    String key = store.itemKey(created.session().handle());
                    GetsResponse<byte[]> item = bare.gets(key, TIMEOUT_MS);
                    lines.add(String.format(
                            "item of %d attributes: %d bytes, read by the floor and the store alike",
                            attributes, item.getValue().length));
                    Batch gets = () -> {
                        for (int i = 0; i < BATCH; i++) {
                            bare.gets(key, TIMEOUT_MS);
                        }
                    };
                    Batch resolve = () -> {
                        for (int i = 0; i < BATCH; i++) {
                            manager.resolve(id).session().orElseThrow();
                        }
                    };
                    Batch load = () -> {
                        for (int i = 0; i < BATCH; i++) {
                            store.load(created.session().handle()).orElseThrow();
                        }
                    };
                    Batch getsCas = () -> {
                        for (int i = 0; i < BATCH; i++) {
                            GetsResponse<byte[]> found = bare.gets(key, TIMEOUT_MS);
                            if (!bare.cas(key, 1800, found.getValue(), TIMEOUT_MS, found.getCas())) {
                                throw new IllegalStateException("the floor's cas was not applied");
                            }
                        }
                    };
                    long[] counter = {0};
                    Batch delta = () -> {
                        for (int i = 0; i < BATCH; i++) {
                            SessionDelta d = new SessionDelta(
                                    Map.of(
                                            "counter",
                                            Long.toString(counter[0]++).getBytes(StandardCharsets.UTF_8)),
                                    Set.of(),
                                    Instant.now(),
                                    null,
                                    "bench",
                                    Duration.ofMinutes(30),
                                    Long.MAX_VALUE);
                            if (store.update(created.session().handle(), d).status() != UpdateResult.Status.APPLIED) {
                                throw new IllegalStateException("the delta was not applied");
                            }
                        }
                    };
                    lines.add(paired("store load vs bare gets [attributes=" + attributes + "]", gets, load, rounds));
                    lines.add(paired("resolve vs bare gets [attributes=" + attributes + "]", gets, resolve, rounds));
                    lines.add(paired(
                            "delta write vs bare gets+cas [attributes=" + attributes + "]", getsCas, delta, rounds));
                } finally {
                    bare.shutdown();
                }
            }
            lines.add(casShare(memcached));
        }
        lines.add(String.format("load average %.1f at the end", os.getSystemLoadAverage()));
        ReportLog.block(String.join("\n", lines));
    }

    private static String paired(String name, Batch floor, Batch subject, int rounds) throws Exception {
        for (int i = 0; i < WARMUP_ROUNDS; i++) {
            floor.run();
            subject.run();
        }
        double[] ratios = new double[rounds];
        double[] floors = new double[rounds];
        double[] subjects = new double[rounds];
        double[] floorCpu = new double[rounds];
        double[] subjectCpu = new double[rounds];
        double[] cpuRatios = new double[rounds];
        for (int r = 0; r < rounds; r++) {
            boolean floorFirst = r % 2 == 0;
            long cpu0 = CPU.getCurrentThreadCpuTime();
            long a = time(floorFirst ? floor : subject);
            long cpu1 = CPU.getCurrentThreadCpuTime();
            long b = time(floorFirst ? subject : floor);
            long cpu2 = CPU.getCurrentThreadCpuTime();
            floorCpu[r] = (floorFirst ? cpu1 - cpu0 : cpu2 - cpu1) / 1000.0 / BATCH;
            subjectCpu[r] = (floorFirst ? cpu2 - cpu1 : cpu1 - cpu0) / 1000.0 / BATCH;
            long floorNanos = floorFirst ? a : b;
            long subjectNanos = floorFirst ? b : a;
            floors[r] = floorNanos / 1000.0 / BATCH;
            subjects[r] = subjectNanos / 1000.0 / BATCH;
            ratios[r] = (double) subjectNanos / floorNanos;
            cpuRatios[r] = subjectCpu[r] / Math.max(floorCpu[r], 0.001);
        }
        return String.format(
                "%-46s %10.1f %10.1f %7.2fx %12.1f %12.1f %8.2fx",
                name,
                median(floors),
                median(subjects),
                median(ratios),
                median(floorCpu),
                median(subjectCpu),
                median(cpuRatios));
    }

    private static long time(Batch batch) throws Exception {
        long start = System.nanoTime();
        batch.run();
        return System.nanoTime() - start;
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    private static String casShare(MemcachedProcess memcached) throws Exception {
        int threads = 32;
        int writes = 25;
        try (MemcachedSessionStore store = MemcachedSessionStore.open(MemcachedOptions.builder()
                .server(memcached.address())
                .keyPrefix("cas-share:")
                .timeout(Duration.ofSeconds(20))
                .casRetries(10_000)
                .build())) {
            SessionManager manager =
                    SessionManager.builder(store).logEvents(false).build();
            NewSession created = manager.create(RedisStoreBenchmark.CLIENT);
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            try {
                CountDownLatch start = new CountDownLatch(1);
                List<Future<?>> writers = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    int thread = t;
                    writers.add(pool.submit(() -> {
                        start.await();
                        for (int i = 0; i < writes; i++) {
                            store.update(
                                    created.session().handle(),
                                    new SessionDelta(
                                            Map.of("t" + thread + "-" + i, new byte[] {1}),
                                            Set.of(),
                                            Instant.now(),
                                            null,
                                            null,
                                            Duration.ofMinutes(30),
                                            Long.MAX_VALUE));
                        }
                        return null;
                    }));
                }
                start.countDown();
                for (Future<?> writer : writers) {
                    writer.get(120, TimeUnit.SECONDS);
                }
            } finally {
                pool.shutdownNow();
            }
            MemcachedStoreStats stats = store.stats();
            return String.format(
                    "CAS under %d writers of one session: %d writes, %d retries, share of attempts retried %.2f,"
                            + " gave up %d",
                    threads, stats.casWrites(), stats.casRetries(), stats.casRetryShare(), stats.casGiveUps());
        }
    }
}
