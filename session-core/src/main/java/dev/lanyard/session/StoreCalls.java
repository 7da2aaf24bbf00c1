package dev.lanyard.session;

import dev.lanyard.session.event.ObservedOperation;
import dev.lanyard.session.event.SessionEvent;
import dev.lanyard.session.event.SessionEvent.Outcome;
import dev.lanyard.session.event.SessionEvent.StoreOperation;
import dev.lanyard.session.event.SessionObserver;
import dev.lanyard.session.internal.GuardedListeners;
import java.time.Clock;
import java.time.Duration;
import java.util.function.BiConsumer;
import java.util.function.Supplier;

/**
 * How a {@link SessionManager} runs its operations and store calls: observed for tracing when an
 * observer is configured, timed for the listeners when there are any, and free of both costs
 * otherwise. Package-private. Thread-safe.
 */
final class StoreCalls {

    // Observation reasons that are not enum constants (docs/metrics.md, "Tracing").
    /** The reason of a saved session that needed no write. */
    static final String UNCHANGED = "unchanged";
    /** The reason of a refused operation whose session no longer exists. */
    static final String NOT_FOUND = "not_found";
    /** The reason of a login refused by the per-user session limit. */
    static final String LIMIT_REACHED = "limit_reached";

    /** The guarded observer, or {@code null}: then nothing is observed or allocated for it. */
    private final SessionObserver observer;

    private final GuardedListeners listeners;
    private final String storeKind;
    private final Clock clock;

    StoreCalls(SessionObserver observer, GuardedListeners listeners, String storeKind, Clock clock) {
        this.observer = observer;
        this.listeners = listeners;
        this.storeKind = storeKind;
        this.clock = clock;
    }

    /**
     * Runs one observed operation: starts it, lets {@code describe} record what the result says,
     * marks an exception as its failure, and stops it. Only called when an observer is configured.
     */
    <T> T observe(ObservedOperation.Kind kind, Supplier<T> action, BiConsumer<ObservedOperation, T> describe) {
        ObservedOperation op = ObservedOperation.start(observer, kind);
        try {
            T result = action.get();
            describe.accept(op, result);
            return result;
        } catch (RuntimeException e) {
            op.failed(e);
            throw e;
        } finally {
            op.stop(observer);
        }
    }

    <T> T call(StoreOperation operation, Supplier<T> action) {
        if (observer != null) {
            ObservedOperation op = ObservedOperation.startStoreCall(observer, operation, storeKind);
            try {
                return timed(operation, action);
            } catch (UnreadableSessionException e) {
                op.refused(ResolutionStatus.UNREADABLE);
                throw e;
            } catch (RuntimeException e) {
                op.failed(e);
                throw e;
            } finally {
                op.stop(observer);
            }
        }
        return timed(operation, action);
    }

    /** Runs a store call, timing it for the listeners when there are any. */
    <T> T timed(StoreOperation operation, Supplier<T> action) {
        if (listeners.isEmpty()) {
            return action.get();
        }
        long start = System.nanoTime();
        Outcome outcome = Outcome.FAILURE;
        try {
            T result = action.get();
            outcome = Outcome.SUCCESS;
            return result;
        } catch (UnreadableSessionException e) {
            outcome = Outcome.SUCCESS;
            throw e;
        } finally {
            listeners.publish(new SessionEvent.StoreCall(
                    clock.instant(), operation, outcome, Duration.ofNanos(System.nanoTime() - start)));
        }
    }
}
