package dev.lanyard.benchmarks;

import dev.lanyard.session.ClientInfo;
import dev.lanyard.session.NewSession;
import dev.lanyard.session.Resolution;
import dev.lanyard.session.SessionManager;
import dev.lanyard.session.SessionUpdate;
import dev.lanyard.session.memory.InMemorySessionStore;
import dev.lanyard.session.metrics.SessionObservations;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What tracing costs a resolve on the in-memory store. {@code baseline}: no observer (the
 * default); {@code noopRegistry}: an observer on a registry with no handler (Micrometer hands out
 * its no-op observation); {@code emptyHandler}: an observer on a registry with one handler that
 * does nothing, so every observation is really created, started, scoped and stopped (the floor of
 * any tracer). Each has its own manager and store holding the same kind of session.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class ObservationBenchmark {

    private SessionManager plain;
    private String plainId;
    private SessionManager noop;
    private String noopId;
    private SessionManager handled;
    private String handledId;

    /** Creates one manager per configuration, each with a session of three small attributes. */
    @Setup
    public void setUp() {
        plain = SessionManager.builder(InMemorySessionStore.create())
                .logEvents(false)
                .build();
        plainId = session(plain);
        noop = SessionManager.builder(InMemorySessionStore.create())
                .logEvents(false)
                .observer(SessionObservations.create(ObservationRegistry.create()))
                .build();
        noopId = session(noop);
        ObservationRegistry registry = ObservationRegistry.create();
        registry.observationConfig().observationHandler(new EmptyHandler());
        handled = SessionManager.builder(InMemorySessionStore.create())
                .logEvents(false)
                .observer(SessionObservations.create(registry))
                .build();
        handledId = session(handled);
    }

    private static String session(SessionManager manager) {
        NewSession created = manager.create(ClientInfo.of("Firefox/128", "192.0.2.1"));
        manager.save(
                created.session(),
                SessionUpdate.builder()
                        .put("a", "1")
                        .put("b", "2")
                        .put("c", "3")
                        .build());
        return created.id().value();
    }

    /** @return resolve with no observer: the floor */
    @Benchmark
    public Resolution baseline() {
        return plain.resolve(plainId);
    }

    /** @return resolve with an observer whose registry has no handler */
    @Benchmark
    public Resolution noopRegistry() {
        return noop.resolve(noopId);
    }

    /** @return resolve with an observer whose registry has one empty handler */
    @Benchmark
    public Resolution emptyHandler() {
        return handled.resolve(handledId);
    }

    /** A handler that accepts every context and does nothing. */
    static final class EmptyHandler implements ObservationHandler<Observation.Context> {
        @Override
        public boolean supportsContext(Observation.Context context) {
            return true;
        }
    }
}
