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
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What tracing costs a resolve on the in-memory store: no observer (the default), an observer on
 * a registry with no handler (Micrometer hands out its no-op observation), and an observer on a
 * registry with one handler that does nothing (every observation is really created, started,
 * scoped and stopped: the floor of any tracer).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class ObservationBenchmark {

  /** {@code none}: no observer; {@code noop}: a registry without handlers; {@code handler}: one empty handler. */
  @Param({"none", "noop", "handler"})
  public String observer;

  private SessionManager manager;
  private String presentedId;

  /** Creates a session with three small attributes. */
  @Setup
  public void setUp() {
    SessionManager.Builder builder = SessionManager.builder(InMemorySessionStore.create()).withoutLogging();
    if (!observer.equals("none")) {
      ObservationRegistry registry = ObservationRegistry.create();
      if (observer.equals("handler")) {
        registry.observationConfig().observationHandler(new EmptyHandler());
      }
      builder.observer(SessionObservations.create(registry));
    }
    manager = builder.build();
    NewSession created = manager.create(ClientInfo.of("Firefox/128", "192.0.2.1"));
    manager.save(created.session(), SessionUpdate.builder().put("a", "1").put("b", "2").put("c", "3").build());
    presentedId = created.id().value();
  }

  /** @return the full resolve of a presented cookie value */
  @Benchmark
  public Resolution resolve() {
    return manager.resolve(presentedId);
  }

  /** A handler that accepts every context and does nothing. */
  static final class EmptyHandler implements ObservationHandler<Observation.Context> {
    @Override
    public boolean supportsContext(Observation.Context context) {
      return true;
    }
  }
}
