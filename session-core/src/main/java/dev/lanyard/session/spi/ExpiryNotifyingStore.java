package dev.lanyard.session.spi;

import java.util.function.Consumer;

/**
 * An optional power of a store: it reports sessions that end by timeout, with their attributes,
 * so that an application can be told as a servlet container tells {@code sessionDestroyed}.
 *
 * <h2>Contract</h2>
 * <ul>
 *   <li>A session that reaches the end of its TTL without being deleted or rotated is reported to
 *       the subscribers of <em>one</em> store instance among all instances that share the
 *       backend (the one that claimed it), at most once, with its record as last written
 *       (attributes included), after the store removed it: by then {@link SessionStore#load}
 *       answers empty everywhere.
 *   <li>A session ended by {@link SessionStore#delete}, by a rotation or by a revocation is
 *       never reported.
 *   <li>Reports come on a thread of the store, some time after the expiry (how long is the
 *       store's to document), in no particular order. A report the store could not deliver
 *       (its subscription was disconnected when the session expired) is lost, not repeated.
 *   <li>Every subscriber of the claiming instance sees each report; a subscriber that throws is
 *       logged and does not stop the others.
 * </ul>
 *
 * @since 0.1.0
 */
public interface ExpiryNotifyingStore extends SessionStore {

    /**
     * Tells whether this instance reports timeouts as it is configured. A store that can report
     * them only with an option (the Redis store's {@code expiryNotifications}) answers
     * {@code false} without it.
     *
     * @return whether {@link #onTimeout} delivers anything
     */
    boolean reportsTimeouts();

    /**
     * Subscribes to the sessions that time out from now on.
     *
     * @param subscriber called with each session's last record; must not block for long
     * @return closing it ends the subscription; closing it again is harmless
     * @throws IllegalStateException if {@link #reportsTimeouts()} is {@code false}
     */
    Subscription onTimeout(Consumer<SessionRecord> subscriber);

    /** Ends a subscription made with {@link #onTimeout}. */
    interface Subscription extends AutoCloseable {
        /** Stops delivery to this subscriber; a report already under way may still arrive. */
        @Override
        void close();
    }
}
