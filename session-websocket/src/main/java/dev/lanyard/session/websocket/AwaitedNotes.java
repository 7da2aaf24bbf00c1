package dev.lanyard.session.websocket;

import dev.lanyard.session.SessionHandle;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The sessions a node found gone without a {@link SessionEndNotes} note saying why, each given one more
 * check and at least {@link #GRACE} for the note to arrive before its sockets close as {@code session
 * ended}. The note is written by the node that ended the session just after the store change, which a
 * loaded machine can delay past a short check interval, so a count of checks alone would be a wait that
 * shrinks with the interval. Real time ({@link System#nanoTime}), not the manager's clock: it bounds a
 * message's arrival, not a session. Thread-safe.
 */
final class AwaitedNotes {

    /** How long, at least, a session found gone waits for its note. */
    static final Duration GRACE = Duration.ofSeconds(1);

    /** When each session was first found gone without a note ({@link System#nanoTime}). */
    private final Map<SessionHandle, Long> firstSeen = new ConcurrentHashMap<>();

    /**
     * Records that the session was found gone without a note, and tells whether its sockets should wait
     * for one still: on the first finding, and until {@link #GRACE} has passed since it.
     *
     * @param handle the session found gone
     * @return {@code true} to wait for the note, {@code false} to close now
     */
    boolean stillAwaited(SessionHandle handle) {
        long now = System.nanoTime();
        Long first = firstSeen.putIfAbsent(handle, now);
        return first == null || now - first < GRACE.toNanos();
    }

    /**
     * Forgets a session (its sockets closed, or its note arrived).
     *
     * @param handle the session
     */
    void remove(SessionHandle handle) {
        firstSeen.remove(handle);
    }

    /**
     * Forgets every session not in {@code open}: those with no socket left on this node.
     *
     * @param open the sessions that still have sockets here
     */
    void retainOnly(Set<SessionHandle> open) {
        firstSeen.keySet().retainAll(open);
    }
}
