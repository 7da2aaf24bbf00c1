package dev.lanyard.session.internal;

import dev.lanyard.session.SessionManager;
import dev.lanyard.session.event.SessionEvent;
import java.util.Objects;

/**
 * How Lanyard's own modules (servlet, tokens) publish the events they detect to a manager's
 * listeners, so that one set of listeners sees the whole lifecycle. {@link SessionManager} has no
 * public {@code publish}: an application cannot forge a lifecycle event, and where the module path
 * is used this package is exported only to Lanyard's modules. Internal: no compatibility promise.
 *
 * <p>The manager hands its publication over once, when its class initializes (the shared-secret
 * pattern); nothing else may {@linkplain #install install} one.
 *
 * @since 0.1.0
 */
public final class ModuleEvents {

    /**
     * Delivers an event to a manager's listeners; implemented by the manager itself.
     *
     * @since 0.1.0
     */
    @FunctionalInterface
    public interface Publication {

        /**
         * Delivers the event to the manager's listeners, which can never break the caller.
         *
         * @param manager the manager
         * @param event the event
         */
        void publish(SessionManager manager, SessionEvent event);
    }

    private static final Object LOCK = new Object();
    private static volatile Publication publication;

    private ModuleEvents() {}

    /**
     * Called once by {@link SessionManager}'s class initializer.
     *
     * @param implementation how a manager publishes
     * @throws IllegalStateException if a publication is installed already
     */
    public static void install(Publication implementation) {
        Objects.requireNonNull(implementation, "implementation");
        synchronized (LOCK) {
            if (publication != null) {
                throw new IllegalStateException("the manager's event publication is installed already");
            }
            publication = implementation;
        }
    }

    /**
     * Delivers an event to the manager's listeners.
     *
     * @param manager the manager whose listeners hear the event
     * @param event the event
     */
    public static void publish(SessionManager manager, SessionEvent event) {
        Objects.requireNonNull(manager, "manager");
        Objects.requireNonNull(event, "event");
        // Holding a manager means its class has initialized, so the publication is installed.
        publication.publish(manager, event);
    }
}
