package dev.lanyard.session.spi;

import dev.lanyard.session.StoreHealth;
import java.util.function.Consumer;

/**
 * An optional power of a store that talks to a server: it says whether the server can be reached,
 * so that applications and orchestrators can tell "ready" from "running". A store without this
 * power (the in-memory store) is always up.
 *
 * <h2>Contract</h2>
 * <ul>
 *   <li>Opening the store never needs the server: a store opened while the server is down starts
 *       {@link dev.lanyard.session.StoreState#CONNECTING CONNECTING}, keeps connecting in the
 *       background, and turns {@link dev.lanyard.session.StoreState#UP UP} once it is reached, with
 *       no restart. Until then its operations throw
 *       {@link dev.lanyard.session.StoreUnavailableException} promptly.
 *   <li>A store that loses its server turns {@link dev.lanyard.session.StoreState#DOWN DOWN} and
 *       turns up again by itself when the server is back.
 *   <li>{@link #health()} is cheap (no round trip) and never throws.
 *   <li>Each change of state is reported once to every listener, in order, on a thread of the
 *       store; a listener that throws is logged and does not stop the others.
 * </ul>
 *
 * @since 0.1.0
 */
public interface HealthReportingStore extends SessionStore {

    /**
     * Returns the store's reachability as last seen. Cheap: no round trip.
     *
     * @return the health
     */
    StoreHealth health();

    /**
     * Subscribes to changes of {@link #health()}.
     *
     * @param listener called with each new health; must not block
     * @return closing it ends the subscription
     */
    HealthSubscription onHealthChange(Consumer<StoreHealth> listener);

    /** Ends a subscription made with {@link #onHealthChange}. */
    interface HealthSubscription extends AutoCloseable {
        /** Stops delivery to this listener; closing again is harmless. */
        @Override
        void close();
    }
}
