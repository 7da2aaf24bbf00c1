package dev.lanyard.session.metrics;

import dev.lanyard.session.event.ObservedOperation;
import io.micrometer.common.KeyValues;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;

/**
 * Names Lanyard's observations and their key values; docs/metrics.md ("Tracing") lists them. The
 * low-cardinality keys are always all present ({@value #NONE} where they do not apply), so a meter
 * handler registers one consistent set of tags per name. The high-cardinality keys, the session
 * handle and version, go to traces only. Stateless and thread-safe; extend it to add keys.
 *
 * @since 0.1.0
 */
public class SessionObservationConvention implements ObservationConvention<SessionObservationContext> {

    /** Low cardinality: {@code resolve}, {@code save}, ... or, for store calls, {@code load}, {@code rotate}, .... */
    public static final String OPERATION = "operation";
    /** Low cardinality: {@code success}, {@code refused} or {@code error}. */
    public static final String OUTCOME = "outcome";
    /** Low cardinality: the store's kind ({@code redis}, {@code inmemory}) for store calls, else {@value #NONE}. */
    public static final String STORE = "store";
    /** Low cardinality: why it was refused, or a bounded detail of its success, else {@value #NONE}. */
    public static final String REASON = "reason";
    /** High cardinality: the session's public handle. Never a tag. */
    public static final String HANDLE = "lanyard.session.handle";
    /** High cardinality: the session version. Never a tag. */
    public static final String VERSION = "lanyard.session.version";
    /** The value of a low-cardinality key that does not apply. */
    public static final String NONE = "none";

    /** Creates the default convention. */
    public SessionObservationConvention() {}

    @Override
    public boolean supportsContext(Observation.Context context) {
        return context instanceof SessionObservationContext;
    }

    @Override
    public String getName() {
        return null;
    }

    /**
     * @param context the context
     * @return the kind's observation name, such as {@code lanyard.session.resolve}
     */
    public String getName(SessionObservationContext context) {
        return context.operation().kind().observationName();
    }

    @Override
    public String getContextualName(SessionObservationContext context) {
        ObservedOperation operation = context.operation();
        return operation.kind() == ObservedOperation.Kind.STORE_CALL
                ? "lanyard store " + operation.operation()
                : "lanyard " + operation.operation();
    }

    @Override
    public KeyValues getLowCardinalityKeyValues(SessionObservationContext context) {
        ObservedOperation operation = context.operation();
        return KeyValues.of(
                OPERATION, operation.operation(),
                OUTCOME, operation.outcomeValue(),
                REASON, operation.reason().orElse(NONE),
                STORE, operation.store().orElse(NONE));
    }

    @Override
    public KeyValues getHighCardinalityKeyValues(SessionObservationContext context) {
        ObservedOperation operation = context.operation();
        KeyValues values = KeyValues.empty();
        if (operation.handle().isPresent()) {
            values = values.and(HANDLE, operation.handle().get().toString());
        }
        if (operation.version().isPresent()) {
            values = values.and(VERSION, Long.toString(operation.version().getAsLong()));
        }
        return values;
    }
}
