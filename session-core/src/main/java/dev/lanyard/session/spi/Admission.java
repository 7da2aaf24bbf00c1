package dev.lanyard.session.spi;

import dev.lanyard.session.SessionHandle;
import java.util.List;
import java.util.Objects;

/**
 * The answer of {@link UserIndexedStore#admit}.
 *
 * @param decision whether the new session was admitted
 * @param evicted the sessions removed to make room, least recently used first; empty unless the
 *     overflow rule evicts
 * @param sessions how many sessions the user holds after the decision, the new one included
 *     when admitted
 * @param userVersion the user's version at the decision ({@link UserIndexedStore#userVersion}); the
 *     session written for this admission carries it
 *
 * @since 0.1.0
 */
public record Admission(Decision decision, List<SessionHandle> evicted, int sessions, long userVersion) {

    /** Whether a session was admitted. */
    public enum Decision {
        /** The session was added to the user's index. */
        ADMITTED,
        /** The user is at the limit and the rule refuses new sessions; nothing changed. */
        REFUSED
    }

    /**
     * Checks the values and copies the list.
     *
     * @param decision whether the new session was admitted
     * @param evicted the sessions removed to make room, least recently used first; empty unless the overflow rule evicts
     * @param sessions how many sessions the user holds after the decision, the new one included when admitted
     * @param userVersion the user's version at the decision
     */
    public Admission {
        Objects.requireNonNull(decision, "decision");
        if (userVersion < 0) {
            throw new IllegalArgumentException("userVersion (" + userVersion + ") must not be negative");
        }
        evicted = List.copyOf(Objects.requireNonNull(evicted, "evicted"));
    }

    /** @return whether the session was admitted */
    public boolean admitted() {
        return decision == Decision.ADMITTED;
    }
}
