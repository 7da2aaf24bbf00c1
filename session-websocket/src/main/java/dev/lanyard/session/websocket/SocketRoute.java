package dev.lanyard.session.websocket;

import java.util.Objects;

/**
 * The policy of one WebSocket endpoint: how often its sockets check their session, and what they do
 * while the store is down. Immutable.
 *
 * @param check how often the session is checked (default {@link SocketCheck#PERIODIC})
 * @param outage what happens while the store is down (default {@link OutageMode#FAIL_CLOSED})
 *
 * @since 0.1.0
 */
public record SocketRoute(SocketCheck check, OutageMode outage) {

    /**
     * Checks the values.
     *
     * @param check how often the session is checked
     * @param outage what happens while the store is down
     */
    public SocketRoute {
        Objects.requireNonNull(check, "check");
        Objects.requireNonNull(outage, "outage");
    }

    /** @return the default route: periodic checks, fail-closed */
    public static SocketRoute defaults() {
        return new SocketRoute(SocketCheck.PERIODIC, OutageMode.FAIL_CLOSED);
    }

    /**
     * @param value how often the session is checked
     * @return a copy with that check
     */
    public SocketRoute withCheck(SocketCheck value) {
        return new SocketRoute(value, outage);
    }

    /**
     * @param value what happens while the store is down
     * @return a copy with that outage mode
     */
    public SocketRoute withOutage(OutageMode value) {
        return new SocketRoute(check, value);
    }
}
