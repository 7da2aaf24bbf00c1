package dev.lanyard.session.websocket;

import jakarta.websocket.Endpoint;
import jakarta.websocket.HandshakeResponse;
import jakarta.websocket.server.HandshakeRequest;
import jakarta.websocket.server.ServerEndpointConfig;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Resolves the Lanyard session of each upgrade request and hands each socket a fresh bound endpoint. It is the
 * second line: {@link HandshakeGuardFilter} refuses with {@code 403} before the container's upgrade starts, but
 * a handshake that reaches this configurator unguarded (or whose session ended since the filter looked) is
 * refused here by throwing {@link HandshakeRefusedException} from {@code modifyHandshake}, which ends the
 * upgrade before any endpoint exists; the container answers it with its own error status.
 */
final class HandshakeConfigurator extends ServerEndpointConfig.Configurator {

    private final SocketSessions sockets;
    private final Supplier<? extends Endpoint> endpoints;
    private final SocketRoute route;

    HandshakeConfigurator(SocketSessions sockets, Supplier<? extends Endpoint> endpoints, SocketRoute route) {
        this.sockets = sockets;
        this.endpoints = endpoints;
        this.route = route;
    }

    @Override
    public void modifyHandshake(ServerEndpointConfig config, HandshakeRequest request, HandshakeResponse response) {
        Optional<BoundSession> bound = sockets.handshake(request.getHeaders());
        if (bound.isEmpty()) {
            sockets.refusedInConfigurator();
            throw new HandshakeRefusedException();
        }
        config.getUserProperties().put(SocketSessions.BOUND_PROPERTY, bound.get());
    }

    @Override
    public <T> T getEndpointInstance(Class<T> endpointClass) {
        if (!endpointClass.isAssignableFrom(BoundEndpoint.class)) {
            throw new IllegalArgumentException("this configurator makes " + BoundEndpoint.class.getName()
                    + " endpoints, not " + endpointClass.getName());
        }
        return endpointClass.cast(new BoundEndpoint(sockets, endpoints.get(), route));
    }
}
