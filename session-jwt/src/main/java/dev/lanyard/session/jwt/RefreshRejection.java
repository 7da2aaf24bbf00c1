package dev.lanyard.session.jwt;

/**
 * Why a refresh token was not accepted. A small, fixed set, safe as a metric tag.
 *
 * @since 0.1.0
 */
public enum RefreshRejection {
    /** Not of the form of a refresh token; the store was not asked. */
    MALFORMED,
    /** No such token: never issued, or its family ended and was forgotten. */
    UNKNOWN,
    /**
     * A retired token was presented again (outside the grace rule): the family and its session
     * were revoked and {@link dev.lanyard.session.event.SessionEvent.TokenReuseDetected} published.
     */
    REUSED,
    /** The family was revoked earlier (logout, reuse, or its session ended). */
    REVOKED,
    /** The family was unused for longer than its idle timeout. */
    EXPIRED_IDLE,
    /** The family reached its absolute lifetime. */
    EXPIRED_ABSOLUTE,
    /** The session the family belongs to no longer exists; the family was revoked. */
    SESSION_GONE,
    /** The family changed under this call too many times in a row; the caller may retry. */
    CONTENDED
}
