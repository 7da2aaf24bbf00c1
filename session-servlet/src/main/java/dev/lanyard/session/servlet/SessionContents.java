package dev.lanyard.session.servlet;

import java.time.Duration;
import java.time.Instant;
import java.util.Set;

/**
 * What the application sees of the request's session through {@code HttpSession}: a stored session
 * with the request's {@link PendingChanges} over it, or a {@link TransientSession}. Not
 * thread-safe: callers hold the {@link RequestSession} lock.
 */
interface SessionContents {

    /** The public handle of the session (never the secret ID). */
    String id();

    Instant createdAt();

    Instant lastAccessedAt();

    Duration idleTimeout();

    void idleTimeout(Duration value);

    /** {@code getAttribute}: a stored value that may be mutable is marked for writing back. */
    Object read(String name);

    /** Reads an attribute without marking it (Lanyard's own reads, listener notifications). */
    Object peek(String name);

    void put(String name, Object value);

    void remove(String name);

    /** All attribute names, Lanyard's own included, sorted; a new set the caller may change. */
    Set<String> names();
}
