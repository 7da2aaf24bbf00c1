package dev.lanyard.session.servlet;

/**
 * What a route does when the session store is unavailable.
 *
 * @since 0.1.0
 */
public enum FailureMode {
    /**
     * Answer {@code 503 Service Unavailable} with {@code Retry-After}, without running the
     * application. The default: nothing that depends on who the user is runs without the store.
     */
    CLOSED,
    /**
     * Serve the request as anonymous: the presented session is not available, a session the
     * application creates lives for this request only and is never stored, and
     * {@link dev.lanyard.session.event.SessionEvent.FailOpen} is published. For pages that work
     * without a user (home page, health checks, public catalogue).
     */
    OPEN
}
