package dev.lanyard.session;

import java.util.Objects;
import java.util.Optional;

/**
 * The answer to "which session does this ID name?": a valid {@link Session}, or the reason there
 * is none. A caller that only needs the session uses {@link #session()}; one that reacts to
 * guessing or expiry reads {@link #status()}.
 *
 * @since 0.1.0
 */
public final class Resolution {

    private static final Resolution[] ABSENT = new Resolution[ResolutionStatus.values().length];

    static {
        for (ResolutionStatus status : ResolutionStatus.values()) {
            ABSENT[status.ordinal()] = new Resolution(status, null);
        }
    }

    private final ResolutionStatus status;
    private final Session session;

    private Resolution(ResolutionStatus status, Session session) {
        this.status = status;
        this.session = session;
    }

    /**
     * @param session the valid session
     * @return a successful resolution
     */
    public static Resolution found(Session session) {
        return new Resolution(ResolutionStatus.FOUND, Objects.requireNonNull(session, "session"));
    }

    /**
     * @param status why there is no session; not {@link ResolutionStatus#FOUND}
     * @return an unsuccessful resolution
     */
    public static Resolution absent(ResolutionStatus status) {
        if (status == ResolutionStatus.FOUND) {
            throw new IllegalArgumentException("a FOUND resolution needs a session");
        }
        return ABSENT[status.ordinal()];
    }

    /** @return the outcome */
    public ResolutionStatus status() {
        return status;
    }

    /** @return the session when found, otherwise empty */
    public Optional<Session> session() {
        return Optional.ofNullable(session);
    }

    /** @return whether a valid session was found */
    public boolean isFound() {
        return session != null;
    }

    @Override
    public String toString() {
        return session == null ? "Resolution[" + status + "]" : "Resolution[FOUND " + session.handle() + "]";
    }
}
