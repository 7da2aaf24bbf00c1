package dev.lanyard.session.websocket;

import java.util.Objects;
import java.util.Optional;

/**
 * What the checks of one handshake decided: the session to bind to the socket, or the HTTP status that refuses
 * the upgrade ({@value #FORBIDDEN} for a bad origin or no live, signed-in session; {@value #UNAVAILABLE} while the
 * store cannot answer).
 *
 * @param session the session to bind; empty when refused
 * @param status {@code 101} when admitted, else the refusal's status
 */
record HandshakeOutcome(Optional<BoundSession> session, int status) {

    /** The status of a refusal for an origin or a session. */
    static final int FORBIDDEN = 403;
    /** The status of a refusal because the store could not answer: the client may try again later. */
    static final int UNAVAILABLE = 503;

    HandshakeOutcome {
        Objects.requireNonNull(session, "session");
    }

    static HandshakeOutcome admitted(BoundSession session) {
        return new HandshakeOutcome(Optional.of(session), 101);
    }

    static HandshakeOutcome refused(int status) {
        return new HandshakeOutcome(Optional.empty(), status);
    }

    boolean isAdmitted() {
        return session.isPresent();
    }
}
