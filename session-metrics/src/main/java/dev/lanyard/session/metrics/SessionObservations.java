package dev.lanyard.session.metrics;

import dev.lanyard.session.event.ObservedOperation;
import dev.lanyard.session.event.SessionObserver;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import java.util.Objects;

/**
 * Reports Lanyard's operations as Micrometer {@link Observation}s, so that a tracing bridge
 * (Micrometer Tracing with OpenTelemetry or Brave) turns them into spans and a meter handler into
 * timers. Give it to {@code SessionManager.Builder.observer(...)}; the token module's verifier and
 * refresh service pick it up from the manager.
 *
 * <pre>{@code
 * SessionManager manager = SessionManager.builder(store)
 *     .observer(SessionObservations.create(observationRegistry))
 *     .build();
 * }</pre>
 *
 * <p>Each operation is one observation, named by {@link ObservedOperation.Kind#observationName()}
 * and described by a {@link SessionObservationConvention}. The observation's scope is open while
 * the operation runs, so store calls are children of the resolve, save or login that made them, and
 * Lanyard's observations are children of whatever observation the application had open (its HTTP
 * server request). Thread-safe; holds no per-operation state.
 *
 * @since 0.1.0
 */
public final class SessionObservations implements SessionObserver {

    private final ObservationRegistry registry;
    private final SessionObservationConvention convention;

    private SessionObservations(ObservationRegistry registry, SessionObservationConvention convention) {
        this.registry = Objects.requireNonNull(registry, "registry");
        this.convention = Objects.requireNonNull(convention, "convention");
    }

    /**
     * Creates an observer with the default {@link SessionObservationConvention}.
     *
     * @param registry the registry the observations go to
     * @return the observer
     */
    public static SessionObservations create(ObservationRegistry registry) {
        return new SessionObservations(registry, new SessionObservationConvention());
    }

    /**
     * Creates an observer with a custom convention (to add key values, say).
     *
     * @param registry the registry the observations go to
     * @param convention names the observations and their key values
     * @return the observer
     */
    public static SessionObservations create(ObservationRegistry registry, SessionObservationConvention convention) {
        return new SessionObservations(registry, convention);
    }

    @Override
    public void onStart(ObservedOperation operation) {
        SessionObservationContext context = new SessionObservationContext(operation);
        // The name depends on the operation's kind; the convention adds the key values at start and
        // again at stop, when the operation has its outcome, reason, handle and version.
        Observation observation = Observation.createNotStarted(convention.getName(context), () -> context, registry)
                .observationConvention(convention);
        observation.start();
        operation.attach(new Running(observation, observation.openScope()));
    }

    @Override
    public void onStop(ObservedOperation operation) {
        if (!(operation.attachment() instanceof Running running)) {
            return;
        }
        try {
            operation.error().ifPresent(running.observation::error);
            running.scope.close();
        } finally {
            running.observation.stop();
        }
    }

    /** An observation started by {@link #onStart} and its open scope. */
    private record Running(Observation observation, Observation.Scope scope) {}

    @Override
    public String toString() {
        return "SessionObservations[" + registry + "]";
    }
}
