package dev.lanyard.benchmarks;

import dev.lanyard.session.NewSession;
import dev.lanyard.session.Resolution;
import dev.lanyard.session.SessionHandle;
import dev.lanyard.session.SessionManager;
import dev.lanyard.session.SessionUpdate;
import dev.lanyard.session.memcached.MemcachedOptions;
import dev.lanyard.session.memcached.MemcachedSessionStore;
import dev.lanyard.session.memcached.testing.MemcachedProcess;
import dev.lanyard.session.spi.SessionRecord;
import java.io.IOException;
import java.lang.reflect.Field;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import net.rubyeye.xmemcached.GetsResponse;
import net.rubyeye.xmemcached.MemcachedClient;
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
 * Reads on the Memcached store against a private {@code memcached} this benchmark starts: the
 * resolve of a presented ID through the {@link SessionManager}, and the store's bare load, next
 * to the floor: a bare XMemcached {@code gets} of the same item, sent through the store's own
 * client (see {@code clientOf}), so the floor and the store share one connection, one
 * configuration and one transcoder. Goal (reported, not asserted): resolve within 1.2x of the
 * floor. The write side is {@link MemcachedWriteBenchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class MemcachedStoreBenchmark {

    /** How many small attributes the session holds. */
    @Param({"3", "20"})
    public int attributes;

    MemcachedProcess memcached;
    MemcachedSessionStore store;
    SessionManager manager;
    MemcachedClient bare;
    String itemKey;
    SessionHandle handle;
    private String presentedId;

    /** Starts memcached, the store, the manager, one session and the bare client. */
    @Setup(Level.Trial)
    public void setUp() throws IOException {
        memcached = MemcachedProcess.start();
        store = MemcachedSessionStore.open(MemcachedOptions.builder()
                .server(memcached.address())
                .timeout(RedisStoreBenchmark.BENCH_TIMEOUT)
                .build());
        manager = SessionManager.builder(store).logEvents(false).build();
        NewSession created = manager.create(RedisStoreBenchmark.CLIENT);
        SessionUpdate.Builder update = SessionUpdate.builder();
        for (int i = 0; i < attributes; i++) {
            update.put("attribute" + i, "value-" + i);
        }
        manager.save(created.session(), update.build()).orElseThrow();
        presentedId = created.id().value();
        handle = created.session().handle();
        itemKey = store.itemKey(handle);
        bare = clientOf(store);
        if (baseline() == null) {
            throw new IllegalStateException("the session item is not where the baseline reads it");
        }
    }

    /**
     * Returns the store's own XMemcached client: the floor's operations go through it, so they use
     * the store's connection, configuration (binary protocol, ketama, failure mode, timeouts) and
     * transcoder (raw bytes, flags 0), and differ from the store's only by what the store does
     * around them. The store keeps the client private; a benchmark reads it by reflection.
     *
     * @param store an open store
     * @return its client; the store closes it
     */
    static MemcachedClient clientOf(MemcachedSessionStore store) {
        try {
            Field client = MemcachedSessionStore.class.getDeclaredField("client");
            client.setAccessible(true);
            return (MemcachedClient) client.get(store);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(
                    "MemcachedSessionStore no longer keeps its client in a field named 'client';"
                            + " update the benchmark's floor",
                    e);
        }
    }

    /** Closes the store (and so its client) and kills memcached. */
    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        try {
            if (store != null) {
                store.close();
            }
        } finally {
            if (memcached != null) {
                memcached.close();
            }
        }
    }

    /** @return the session item read with a bare {@code gets}: the floor */
    @Benchmark
    public GetsResponse<byte[]> baseline() {
        try {
            return bare.gets(itemKey, RedisStoreBenchmark.BENCH_TIMEOUT.toMillis());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** @return the store's load: one {@code gets}, the item decoded, its deadline checked */
    @Benchmark
    public Optional<SessionRecord> load() {
        return store.load(handle);
    }

    /** @return the resolve of a presented ID: parse, hash, load, attribute decoding, expiry and version checks */
    @Benchmark
    public Resolution resolve() {
        return manager.resolve(presentedId);
    }
}
