package dev.lanyard.session.event;

/**
 * Hears each Lanyard operation start and stop, for tracing: resolve, save, login, rotation,
 * revocation, every store call, and (in {@code session-jwt}) token verification and refresh.
 * {@code session-metrics} maps it to Micrometer's Observation API
 * ({@code dev.lanyard.session.metrics.SessionObservations}); any other tracer can implement it.
 *
 * <p>Both methods are called on the thread that runs the operation, {@link #onStart} before it
 * and {@link #onStop} after it, in strict nesting: an operation that runs inside another (a store
 * call inside a resolve) starts after and stops before its parent, so a thread-local scope opened
 * in {@code onStart} and closed in {@code onStop} makes the inner operation a child of the outer.
 * The operation's details ({@link ObservedOperation#outcome()}, its handle and version) are
 * complete only at {@code onStop}.
 *
 * <p>Where no observer is configured (the default), Lanyard creates no {@link ObservedOperation}
 * at all: the cost is one field read per operation. An observer that throws never breaks the
 * operation: {@link #guard} logs and drops what it throws, and {@code SessionManager} guards the
 * observer it is given.
 *
 * <p>Implementations must be thread-safe: operations of many threads are observed at once.
 *
 * @since 0.1.0
 */
public interface SessionObserver {

    /**
     * Called before an operation runs.
     *
     * @param operation the operation; only its kind (and for store calls the store operation and
     *     kind) are known yet. The observer may {@link ObservedOperation#attach attach} its own state.
     */
    void onStart(ObservedOperation operation);

    /**
     * Called after the operation ran, whether it succeeded, was refused or failed.
     *
     * @param operation the same operation as at {@link #onStart}, now with its outcome, reason,
     *     handle, version and error where they apply
     */
    void onStop(ObservedOperation operation);

    /**
     * Wraps an observer so that what it throws is logged (the first failure at WARN, later ones at
     * DEBUG) and dropped. Guarding a guarded observer returns it unchanged.
     *
     * @param observer the observer
     * @return an observer that never throws
     */
    static SessionObserver guard(SessionObserver observer) {
        return observer instanceof GuardedObserver guarded ? guarded : new GuardedObserver(observer);
    }
}
