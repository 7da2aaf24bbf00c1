package dev.lanyard.session;

/**
 * What a login does when the user already holds the maximum number of sessions.
 *
 * @since 0.1.0
 */
public enum OverflowRule {
    /** Refuse the new login with {@link SessionLimitExceededException}; existing sessions stay. */
    REFUSE_NEW,
    /**
     * Admit the new login and revoke the user's sessions that were used least recently (as last
     * written by a touch), with reason {@link RevocationReason#LIMIT_OVERFLOW}.
     */
    EVICT_LEAST_RECENTLY_USED
}
