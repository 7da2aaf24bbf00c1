package dev.lanyard.session.websocket;

/** Ends an upgrade whose request presented no live, signed-in Lanyard session. */
final class HandshakeRefusedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    HandshakeRefusedException() {
        super("WebSocket handshake refused: no live, signed-in Lanyard session", null, false, false);
    }
}
