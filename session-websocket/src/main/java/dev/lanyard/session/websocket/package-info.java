/**
 * Jakarta WebSocket endpoints bound to a Lanyard session.
 *
 * <p>{@link dev.lanyard.session.websocket.SocketSessions} resolves the Lanyard session during the
 * handshake (from the session cookie or header, never from the container's {@code HttpSession}), binds
 * it to the socket, touches the session while the socket is open, and closes every socket whose session
 * ended (logout, revocation, expiry, stale version) with close code 1008 and a reason naming the cause.
 * Endpoints read the session's user, roles and version through {@link dev.lanyard.session.websocket.BoundSession}.
 * {@link dev.lanyard.session.websocket.HandshakeGuardFilter} answers a refused handshake with {@code 403}
 * before the container's upgrade.
 *
 * @since 0.1.0
 */
package dev.lanyard.session.websocket;
