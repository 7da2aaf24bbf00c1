package dev.lanyard.session.websocket;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.Objects;

/**
 * Micrometer meters for a node's sockets: {@code lanyard.websocket.open} (gauge), {@code
 * lanyard.websocket.closed} (counter, tag {@code cause}: a {@link SocketCloseCause} name in lower case) and
 * {@code lanyard.websocket.refused} (counter of refused handshakes). Tags are low-cardinality: never a user,
 * an ID or a handle. Needs {@code micrometer-core}, an optional dependency of this module.
 *
 * @since 0.1.0
 */
public final class SocketMeters implements MeterBinder {

    private final SocketSessions sockets;

    /** @param sockets the node's sockets */
    public SocketMeters(SocketSessions sockets) {
        this.sockets = Objects.requireNonNull(sockets, "sockets");
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        Gauge.builder("lanyard.websocket.open", sockets, SocketSessions::openSockets)
                .description("WebSockets bound to a Lanyard session, open on this node")
                .register(registry);
        for (SocketCloseCause cause : SocketCloseCause.values()) {
            FunctionCounter.builder("lanyard.websocket.closed", sockets, s -> s.closedSockets(cause))
                    .description("WebSockets Lanyard closed, by cause")
                    .tag("cause", cause.name().toLowerCase(java.util.Locale.ROOT))
                    .register(registry);
        }
        FunctionCounter.builder("lanyard.websocket.refused", sockets, SocketSessions::refusedHandshakes)
                .description("WebSocket handshakes refused for want of a live, signed-in session")
                .register(registry);
    }
}
