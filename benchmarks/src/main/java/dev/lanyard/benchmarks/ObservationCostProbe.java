package dev.lanyard.benchmarks;

import dev.lanyard.session.ClientInfo;
import dev.lanyard.session.NewSession;
import dev.lanyard.session.Resolution;
import dev.lanyard.session.SessionManager;
import dev.lanyard.session.SessionUpdate;
import dev.lanyard.session.memory.InMemorySessionStore;
import dev.lanyard.session.metrics.SessionObservations;
import io.micrometer.observation.ObservationRegistry;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The configurations of {@link ObservationBenchmark}, measured in <b>CPU time of the measuring
 * thread</b> rather than wall time, and interleaved (A, B, C, A, B, C, ...), for machines too
 * loaded for JMH's wall-clock averages: time spent descheduled does not count. Prints the median
 * nanoseconds per resolve of each configuration and its ratio to no observer.
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar dev.lanyard.benchmarks.ObservationCostProbe [rounds] [resolves]</pre>
 */
public final class ObservationCostProbe {
    private static final Logger LOG = LoggerFactory.getLogger(ObservationCostProbe.class);

    private ObservationCostProbe() {}

    /**
     * @param args rounds (default 15) and resolves per round and configuration (default 200000)
     */
    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 15;
        int resolves = args.length > 1 ? Integer.parseInt(args[1]) : 200_000;
        String[] names = {"no observer", "observer, registry without handlers", "observer, one empty handler"};
        SessionManager[] managers = new SessionManager[3];
        String[] ids = new String[3];
        managers[0] = SessionManager.builder(InMemorySessionStore.create())
                .logEvents(false)
                .build();
        managers[1] = SessionManager.builder(InMemorySessionStore.create())
                .logEvents(false)
                .observer(SessionObservations.create(ObservationRegistry.create()))
                .build();
        ObservationRegistry registry = ObservationRegistry.create();
        registry.observationConfig().observationHandler(new ObservationBenchmark.EmptyHandler());
        managers[2] = SessionManager.builder(InMemorySessionStore.create())
                .logEvents(false)
                .observer(SessionObservations.create(registry))
                .build();
        for (int i = 0; i < 3; i++) {
            NewSession created = managers[i].create(ClientInfo.of("Firefox/128", "192.0.2.1"));
            managers[i].save(
                    created.session(),
                    SessionUpdate.builder()
                            .put("a", "1")
                            .put("b", "2")
                            .put("c", "3")
                            .build());
            ids[i] = created.id().value();
        }
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        List<double[]> samples = new ArrayList<>();
        long sink = 0;
        for (int round = -3; round < rounds; round++) { // three warm-up rounds
            double[] row = new double[3];
            for (int i = 0; i < 3; i++) {
                long start = threads.getCurrentThreadCpuTime();
                for (int n = 0; n < resolves; n++) {
                    Resolution r = managers[i].resolve(ids[i]);
                    sink += r.isFound() ? 1 : 0;
                }
                row[i] = (threads.getCurrentThreadCpuTime() - start) / (double) resolves;
            }
            if (round >= 0) {
                samples.add(row);
            }
        }
        double base = median(samples, 0);
        LOG.info(String.format(
                Locale.ROOT,
                "%-40s %14s %8s",
                "configuration (" + rounds + " interleaved rounds)",
                "median ns/op",
                "ratio"));
        for (int i = 0; i < 3; i++) {
            double m = median(samples, i);
            LOG.info(String.format(Locale.ROOT, "%-40s %14.1f %7.2fx", names[i], m, m / base));
        }
        if (sink == 42) {
            LOG.trace("sink {}", sink); // keeps the resolves from being optimised away
        }
    }

    private static double median(List<double[]> samples, int column) {
        double[] values = samples.stream().mapToDouble(row -> row[column]).toArray();
        Arrays.sort(values);
        return values[values.length / 2];
    }
}
