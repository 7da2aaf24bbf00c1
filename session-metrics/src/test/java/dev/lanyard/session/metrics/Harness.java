package dev.lanyard.session.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lanyard.session.ClientInfo;
import dev.lanyard.session.NewSession;
import dev.lanyard.session.Session;
import dev.lanyard.session.SessionManager;
import dev.lanyard.session.SessionPolicy;
import dev.lanyard.session.event.LoggingSessionListener;
import dev.lanyard.session.event.SessionListener;
import dev.lanyard.session.memory.InMemorySessionStore;
import dev.lanyard.session.spi.SessionStore;
import dev.lanyard.session.tck.MutableClock;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Everything a test of this module drives: a real {@link SessionManager} (with its default
 * logging listener) over a real in-memory store on a {@link MutableClock}, with
 * {@link SessionMetrics} bound to a registry. Register it with {@code @RegisterExtension}.
 *
 * <p>After every test it checks that no raw session ID the manager ever generated appears in any
 * log line of any logger, at any level, and that no raw ID or handle appears in any meter's name,
 * tags or description: the module-wide secrets check.
 */
final class Harness implements BeforeEachCallback, AfterEachCallback {

    static final ClientInfo CLIENT =
            ClientInfo.of("Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Gecko/20100101 Firefox/120.0", "203.0.113.7");

    private SessionPolicy policy = SessionPolicy.defaults();
    private UnaryOperator<SessionMetrics.Builder> metricsOptions = b -> b;
    private Supplier<MeterRegistry> registryFactory = SimpleMeterRegistry::new;
    private Function<SessionStore, SessionStore> storeWrapper = s -> s;
    private final List<SessionListener> listenersBeforeMetrics = new ArrayList<>();
    private final List<SessionListener> listenersAfterMetrics = new ArrayList<>();
    private Function<MutableClock, Clock> storeClock = c -> c;
    private boolean logUserIds;

    private RecordingRandom random;
    private LogCapture logs;
    private MutableClock clock;
    private InMemorySessionStore memory;
    private SessionStore store;
    private MeterRegistry registry;
    private SessionMetrics metrics;
    private SessionManager manager;

    private Harness() {}

    static Harness create() {
        return new Harness();
    }

    Harness policy(SessionPolicy value) {
        this.policy = value;
        return this;
    }

    Harness metricsOptions(UnaryOperator<SessionMetrics.Builder> value) {
        this.metricsOptions = value;
        return this;
    }

    Harness registry(Supplier<MeterRegistry> value) {
        this.registryFactory = value;
        return this;
    }

    Harness store(Function<SessionStore, SessionStore> wrapper) {
        this.storeWrapper = wrapper;
        return this;
    }

    /** Gives the store its own clock, derived from the manager's. */
    Harness storeClock(Function<MutableClock, Clock> value) {
        this.storeClock = value;
        return this;
    }

    /** Replaces the manager's default logging listener with one that also logs user IDs. */
    Harness logUserIds() {
        this.logUserIds = true;
        return this;
    }

    Harness listenerBeforeMetrics(SessionListener listener) {
        this.listenersBeforeMetrics.add(listener);
        return this;
    }

    Harness listenerAfterMetrics(SessionListener listener) {
        this.listenersAfterMetrics.add(listener);
        return this;
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        random = new RecordingRandom();
        logs = new LogCapture(random.secrets()).attach();
        clock = MutableClock.startingNow();
        memory = InMemorySessionStore.create(storeClock.apply(clock));
        store = storeWrapper.apply(memory);
        registry = registryFactory.get();
        metrics = metricsOptions.apply(SessionMetrics.builder().clock(clock)).build();
        metrics.bindTo(registry);
        manager = managerOnNode("node-a");
    }

    @Override
    public void afterEach(ExtensionContext context) {
        logs.detach();
        try {
            assertThat(logs.leaks()).as("log lines holding a raw session ID").isEmpty();
            for (Meter meter : registry.getMeters()) {
                String id = describe(meter.getId());
                assertThat(SecretScanner.find(id, random.secrets()))
                        .as("raw session IDs in meter %s", id)
                        .isEmpty();
                assertThat(SecretScanner.find(id, random.handles()))
                        .as("session handles in meter %s", id)
                        .isEmpty();
            }
        } finally {
            registry.close();
        }
    }

    static String describe(Meter.Id id) {
        StringBuilder out = new StringBuilder(id.getName()).append('{');
        for (Tag tag : id.getTagsAsIterable()) {
            out.append(tag.getKey()).append('=').append(tag.getValue()).append(',');
        }
        return out.append("} ").append(id.getDescription()).toString();
    }

    /** Builds another manager over the same store, clock, ID source and metrics, as another node. */
    SessionManager managerOnNode(String node) {
        SessionManager.Builder builder = SessionManager.builder(store)
                .clock(clock)
                .policy(policy)
                .random(random)
                .nodeId(node);
        if (logUserIds) {
            builder.logEvents(false)
                    .listener(LoggingSessionListener.create(node).withUserIds());
        }
        listenersBeforeMetrics.forEach(builder::listener);
        builder.listener(metrics);
        listenersAfterMetrics.forEach(builder::listener);
        return builder.build();
    }

    // ---------------------------------------------------------------- shortcuts

    NewSession newSession() {
        return manager.create(CLIENT);
    }

    NewSession login(String userId) {
        return manager.login(null, userId, CLIENT);
    }

    Session resolve(NewSession session) {
        return manager.resolve(session.id().value()).session().orElseThrow();
    }

    double count(String name, String... tags) {
        return registry.get(name).tags(tags).counter().count();
    }

    long timerCount(String name, String... tags) {
        return registry.get(name).tags(tags).timer().count();
    }

    // ---------------------------------------------------------------- parts

    SessionManager manager() {
        return manager;
    }

    MutableClock clock() {
        return clock;
    }

    SessionStore store() {
        return store;
    }

    InMemorySessionStore memoryStore() {
        return memory;
    }

    MeterRegistry registry() {
        return registry;
    }

    SessionMetrics metrics() {
        return metrics;
    }

    LogCapture logs() {
        return logs;
    }

    RecordingRandom random() {
        return random;
    }
}
