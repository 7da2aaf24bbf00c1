package dev.lanyard.session.websocket;

import jakarta.websocket.CloseReason;
import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.Session;
import java.util.Optional;

/**
 * Wraps the application's endpoint: registers the socket with its bound session before the application sees
 * it, and forgets it when it closes. Public only because the Jakarta WebSocket containers require a public
 * endpoint class; applications never create or name it ({@link SocketSessions#endpoint} does).
 *
 * @since 0.1.0
 */
public final class BoundEndpoint extends Endpoint {

    private final SocketSessions sockets;
    private final Endpoint delegate;
    private final SocketRoute route;

    BoundEndpoint(SocketSessions sockets, Endpoint delegate, SocketRoute route) {
        this.sockets = sockets;
        this.delegate = delegate;
        this.route = route;
    }

    /**
     * Binds the socket, then opens the application's endpoint; a socket without a bound session is closed.
     *
     * @param socket the new socket
     * @param config its configuration
     */
    @Override
    public void onOpen(Session socket, EndpointConfig config) {
        Object bound = config.getUserProperties().get(SocketSessions.BOUND_PROPERTY);
        if (!(bound instanceof BoundSession session)) {
            try {
                socket.close(SocketCloseCause.ENDED.closeReason());
            } catch (java.io.IOException e) {
                // the socket is going away either way
            }
            return;
        }
        socket.getUserProperties().put(SocketSessions.BOUND_PROPERTY, session);
        sockets.opened(socket, session, route);
        delegate.onOpen(socket, config);
    }

    /**
     * Forgets the socket, then tells the application's endpoint.
     *
     * @param socket the closing socket
     * @param reason why it closes
     */
    @Override
    public void onClose(Session socket, CloseReason reason) {
        sockets.closed(socket);
        delegate.onClose(socket, reason);
    }

    /**
     * Tells the application's endpoint.
     *
     * @param socket the socket
     * @param error what went wrong
     */
    @Override
    public void onError(Session socket, Throwable error) {
        delegate.onError(socket, error);
    }

    /** @return the application's endpoint, for containers and tests that look inside */
    Optional<Endpoint> delegate() {
        return Optional.of(delegate);
    }
}
