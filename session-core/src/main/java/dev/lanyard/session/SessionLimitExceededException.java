package dev.lanyard.session;

/**
 * A login was refused because the user already holds as many sessions as
 * {@link SessionLimit#maxSessions()} allows and the overflow rule is
 * {@link OverflowRule#REFUSE_NEW}. No session was created or changed.
 *
 * @since 0.1.0
 */
public class SessionLimitExceededException extends SessionException {

    private static final long serialVersionUID = 1L;

    /** The per-user limit in force. */
    private final int limit;

    /**
     * Creates the exception.
     *
     * @param limit the per-user limit in force
     */
    public SessionLimitExceededException(int limit) {
        super("the user already holds the maximum of " + limit + " sessions");
        this.limit = limit;
    }

    /** @return the per-user limit in force */
    public int limit() {
        return limit;
    }
}
