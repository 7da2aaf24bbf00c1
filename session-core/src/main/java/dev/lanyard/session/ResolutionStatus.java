package dev.lanyard.session;

/**
 * The outcome of resolving a presented session ID.
 *
 * @since 0.1.0
 */
public enum ResolutionStatus {
    /** A valid session was found. */
    FOUND,
    /** The presented value does not have the form of a session ID; the store was not asked. */
    MALFORMED,
    /** No session has this ID: never issued, revoked, rotated away or removed by its TTL. */
    UNKNOWN,
    /** The session was unused for longer than its idle timeout. */
    EXPIRED_IDLE,
    /** The session reached its absolute lifetime. */
    EXPIRED_ABSOLUTE,
    /** The caller expected a session version that is no longer current. */
    STALE_VERSION,
    /** The session's record could not be read and was dropped. */
    UNREADABLE
}
