package dev.lanyard.benchmarks;

import dev.lanyard.session.ClientInfo;
import dev.lanyard.session.NewSession;
import dev.lanyard.session.Resolution;
import dev.lanyard.session.Session;
import dev.lanyard.session.SessionManager;
import dev.lanyard.session.SessionUpdate;
import dev.lanyard.session.memory.InMemorySessionStore;
import dev.lanyard.session.spi.SessionRecord;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Policy evaluation on the in-memory store: what a request pays to resolve its session (parse,
 * hash, load with copy, decode, expiry checks), next to the floor of reading the same record
 * from the store without the manager.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class MemoryStoreBenchmark {

    /** How many small attributes the session holds. */
    @Param({"0", "3", "20"})
    public int attributes;

    private InMemorySessionStore store;
    private SessionManager manager;
    private String presentedId;
    private Session session;

    /** Creates a session with {@link #attributes} small attributes. */
    @Setup
    public void setUp() {
        store = InMemorySessionStore.create();
        manager = SessionManager.builder(store).logEvents(false).build();
        NewSession created = manager.create(ClientInfo.of("Firefox/128", "192.0.2.1"));
        SessionUpdate.Builder update = SessionUpdate.builder();
        for (int i = 0; i < attributes; i++) {
            update.put("attribute" + i, "value-" + i);
        }
        session = manager.save(created.session(), update.build()).orElseThrow();
        presentedId = created.id().value();
    }

    /** @return the record read straight from the store: the floor */
    @Benchmark
    public Optional<SessionRecord> baseline() {
        return store.load(session.handle());
    }

    /** @return the full resolve of a presented cookie value */
    @Benchmark
    public Resolution resolve() {
        return manager.resolve(presentedId);
    }

    /** @return the decision whether a request must write its last access */
    @Benchmark
    public boolean touchDue() {
        return manager.touchDue(session);
    }
}
