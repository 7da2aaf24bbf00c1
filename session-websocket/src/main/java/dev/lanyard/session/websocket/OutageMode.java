package dev.lanyard.session.websocket;

/**
 * What a route's open sockets do while the session store cannot be reached, mirroring the servlet
 * routes' fail-open and fail-closed modes.
 *
 * @since 0.1.0
 */
public enum OutageMode {
    /** Sockets stay open on the strength of their handshake; the session is checked again once the store answers. */
    FAIL_OPEN,
    /** Sockets are closed with {@link SocketCloseCause#STORE_UNAVAILABLE} (1013, try again later). The default. */
    FAIL_CLOSED
}
