package dev.lanyard.session.websocket;

/**
 * How often a route's sockets look at their session.
 *
 * @since 0.1.0
 */
public enum SocketCheck {
    /**
     * Every {@link SocketSessions.Builder#checkInterval check interval}, once per session on this node
     * (however many sockets it has). A session that ends is noticed within one interval. The default.
     */
    PERIODIC,
    /**
     * Periodically, and also before each inbound message the endpoint passes to
     * {@link SocketSessions#admit}: for high-risk endpoints, where a message must never be acted on after the
     * session ended. Costs one store read per message (none on a near-cache hit). With a near cache, an
     * end decided on another node is seen once that node's write has invalidated this node's copy (the
     * near cache's propagation delay, milliseconds on a healthy link); an end decided on this node, at once.
     */
    EACH_MESSAGE
}
