package dev.lanyard.session.websocket;

import dev.lanyard.session.ResolutionStatus;
import dev.lanyard.session.RevocationReason;
import dev.lanyard.session.RotationCause;
import jakarta.websocket.CloseReason;
import java.util.Optional;

/**
 * Why Lanyard closed a socket. Each cause has a close code (1008, policy violation, for every session
 * that ended; 1013 for an unreachable store on a fail-closed route; 1001 when the node shuts down) and a
 * fixed reason phrase the client can read, such as {@code "lanyard: session revoked (logout)"}. The phrase
 * never holds an ID, a user or a handle.
 *
 * @since 0.1.0
 */
public enum SocketCloseCause {
    /** The user signed out. */
    LOGOUT(CloseReason.CloseCodes.VIOLATED_POLICY, "session revoked (logout)"),
    /** The session was revoked by handle: from the device list or by an administrator. */
    REVOKED(CloseReason.CloseCodes.VIOLATED_POLICY, "session revoked"),
    /** Every session of the user was revoked. */
    USER_WIDE(CloseReason.CloseCodes.VIOLATED_POLICY, "session revoked (all devices)"),
    /** The user's session limit evicted this session. */
    LIMIT_OVERFLOW(CloseReason.CloseCodes.VIOLATED_POLICY, "session revoked (session limit)"),
    /** A retired refresh token was presented again, and the session was revoked with its token family. */
    REUSE_DETECTED(CloseReason.CloseCodes.VIOLATED_POLICY, "session revoked (token reuse)"),
    /** The session's ID changed (login, re-authentication, privilege change): the socket's privileges are stale. */
    ROTATED(CloseReason.CloseCodes.VIOLATED_POLICY, "session rotated"),
    /** The session's version moved on (a privilege change) since the handshake. */
    STALE_VERSION(CloseReason.CloseCodes.VIOLATED_POLICY, "session version stale"),
    /** The session was unused for longer than its idle timeout (no socket kept it alive). */
    EXPIRED_IDLE(CloseReason.CloseCodes.VIOLATED_POLICY, "session expired (idle)"),
    /** The session reached its absolute lifetime, which an open socket does not extend. */
    EXPIRED_ABSOLUTE(CloseReason.CloseCodes.VIOLATED_POLICY, "session expired (absolute)"),
    /** The session is gone and no node recorded why (its record vanished by TTL, or the note expired). */
    ENDED(CloseReason.CloseCodes.VIOLATED_POLICY, "session ended"),
    /** The store could not be reached and the route is {@link OutageMode#FAIL_CLOSED}. */
    STORE_UNAVAILABLE(CloseReason.CloseCodes.TRY_AGAIN_LATER, "session store unavailable"),
    /** This node's {@link SocketSessions} was closed. */
    SHUTDOWN(CloseReason.CloseCodes.GOING_AWAY, "server shutting down");

    private final CloseReason.CloseCode code;
    private final String phrase;

    SocketCloseCause(CloseReason.CloseCode code, String phrase) {
        this.code = code;
        this.phrase = "lanyard: " + phrase;
    }

    /** @return the close code sent to the client */
    public int code() {
        return code.getCode();
    }

    /** @return the reason phrase sent to the client, at most 123 bytes as RFC 6455 allows */
    public String phrase() {
        return phrase;
    }

    /** @return the close frame this cause sends */
    public CloseReason closeReason() {
        return new CloseReason(code, phrase);
    }

    static SocketCloseCause of(RevocationReason reason) {
        return switch (reason) {
            case LOGOUT -> LOGOUT;
            case ADMIN -> REVOKED;
            case USER_WIDE -> USER_WIDE;
            case LIMIT_OVERFLOW -> LIMIT_OVERFLOW;
            case REUSE_DETECTED -> REUSE_DETECTED;
            case UNREADABLE -> ENDED;
        };
    }

    static SocketCloseCause of(RotationCause cause) {
        return ROTATED;
    }

    /** The cause a failed look-up names by itself, if it names one. */
    static Optional<SocketCloseCause> of(ResolutionStatus status) {
        return switch (status) {
            case EXPIRED_IDLE -> Optional.of(EXPIRED_IDLE);
            case EXPIRED_ABSOLUTE -> Optional.of(EXPIRED_ABSOLUTE);
            case STALE_VERSION -> Optional.of(STALE_VERSION);
            default -> Optional.empty();
        };
    }
}
