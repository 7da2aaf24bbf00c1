package dev.lanyard.session;

/**
 * Why a session was ended on purpose.
 *
 * @since 0.1.0
 */
public enum RevocationReason {
    /** The user logged out of this session. */
    LOGOUT,
    /** An administrator, or the user from another device, revoked this one session. */
    ADMIN,
    /** Every session of the user was revoked at once (password change, "sign out everywhere"). */
    USER_WIDE,
    /** A newer login pushed it out under {@link OverflowRule#EVICT_LEAST_RECENTLY_USED}. */
    LIMIT_OVERFLOW,
    /** A refresh token of the session was used twice: the session is presumed stolen. */
    REUSE_DETECTED,
    /** Its record could not be read (corrupt, incompatible, or refused by the allow-list). */
    UNREADABLE
}
