package dev.lanyard.benchmarks;

import dev.lanyard.session.NewSession;
import dev.lanyard.session.SessionHandle;
import dev.lanyard.session.SessionManager;
import dev.lanyard.session.SessionUpdate;
import dev.lanyard.session.memcached.MemcachedOptions;
import dev.lanyard.session.memcached.MemcachedSessionStore;
import dev.lanyard.session.memcached.testing.MemcachedProcess;
import dev.lanyard.session.spi.SessionDelta;
import dev.lanyard.session.spi.UpdateResult;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
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
 * A delta write on the Memcached store ({@code gets}, the change applied in Java, {@code cas})
 * against its floor: a bare XMemcached {@code gets} then {@code cas} of the same item writing back
 * the bytes it read, through a client with the store's settings ({@code MemcachedStoreBenchmark.floorClient}). Goal (reported, not asserted): the delta write within 1.2x of the floor.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class MemcachedWriteBenchmark {

    /** How many small attributes the session holds. */
    @Param({"3", "20"})
    public int attributes;

    MemcachedProcess memcached;
    MemcachedSessionStore store;
    MemcachedClient bare;
    String itemKey;
    SessionHandle handle;
    private long counter;

    /** Starts memcached, the store and one session. */
    @Setup(Level.Trial)
    public void setUp() throws IOException {
        memcached = MemcachedProcess.start();
        MemcachedOptions options = MemcachedOptions.builder()
                .server(memcached.address())
                .timeout(RedisStoreBenchmark.BENCH_TIMEOUT)
                .build();
        store = MemcachedSessionStore.open(options);
        SessionManager manager = SessionManager.builder(store).logEvents(false).build();
        NewSession created = manager.create(RedisStoreBenchmark.CLIENT);
        SessionUpdate.Builder update = SessionUpdate.builder();
        for (int i = 0; i < attributes; i++) {
            update.put("attribute" + i, "value-" + i);
        }
        manager.save(created.session(), update.build()).orElseThrow();
        handle = created.session().handle();
        itemKey = store.itemKey(handle);
        bare = MemcachedStoreBenchmark.floorClient(memcached, options);
    }

    /** Closes the clients and kills memcached. */
    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        try {
            if (bare != null) {
                bare.shutdown();
            }
            if (store != null) {
                store.close();
            }
        } finally {
            if (memcached != null) {
                memcached.close();
            }
        }
    }

    /** @return whether a bare {@code gets} then {@code cas} of the session item succeeded: the floor */
    @Benchmark
    public boolean baseline() {
        try {
            GetsResponse<byte[]> found = bare.gets(itemKey, RedisStoreBenchmark.BENCH_TIMEOUT.toMillis());
            return bare.cas(
                    itemKey, 1800, found.getValue(), RedisStoreBenchmark.BENCH_TIMEOUT.toMillis(), found.getCas());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** @return the store's delta write of one attribute, with a touch */
    @Benchmark
    public UpdateResult deltaWrite() {
        SessionDelta delta = new SessionDelta(
                Map.of("counter", Long.toString(counter++).getBytes(StandardCharsets.UTF_8)),
                Set.of(),
                Instant.now(),
                null,
                "bench",
                Duration.ofMinutes(30),
                Long.MAX_VALUE);
        return store.update(handle, delta);
    }
}
