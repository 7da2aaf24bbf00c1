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
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import net.rubyeye.xmemcached.GetsResponse;
import net.rubyeye.xmemcached.MemcachedClient;
import net.rubyeye.xmemcached.XMemcachedClientBuilder;
import net.rubyeye.xmemcached.command.BinaryCommandFactory;
import net.rubyeye.xmemcached.impl.KetamaMemcachedSessionLocator;
import net.rubyeye.xmemcached.transcoders.CachedData;
import net.rubyeye.xmemcached.transcoders.CompressionMode;
import net.rubyeye.xmemcached.transcoders.Transcoder;
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
 * to the floor: a bare XMemcached {@code gets} of the same item, sent through a client with the store's
 * settings and transcoder (see {@code floorClient}). Goal (reported, not asserted): resolve within 1.2x of the
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
        MemcachedOptions options = MemcachedOptions.builder()
                .server(memcached.address())
                .timeout(RedisStoreBenchmark.BENCH_TIMEOUT)
                .build();
        store = MemcachedSessionStore.open(options);
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
        bare = floorClient(memcached, options);
        if (baseline() == null) {
            throw new IllegalStateException("the session item is not where the baseline reads it");
        }
    }

    /**
     * Opens the floor's XMemcached client to the same server with the settings the store gives its own
     * (binary protocol, ketama, failure mode, connect and operation timeouts, heal interval) and a
     * transcoder that passes the item's bytes through as the store's does (flags 0, no compression),
     * so that the floor's operations differ from the store's only by what the store does around them.
     * A second client rather than the store's own: the store keeps its client to itself, and in a tight
     * loop the two cost the same CPU per operation (measured when the benchmark was made fair).
     *
     * @param memcached the server the store uses
     * @param options the options the store was opened with
     * @return a new client; the caller shuts it down
     * @throws IOException if it cannot connect
     */
    static MemcachedClient floorClient(MemcachedProcess memcached, MemcachedOptions options) throws IOException {
        XMemcachedClientBuilder builder =
                new XMemcachedClientBuilder(List.of(new InetSocketAddress("127.0.0.1", memcached.port())));
        builder.setResolveInetAddresses(false);
        builder.setSessionLocator(new KetamaMemcachedSessionLocator());
        builder.setCommandFactory(new BinaryCommandFactory());
        builder.setFailureMode(true);
        builder.setConnectTimeout(options.connectTimeout().toMillis());
        builder.setOpTimeout(options.timeout().toMillis());
        builder.setTranscoder(Bytes.INSTANCE);
        builder.setHealSessionInterval(
                Math.max(200, Math.min(2000, options.connectTimeout().toMillis())));
        return builder.build();
    }

    /** Item bytes as they are: what the store writes and reads (flags 0, no compression). */
    static final class Bytes implements Transcoder<byte[]> {
        static final Bytes INSTANCE = new Bytes();

        @Override
        public CachedData encode(byte[] value) {
            return new CachedData(0, value);
        }

        @Override
        public byte[] decode(CachedData data) {
            return data.getData();
        }

        @Override
        public void setPrimitiveAsString(boolean primitiveAsString) {}

        @Override
        public void setPackZeros(boolean packZeros) {}

        @Override
        public void setCompressionThreshold(int threshold) {}

        @Override
        public boolean isPrimitiveAsString() {
            return false;
        }

        @Override
        public boolean isPackZeros() {
            return false;
        }

        @Override
        public void setCompressionMode(CompressionMode compressionMode) {}
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
