package dev.lanyard.session;

import java.util.Objects;

/**
 * How many sessions one user may hold at once, and what happens to one more.
 *
 * @param maxSessions the most sessions a user may hold, at least 1; {@link Integer#MAX_VALUE}
 *     means no limit
 * @param overflow what a login beyond the limit does
 *
 * @since 0.1.0
 */
public record SessionLimit(int maxSessions, OverflowRule overflow) {

    private static final SessionLimit UNLIMITED = new SessionLimit(Integer.MAX_VALUE, OverflowRule.REFUSE_NEW);

    /**
     * Checks the values.
     *
     * @param maxSessions the most sessions a user may hold, at least 1; {@link Integer#MAX_VALUE} means no limit
     * @param overflow what a login beyond the limit does
     */
    public SessionLimit {
        Objects.requireNonNull(overflow, "overflow");
        if (maxSessions < 1) {
            throw new IllegalArgumentException("maxSessions (" + maxSessions + ") must be at least 1");
        }
    }

    /**
     * Returns the absence of a limit.
     *
     * @return a limit no user reaches
     */
    public static SessionLimit unlimited() {
        return UNLIMITED;
    }

    /**
     * Returns a limit that refuses new logins beyond {@code maxSessions}.
     *
     * @param maxSessions the most sessions a user may hold
     * @return the limit
     */
    public static SessionLimit refuseBeyond(int maxSessions) {
        return new SessionLimit(maxSessions, OverflowRule.REFUSE_NEW);
    }

    /**
     * Returns a limit that evicts the least recently used sessions beyond {@code maxSessions}.
     *
     * @param maxSessions the most sessions a user may hold
     * @return the limit
     */
    public static SessionLimit evictBeyond(int maxSessions) {
        return new SessionLimit(maxSessions, OverflowRule.EVICT_LEAST_RECENTLY_USED);
    }

    /** @return whether this limit can ever be reached */
    public boolean isLimited() {
        return maxSessions != Integer.MAX_VALUE;
    }
}
