package dev.lanyard.session.internal;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;

/**
 * The one place that calls observers so that they can never break the caller: every listener,
 * subscriber and callback Lanyard notifies goes through a guard, which logs and drops whatever the
 * observer throws. The first failure of a guard logs at WARN with its stack trace, later ones at
 * DEBUG, so a listener that fails on every event cannot flood the log. Messages name the observer's
 * class and what it was told, never an event's values. Internal: no compatibility promise.
 *
 * <p>Thread-safe.
 *
 * @since 0.1.0
 */
public final class ListenerGuard {

    private final Logger log;
    private final String role;
    private final AtomicBoolean warned = new AtomicBoolean();

    /**
     * Creates a guard that logs to the owner's logger.
     *
     * @param log the logger of the class that notifies the observers
     * @param role what the observers are, for the log ("session listener", "timeout subscriber")
     */
    public ListenerGuard(Logger log, String role) {
        this.log = log;
        this.role = role;
    }

    /**
     * Calls each observer in iteration order; what one throws is logged and dropped and the next is
     * still called.
     *
     * @param <L> the observer type
     * @param observers the observers
     * @param what what they are told: an event (only its type is logged) or a method name
     * @param call what to do with each
     */
    public <L> void callEach(Iterable<? extends L> observers, Object what, Consumer<? super L> call) {
        for (L observer : observers) {
            call(observer, what, call);
        }
    }

    /**
     * Calls one observer; what it throws is logged and dropped.
     *
     * @param <L> the observer type
     * @param observer the observer
     * @param what what it is told: an event (only its type is logged) or a method name
     * @param call what to do with it
     */
    public <L> void call(L observer, Object what, Consumer<? super L> call) {
        try {
            call.accept(observer);
        } catch (RuntimeException | LinkageError e) {
            failed(observer, what, e);
        }
    }

    private void failed(Object observer, Object what, Throwable e) {
        String told = what instanceof String name ? name : what.getClass().getSimpleName();
        if (warned.compareAndSet(false, true)) {
            log.warn(
                    "{} {} failed on {}; ignored (later failures log at DEBUG)",
                    role,
                    observer.getClass().getName(),
                    told,
                    e);
        } else {
            log.debug("{} {} failed on {}; ignored", role, observer.getClass().getName(), told, e);
        }
    }
}
