package dev.lanyard.session.websocket;

import dev.lanyard.session.Resolution;
import dev.lanyard.session.ResolutionStatus;
import dev.lanyard.session.Session;
import dev.lanyard.session.SessionHandle;
import dev.lanyard.session.SessionManager;
import dev.lanyard.session.SessionUpdate;
import dev.lanyard.session.StoreUnavailableException;
import jakarta.websocket.Endpoint;
import jakarta.websocket.server.ServerEndpointConfig;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sockets of one node, bound to their Lanyard sessions. One instance per node (per
 * {@link SessionManager}); it owns one scheduler thread (and one more that records its socket counts in a store
 * that can keep them), so {@link #close()} it when the application stops.
 *
 * <ul>
 *   <li><b>Handshake.</b> An endpoint registered with {@link #endpoint} resolves the Lanyard session from the
 *       session cookie ({@link Builder#cookieName}) or header ({@link Builder#headerName}) of the upgrade
 *       request; the container's {@code HttpSession} is not consulted. A handshake from another origin or
 *       without a live, signed-in session is refused and the endpoint never opens: with {@code 403} when
 *       {@link HandshakeGuardFilter} guards the endpoint's path (Jakarta WebSocket gives an endpoint's
 *       configurator no way to choose the status, so without the filter the container answers with its own
 *       error status).
 *   <li><b>Kept alive.</b> Every {@link Builder#checkInterval check interval} each session with open sockets
 *       on this node is looked up once (not once per socket, never per message) and, when its
 *       {@link dev.lanyard.session.SessionPolicy#touchInterval() touch interval} has passed, touched, so a user
 *       active only on a socket is not cut by the idle timeout. The absolute timeout still ends it.
 *   <li><b>Closed.</b> A session that ended (logout, revocation of one or all sessions, token reuse, rotation,
 *       expiry, stale version), on whichever node it ended, closes its sockets here within one check interval
 *       plus the store's invalidation delay (two intervals, and at least a second, when no
 *       {@link SessionEndNotes} note names the cause), with code 1008 and a reason naming the cause
 *       ({@link SocketCloseCause}). On a {@link SocketCheck#EACH_MESSAGE} route, {@link #admit} also checks
 *       before each inbound message.
 * </ul>
 *
 * <p>All decisions about time are the {@code SessionManager}'s, made with its {@code Clock}. Cost: per check
 * interval, one look-up per session with open sockets (no round trip on a near-cache hit), plus one write
 * per touch interval. Thread-safe.
 *
 * @since 0.1.0
 */
public final class SocketSessions implements AutoCloseable {

    /** Default {@link Builder#checkInterval}: how often open sockets look at their sessions. */
    public static final Duration DEFAULT_CHECK_INTERVAL = Duration.ofSeconds(1);
    /** Default {@link Builder#cookieName}, the servlet filter's default cookie name. */
    public static final String DEFAULT_COOKIE_NAME = "__Host-session";
    /** The socket user property that holds the {@link BoundSession}. */
    static final String BOUND_PROPERTY = BoundSession.class.getName();
    /** The session attribute in which the servlet filter keeps the roles given at login, comma-separated. */
    static final String ROLES_ATTRIBUTE = "lanyard.roles";

    private static final Logger LOG = LoggerFactory.getLogger(SocketSessions.class);

    private final SessionManager manager;
    private final Duration checkInterval;
    private final String cookieName;
    private final String headerName;
    private final Set<String> trustedOrigins;
    private final ScheduledExecutorService scheduler;

    private final Map<jakarta.websocket.Session, Socket> sockets = new ConcurrentHashMap<>();
    private final Map<SocketCloseCause, LongAdder> closes = new EnumMap<>(SocketCloseCause.class);
    private final LongAdder refusedHandshakes = new LongAdder();
    private final AtomicBoolean unguardedWarned = new AtomicBoolean();
    /** Sessions found gone without a note saying why, given time for the note to arrive. */
    private final AwaitedNotes unexplained = new AwaitedNotes();
    /** Records this node's socket counts in the shared store; {@code null} when the store has no values. */
    private final CountRecorder counts;

    private volatile boolean closed;

    /** One open socket: its session as bound, and its route. */
    record Socket(jakarta.websocket.Session socket, BoundSession bound, SocketRoute route) {}

    private SocketSessions(Builder b) {
        this.manager = b.manager;
        this.checkInterval = b.checkInterval;
        this.cookieName = b.cookieName;
        this.headerName = b.headerName;
        this.trustedOrigins = Set.copyOf(b.trustedOrigins);
        for (SocketCloseCause cause : SocketCloseCause.values()) {
            closes.put(cause, new LongAdder());
        }
        this.scheduler = daemonScheduler("lanyard-socket-check");
        long millis = checkInterval.toMillis();
        scheduler.scheduleWithFixedDelay(this::checkQuietly, millis, millis, TimeUnit.MILLISECONDS);
        this.counts = manager.values()
                .map(values -> new CountRecorder(
                        new SocketCounts(values, manager.clock(), SocketCounts.nodeOf(manager.nodeId()), checkInterval),
                        this::localCounts,
                        millis))
                .orElse(null);
    }

    private static ScheduledExecutorService daemonScheduler(String name) {
        return Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Starts configuring the sockets of one node.
     *
     * @param manager the node's session manager
     * @return a builder
     */
    public static Builder builder(SessionManager manager) {
        return new Builder(manager);
    }

    /**
     * Describes an endpoint whose sockets are bound to the Lanyard session; register the result with the
     * container's {@code ServerContainer.addEndpoint}, and guard its path with {@link HandshakeGuardFilter} so
     * that a refused handshake answers {@code 403}. The handshake is refused without a live, signed-in session;
     * each socket's endpoint is a new instance from {@code endpoints}, which reads the session with
     * {@link BoundSession#of}.
     *
     * @param path the endpoint's path, as {@code ServerEndpointConfig.Builder.create} takes it
     * @param endpoints makes one endpoint per socket
     * @param route how the sockets check their session and what they do while the store is down
     * @return the endpoint's configuration
     */
    public ServerEndpointConfig endpoint(String path, Supplier<? extends Endpoint> endpoints, SocketRoute route) {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(endpoints, "endpoints");
        Objects.requireNonNull(route, "route");
        return ServerEndpointConfig.Builder.create(BoundEndpoint.class, path)
                .configurator(new HandshakeConfigurator(this, endpoints, route))
                .build();
    }

    /**
     * Checks a socket's session before the endpoint acts on an inbound message. On a
     * {@link SocketCheck#EACH_MESSAGE} route it looks the session up (no round trip on a near-cache hit) and,
     * when the session ended, closes the socket and answers {@code false}; while the store is down it follows
     * the route's {@link OutageMode}. On a {@link SocketCheck#PERIODIC} route it answers from what this node
     * already knows, without a store call.
     *
     * @param socket the socket that received the message
     * @return whether the endpoint may act on the message
     */
    public boolean admit(jakarta.websocket.Session socket) {
        Socket open = sockets.get(socket);
        if (open == null) {
            return false;
        }
        if (open.route().check() != SocketCheck.EACH_MESSAGE) {
            return true;
        }
        return check(open.bound().handle(), open.bound().version(), List.of(open), false);
    }

    /** @return how many sockets are open on this node (this node's only, unlike the per-session counts) */
    public int openSockets() {
        return sockets.size();
    }

    /**
     * Counts a session's open sockets on every node. With a store that implements
     * {@link dev.lanyard.session.spi.AtomicValueStore} (memory, Redis, JDBC) the count is store-wide: this node's
     * sockets as they are, plus each other node's count as that node last recorded it. A node records its count
     * right after a socket opens or closes, and again every 20 s while it has sockets (every third of
     * {@code max(60 s, 3 × checkInterval)}); the record of a node that stopped without withdrawing it stops
     * counting {@code max(60 s, 3 × checkInterval)} after it was written (by the reading node's clock, so clock
     * skew between nodes adds to that). Without such a store (Memcached) it counts this node's sockets only.
     * Costs one store read; a read that fails counts this node's sockets only.
     *
     * @param handle a session's handle
     * @return how many sockets of that session are open on all nodes
     */
    public int openSockets(SessionHandle handle) {
        Objects.requireNonNull(handle, "handle");
        int here = (int) sockets.values().stream()
                .filter(s -> s.bound().handle().equals(handle))
                .count();
        return here + onOtherNodes(handle);
    }

    /**
     * Counts a user's open sockets by session on every node, for a device list beside
     * {@link SessionManager#sessionsOf}. Store-wide, with the same promise and fallback as
     * {@link #openSockets(SessionHandle)}: this node's sockets are counted as they are, another node's as it
     * last recorded them (a socket that closes on another node leaves the count within that node's next store
     * write; one on a node that died, within {@code max(60 s, 3 × checkInterval)}). Costs one
     * {@link SessionManager#sessionsOf} and one store read per session of the user; without a store that
     * implements {@link dev.lanyard.session.spi.AtomicValueStore}, or one that does not index users, no store
     * call and this node's sockets only.
     *
     * @param userId the user
     * @return open sockets per session handle; sessions without sockets are absent
     * @throws dev.lanyard.session.StoreUnavailableException if the store cannot list the user's sessions
     */
    public Map<SessionHandle, Integer> openSocketsOf(String userId) {
        Objects.requireNonNull(userId, "userId");
        Map<SessionHandle, Integer> here = new HashMap<>();
        for (Socket s : sockets.values()) {
            if (s.bound().userId().equals(userId)) {
                here.merge(s.bound().handle(), 1, Integer::sum);
            }
        }
        if (counts == null) {
            return Map.copyOf(here);
        }
        Set<SessionHandle> handles = new java.util.LinkedHashSet<>(here.keySet());
        try {
            manager.sessionsOf(userId).forEach(summary -> handles.add(summary.handle()));
        } catch (UnsupportedOperationException e) {
            return Map.copyOf(here); // the store does not index users
        }
        Map<SessionHandle, Integer> total = new HashMap<>();
        for (SessionHandle handle : handles) {
            int count = here.getOrDefault(handle, 0) + onOtherNodes(handle);
            if (count > 0) {
                total.put(handle, count);
            }
        }
        return Map.copyOf(total);
    }

    private int onOtherNodes(SessionHandle handle) {
        return counts == null ? 0 : counts.onOtherNodes(handle);
    }

    /**
     * @param cause a close cause
     * @return how many sockets this node closed for it since start
     */
    public long closedSockets(SocketCloseCause cause) {
        return closes.get(Objects.requireNonNull(cause, "cause")).sum();
    }

    /** @return how many handshakes this node refused since start */
    public long refusedHandshakes() {
        return refusedHandshakes.sum();
    }

    /** @return the configured check interval */
    public Duration checkInterval() {
        return checkInterval;
    }

    /**
     * Stops the checks, closes every open socket with {@link SocketCloseCause#SHUTDOWN} and withdraws this node's
     * socket counts from the store. Idempotent.
     */
    @Override
    public void close() {
        closed = true;
        scheduler.shutdownNow();
        for (Socket s : List.copyOf(sockets.values())) {
            closeSocket(s, SocketCloseCause.SHUTDOWN);
        }
        if (counts != null) {
            counts.close(); // withdraws this node's counts
        }
    }

    @Override
    public String toString() {
        return "SocketSessions[open=" + sockets.size() + ", checkInterval=" + checkInterval + "]";
    }

    // ---------------------------------------------------------------- handshake and lifecycle

    /** Resolves the presented session of a handshake; empty refuses it. */
    Optional<BoundSession> handshake(Map<String, List<String>> headers) {
        return judge(headers).session();
    }

    /**
     * Judges a handshake by its headers: its {@code Origin}, then its session. Counts each refusal once; a
     * handshake that {@link HandshakeGuardFilter} admitted is judged again by the endpoint's configurator.
     */
    HandshakeOutcome judge(Map<String, List<String>> headers) {
        if (!originAllowed(headers)) {
            // Cross-site WebSocket hijacking: a page of another origin (a sibling subdomain is same-site, so
            // the browser sends the cookie) opening a socket in the user's name.
            LOG.info("refused a WebSocket handshake from another origin");
            return refuse(HandshakeOutcome.FORBIDDEN);
        }
        Optional<String> presented = presentedId(headers);
        if (presented.isEmpty()) {
            return refuse(HandshakeOutcome.FORBIDDEN);
        }
        Resolution resolution;
        try {
            resolution = manager.resolve(presented.get());
        } catch (StoreUnavailableException e) {
            LOG.warn("refused a WebSocket handshake: the session store is unavailable");
            return refuse(HandshakeOutcome.UNAVAILABLE);
        }
        Optional<Session> session = resolution.session().filter(Session::isAuthenticated);
        if (session.isEmpty()) {
            return refuse(HandshakeOutcome.FORBIDDEN);
        }
        Session s = session.get();
        return HandshakeOutcome.admitted(
                new BoundSession(s.handle(), s.userId().orElseThrow(), roles(s), s.version(), s.absoluteExpiry()));
    }

    private HandshakeOutcome refuse(int status) {
        refusedHandshakes.increment();
        return HandshakeOutcome.refused(status);
    }

    /**
     * Notes a refusal that reached the endpoint's configurator, which can only answer it with the container's
     * error status: warns once per node that the guard filter is missing (or was passed by a session that ended
     * in between).
     */
    void refusedInConfigurator() {
        if (unguardedWarned.compareAndSet(false, true)) {
            LOG.warn("refused a WebSocket handshake in the endpoint's configurator, which answers with the"
                    + " container's error status (500); register HandshakeGuardFilter ahead of the container's"
                    + " upgrade to answer 403 (further refusals here are logged at debug)");
        } else {
            LOG.debug("refused a WebSocket handshake in the endpoint's configurator");
        }
    }

    private static Set<String> roles(Session session) {
        Object joined = session.attribute(ROLES_ATTRIBUTE).orElse(null);
        if (!(joined instanceof String text) || text.isEmpty()) {
            return Set.of();
        }
        return Set.of(text.split(","));
    }

    /** Whether the handshake's {@code Origin} is this server's own or a trusted one (see {@link HandshakeHeaders}). */
    boolean originAllowed(Map<String, List<String>> headers) {
        return HandshakeHeaders.originAllowed(headers, trustedOrigins);
    }

    /** The session ID a handshake presents: the header when configured and present, else the cookie. */
    Optional<String> presentedId(Map<String, List<String>> headers) {
        return HandshakeHeaders.presentedId(headers, headerName, cookieName);
    }

    void opened(jakarta.websocket.Session socket, BoundSession bound, SocketRoute route) {
        if (closed) {
            closeQuietly(socket, SocketCloseCause.SHUTDOWN);
            return;
        }
        sockets.put(socket, new Socket(socket, bound, route));
        queueCounts();
    }

    void closed(jakarta.websocket.Session socket) {
        if (sockets.remove(socket) != null) {
            queueCounts();
        }
    }

    /** Queues one write of this node's socket counts, when the store keeps them. */
    private void queueCounts() {
        if (counts != null && !closed) {
            counts.changed();
        }
    }

    /** @return this node's open sockets per session handle */
    private Map<SessionHandle, Integer> localCounts() {
        Map<SessionHandle, Integer> local = new HashMap<>();
        for (Socket s : sockets.values()) {
            local.merge(s.bound().handle(), 1, Integer::sum);
        }
        return local;
    }

    // ---------------------------------------------------------------- checks

    private void checkQuietly() {
        try {
            checkAll();
        } catch (RuntimeException e) {
            LOG.warn(
                    "the socket check failed with {}; next check in {}",
                    e.getClass().getName(),
                    checkInterval,
                    e);
        }
    }

    /** Looks every session with open sockets up once, touches the live ones that are due, closes the rest. */
    void checkAll() {
        Map<SessionHandle, List<Socket>> bySession = new HashMap<>();
        for (Socket s : sockets.values()) {
            bySession
                    .computeIfAbsent(s.bound().handle(), h -> new ArrayList<>())
                    .add(s);
        }
        unexplained.retainOnly(bySession.keySet());
        for (Map.Entry<SessionHandle, List<Socket>> e : bySession.entrySet()) {
            check(e.getKey(), e.getValue().get(0).bound().version(), e.getValue(), true);
        }
    }

    /**
     * Checks one session and acts on its sockets.
     *
     * @return whether the session is live (or the store is down and every socket's route fails open)
     */
    private boolean check(SessionHandle handle, long version, List<Socket> open, boolean periodic) {
        Resolution resolution;
        try {
            resolution = manager.lookup(handle, version);
        } catch (StoreUnavailableException e) {
            boolean kept = true;
            for (Socket s : open) {
                if (s.route().outage() == OutageMode.FAIL_CLOSED) {
                    closeSocket(s, SocketCloseCause.STORE_UNAVAILABLE);
                    kept = false;
                }
            }
            return kept;
        }
        if (resolution.isFound()) {
            Session session = resolution.session().orElseThrow();
            if (periodic && manager.touchDue(session)) {
                touch(session);
            }
            return true;
        }
        SocketCloseCause cause = why(handle, resolution.status());
        if (cause == SocketCloseCause.ENDED && periodic && unexplained.stillAwaited(handle)) {
            // the node that ended the session writes its note just after the store change: give it time to arrive
            return false;
        }
        unexplained.remove(handle);
        for (Socket s : open) {
            closeSocket(s, cause);
        }
        return false;
    }

    private void touch(Session session) {
        try {
            manager.save(session, SessionUpdate.none());
        } catch (StoreUnavailableException e) {
            LOG.debug("could not touch session {}: the store is unavailable", session.handle());
        }
    }

    private SocketCloseCause why(SessionHandle handle, ResolutionStatus status) {
        Optional<SocketCloseCause> named = SocketCloseCause.of(status);
        if (named.isPresent()) {
            return named.get();
        }
        return manager.values()
                .flatMap(values -> SessionEndNotes.read(values, handle))
                .orElse(SocketCloseCause.ENDED);
    }

    private void closeSocket(Socket s, SocketCloseCause cause) {
        if (sockets.remove(s.socket()) != null) {
            closes.get(cause).increment();
            closeQuietly(s.socket(), cause);
            queueCounts();
        }
    }

    private static void closeQuietly(jakarta.websocket.Session socket, SocketCloseCause cause) {
        try {
            socket.close(cause.closeReason());
        } catch (IOException | RuntimeException e) {
            LOG.debug(
                    "closing a socket ({}) failed with {}", cause, e.getClass().getName());
        }
    }

    /**
     * Configures a node's {@link SocketSessions}. Not thread-safe; {@link #build()} starts the checks.
     *
     * @since 0.1.0
     */
    public static final class Builder {
        private final SessionManager manager;
        private Duration checkInterval = DEFAULT_CHECK_INTERVAL;
        private String cookieName = DEFAULT_COOKIE_NAME;
        private String headerName;
        private final Set<String> trustedOrigins = new java.util.LinkedHashSet<>();

        private Builder(SessionManager manager) {
            this.manager = Objects.requireNonNull(manager, "manager");
        }

        /**
         * Sets how often open sockets look at their sessions (default {@link #DEFAULT_CHECK_INTERVAL}): the bound
         * on how long a socket outlives its session, plus the store's invalidation delay.
         *
         * @param value a positive duration of at least 10 ms
         * @return this builder
         */
        public Builder checkInterval(Duration value) {
            Objects.requireNonNull(value, "checkInterval");
            if (value.toMillis() < 10) {
                throw new IllegalArgumentException("checkInterval (" + value + ") must be at least 10 ms");
            }
            this.checkInterval = value;
            return this;
        }

        /**
         * Sets the cookie that carries the session ID (default {@value #DEFAULT_COOKIE_NAME}); use the name the
         * servlet filter is configured with.
         *
         * @param value the cookie name
         * @return this builder
         */
        public Builder cookieName(String value) {
            Objects.requireNonNull(value, "cookieName");
            if (value.isBlank()) {
                throw new IllegalArgumentException("cookieName must not be blank");
            }
            this.cookieName = value;
            return this;
        }

        /**
         * Also accepts the session ID in this request header (default: none, cookie only), for clients that are
         * not browsers; the servlet filter's {@code headerName} is the usual choice. The header wins over the
         * cookie when both are present.
         *
         * @param value the header name
         * @return this builder
         */
        public Builder headerName(String value) {
            Objects.requireNonNull(value, "headerName");
            if (value.isBlank()) {
                throw new IllegalArgumentException("headerName must not be blank");
            }
            this.headerName = value;
            return this;
        }

        /**
         * Also accepts handshakes whose {@code Origin} is {@code origin} (default: only the server's own
         * origin, as the {@code Host} header names it). A browser handshake from any other origin is refused
         * before its session is read, so a page of another site or of a sibling subdomain cannot open a
         * socket in the user's name (cross-site WebSocket hijacking).
         *
         * @param origin a scheme, host and optional port, such as {@code https://app.example.com}
         * @return this builder
         */
        public Builder trustedOrigin(String origin) {
            Objects.requireNonNull(origin, "origin");
            String normalized = origin.strip().toLowerCase(Locale.ROOT);
            if (!normalized.matches("https?://[^/\\s]+")) {
                throw new IllegalArgumentException(
                        "trustedOrigin must be a scheme and host, such as https://app.example.com");
            }
            trustedOrigins.add(normalized);
            return this;
        }

        /** @return the node's sockets, with their checks running */
        public SocketSessions build() {
            return new SocketSessions(this);
        }
    }
}
