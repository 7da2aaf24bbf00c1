package dev.lanyard.session;

/**
 * Whether a session store can be reached, as the store last saw it. See {@link StoreHealth}.
 *
 * @since 0.1.0
 */
public enum StoreState {
    /** The store answers: sessions work. */
    UP,
    /**
     * The store has not been reached since it was opened (an application that started while its
     * store was down): it keeps connecting in the background, and until it is reached every request
     * meets its route's failure mode.
     */
    CONNECTING,
    /**
     * The store was reached before and has been lost: it reconnects in the background, and until it
     * is back every request meets its route's failure mode.
     */
    DOWN
}
