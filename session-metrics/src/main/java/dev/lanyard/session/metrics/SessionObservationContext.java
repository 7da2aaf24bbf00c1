package dev.lanyard.session.metrics;

import dev.lanyard.session.event.ObservedOperation;
import io.micrometer.observation.Observation;
import java.util.Objects;

/**
 * The Micrometer {@link Observation.Context} of one Lanyard operation: it carries the
 * {@link ObservedOperation} that the operation fills in, so an
 * {@link io.micrometer.observation.ObservationConvention} or
 * {@link io.micrometer.observation.ObservationHandler} can read it. Not thread-safe, like every
 * observation context.
 *
 * @since 0.1.0
 */
public final class SessionObservationContext extends Observation.Context {

    private final ObservedOperation operation;

    SessionObservationContext(ObservedOperation operation) {
        this.operation = Objects.requireNonNull(operation, "operation");
    }

    /** @return the Lanyard operation, complete when the observation stops */
    public ObservedOperation operation() {
        return operation;
    }
}
