package dev.lanyard.session.websocket;

import dev.lanyard.session.SessionHandle;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * What an endpoint may know of the Lanyard session a socket is bound to, as the handshake resolved it.
 * Immutable; the socket is closed when the session ends, so an open socket's bound session is current
 * up to the check interval (or exactly, on a route that checks each message).
 *
 * @param handle the session's public handle (never its secret ID)
 * @param userId the signed-in user
 * @param roles the user's roles as the session holds them (empty when none were given at login)
 * @param version the session's version at the handshake; a later privilege change closes the socket
 * @param absoluteExpiry when the session reaches its absolute lifetime, which an open socket does not extend
 *
 * @since 0.1.0
 */
public record BoundSession(
        SessionHandle handle, String userId, Set<String> roles, long version, Instant absoluteExpiry) {

    /**
     * Checks and copies the values.
     *
     * @param handle the session's public handle
     * @param userId the signed-in user
     * @param roles the user's roles
     * @param version the session's version at the handshake
     * @param absoluteExpiry when the session reaches its absolute lifetime
     */
    public BoundSession {
        Objects.requireNonNull(handle, "handle");
        Objects.requireNonNull(userId, "userId");
        roles = Set.copyOf(roles);
        Objects.requireNonNull(absoluteExpiry, "absoluteExpiry");
    }

    /**
     * Reads the bound session of an open socket.
     *
     * @param socket a socket opened through {@link SocketSessions#endpoint}
     * @return the bound session, or empty when the socket did not pass a Lanyard handshake
     */
    public static Optional<BoundSession> of(jakarta.websocket.Session socket) {
        Object bound = socket.getUserProperties().get(SocketSessions.BOUND_PROPERTY);
        return bound instanceof BoundSession session ? Optional.of(session) : Optional.empty();
    }

    /**
     * @param role a role name
     * @return whether the session holds it
     */
    public boolean hasRole(String role) {
        return roles.contains(role);
    }
}
