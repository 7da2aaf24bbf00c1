package dev.lanyard.benchmarks.soak;

import dev.lanyard.session.RevocationReason;
import dev.lanyard.session.Session;
import dev.lanyard.session.SessionHandle;
import dev.lanyard.session.SessionManager;
import dev.lanyard.session.SessionStores;
import dev.lanyard.session.StoreUnavailableException;
import dev.lanyard.session.jwt.AccessTokenIssuer;
import dev.lanyard.session.jwt.AccessTokenVerifier;
import dev.lanyard.session.jwt.KeyRing;
import dev.lanyard.session.jwt.RefreshFamilyListener;
import dev.lanyard.session.jwt.RefreshResult;
import dev.lanyard.session.jwt.RefreshTokenService;
import dev.lanyard.session.jwt.TokenKeySet;
import dev.lanyard.session.jwt.TokenPair;
import dev.lanyard.session.jwt.TokenVerification;
import dev.lanyard.session.jwt.VerificationMode;
import dev.lanyard.session.redis.NearCacheOptions;
import dev.lanyard.session.redis.NearCachedRedisStore;
import dev.lanyard.session.redis.RedisSessionStore;
import dev.lanyard.session.servlet.CookieSettings;
import dev.lanyard.session.servlet.FailureMode;
import dev.lanyard.session.servlet.LanyardSessionFilter;
import dev.lanyard.session.servlet.LanyardSessions;
import dev.lanyard.session.servlet.RoutePolicy;
import dev.lanyard.session.spi.AtomicValueStore;
import dev.lanyard.session.spi.SessionStore;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * One application node of the soak: embedded Jetty 12 with {@link LanyardSessionFilter} in front
 * of a small shop, on its own {@link RedisSessionStore} (with or without the near cache) and
 * {@link SessionManager} (as a separate server process would have), sharing the token keys with
 * the other nodes.
 *
 * <p>Routes: {@code GET /catalog} (fail-open), {@code POST /login?user=}, {@code GET /browse},
 * {@code POST /cart?item=}, {@code GET /cart}, {@code POST /refresh?token=}, {@code GET /api/me}
 * (bearer token, checked mode), {@code POST /admin/revoke?handle=}, {@code POST /logout}. Every
 * route but {@code /catalog} fails closed (503) while Redis is unavailable. The admin route has no
 * authentication: this is a test shop that only ever listens on 127.0.0.1 for the harness.
 */
final class AppNode implements AutoCloseable {

    /**
     * The store's command timeout. One second rather than the 250 ms default: on a shared 2-core
     * machine a scheduling stall of a few hundred milliseconds happens without any fault, and would
     * show up as a 503 no fault explains. The pause fault lasts longer than this.
     */
    static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(1);

    static final String COOKIE = "sid";
    static final String ISSUER = "https://soak.lanyard.test";
    static final String AUDIENCE = "shop";

    private final SessionStore store;
    private final Server server;
    private final ServerConnector connector;

    private AppNode(SessionStore store, Server server, ServerConnector connector) {
        this.store = store;
        this.server = server;
        this.connector = connector;
    }

    /**
     * Starts a node.
     *
     * @param name the node's ID (the manager's nodeId)
     * @param port the port to listen on, 0 for a free one
     * @param redisLocation where the store finds Redis, as a {@code redis://} or {@code redis-sentinel://} URI,
     *     or a {@code jdbc:} location for the JDBC store
     * @param keys the token keys every node shares
     * @param nearCache whether the Redis store has the near cache ({@link NearCachedRedisStore} with the
     *     default options: 500 ms heartbeat, 1.5 s lease)
     * @return the running node
     * @throws Exception if Jetty does not start
     */
    static AppNode start(String name, int port, String redisLocation, TokenKeySet keys, boolean nearCache)
            throws Exception {
        SessionStore store;
        if (redisLocation.startsWith("jdbc:")) {
            store = SessionStores.open(redisLocation);
        } else {
            RedisSessionStore redis = RedisSessionStore.builder()
                    .location(redisLocation)
                    .commandTimeout(COMMAND_TIMEOUT)
                    .build();
            store = nearCache ? NearCachedRedisStore.wrap(redis, NearCacheOptions.defaults()) : redis;
        }
        AtomicValueStore values = (AtomicValueStore) store;
        Server server = null;
        try {
            Clock clock = Clock.systemUTC();
            SessionManager manager = SessionManager.builder(store)
                    .nodeId(name)
                    .logEvents(false)
                    .listener(RefreshFamilyListener.create(values, clock))
                    .build();
            KeyRing ring = KeyRing.of(keys);
            AccessTokenIssuer issuer = AccessTokenIssuer.builder(ring)
                    .issuer(ISSUER)
                    .audience(AUDIENCE)
                    .clock(clock)
                    .build();
            AccessTokenVerifier verifier = AccessTokenVerifier.builder(ring)
                    .issuer(ISSUER)
                    .audience(AUDIENCE)
                    .manager(manager)
                    .build();
            // The harness retries a request whose answer it did not get (a node restarting, a 503 while
            // a write waits for the replica), as real clients do; a retried refresh presents the token a
            // lost answer already retired. The grace hands it the same successor instead of calling it
            // reuse (docs/tokens.md, "The grace period"); 30 s outlasts the longest fault here (the
            // pause, about 13 s).
            RefreshTokenService refresh = RefreshTokenService.builder(manager, values, issuer)
                    .gracePeriod(Duration.ofSeconds(30))
                    .build();
            LanyardSessionFilter filter = LanyardSessionFilter.builder(manager)
                    .cookie(CookieSettings.builder().name(COOKIE).secure(false).build())
                    .route(RoutePolicy.forPattern("/catalog")
                            .failureMode(FailureMode.OPEN)
                            .build())
                    .anonymousSessionRate(0, Duration.ofMinutes(1)) // every simulated client comes from 127.0.0.1
                    .build();

            server = new Server(new QueuedThreadPool(32, 4));
            ServerConnector connector = new ServerConnector(server, 1, 1);
            connector.setHost("127.0.0.1");
            connector.setPort(port);
            connector.setReuseAddress(true);
            server.addConnector(connector);
            ServletContextHandler context = new ServletContextHandler();
            context.setContextPath("/");
            context.addFilter(new FilterHolder(filter), "/*", EnumSet.allOf(DispatcherType.class));
            context.addServlet(new ServletHolder(new ShopServlet(manager, refresh, verifier)), "/*");
            server.setHandler(context);
            server.setStopTimeout(0);
            server.start();
            return new AppNode(store, server, connector);
        } catch (Exception | Error e) {
            if (server != null) {
                server.stop();
            }
            store.close();
            throw e;
        }
    }

    /** @return the node's near cache, or null when it runs without one */
    NearCachedRedisStore nearCache() {
        return store instanceof NearCachedRedisStore cached ? cached : null;
    }

    /** @return the port the node listens on */
    int port() {
        return connector.getLocalPort();
    }

    /**
     * Waits until every node's store answers three reads in a row (after a network fault, a node
     * replaces a silenced connection only after repeated timeouts).
     *
     * @param nodes the nodes
     * @param limit how long to wait at most
     * @throws IllegalStateException if a node does not serve again within the limit
     */
    static void awaitServing(AppNode[] nodes, Duration limit) {
        long deadline = System.nanoTime() + limit.toNanos();
        SessionHandle probe = dev.lanyard.session.SessionId.generate(new java.security.SecureRandom())
                .handle();
        for (AppNode node : nodes) {
            int answered = 0;
            while (answered < 3) {
                try {
                    node.store.load(probe);
                    answered++;
                } catch (RuntimeException notYet) {
                    answered = 0;
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException(
                                "a node's store did not answer within " + limit.toSeconds() + " s");
                    }
                    // A store that is down refuses at once: without a pause this loop would take a core
                    // from the nodes it waits for.
                    java.util.concurrent.locks.LockSupport.parkNanos(
                            java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(20));
                }
            }
        }
    }

    /**
     * Crashes the node: stops accepting, drops every open connection, then stops Jetty and closes the
     * store. Dropping the connections first is what makes it a crash: a request still running when
     * the store closes under it can no longer answer (in a real crash nothing would), so the harness
     * sees no answer and retries on the other node, instead of reading an error that only this
     * simulation could produce.
     */
    @Override
    public void close() throws Exception {
        try {
            connector.close();
            for (org.eclipse.jetty.io.EndPoint endPoint : List.copyOf(connector.getConnectedEndPoints())) {
                endPoint.close();
            }
            server.stop();
        } finally {
            store.close();
        }
    }

    /** The shop. Store failures of the app's own calls answer 503, as the filter does for its own. */
    static final class ShopServlet extends HttpServlet {
        private static final long serialVersionUID = 1L;
        private final transient SessionManager manager;
        private final transient RefreshTokenService refresh;
        private final transient AccessTokenVerifier verifier;

        ShopServlet(SessionManager manager, RefreshTokenService refresh, AccessTokenVerifier verifier) {
            this.manager = manager;
            this.refresh = refresh;
            this.verifier = verifier;
        }

        @Override
        protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
            response.setContentType("text/plain");
            String path = request.getRequestURI();
            String method = request.getMethod();
            try {
                if (path.equals("/catalog")) {
                    response.getWriter().write("catalog");
                } else if (path.equals("/login") && method.equals("POST")) {
                    login(request, response);
                } else if (path.equals("/browse")) {
                    Optional<String> user = LanyardSessions.of(request).userId();
                    answer(
                            response,
                            user.isPresent(),
                            () -> "user=" + user.get() + " handle="
                                    + LanyardSessions.of(request)
                                            .handle()
                                            .map(SessionHandle::value)
                                            .orElse(""));
                } else if (path.equals("/cart")) {
                    cart(request, response);
                } else if (path.equals("/refresh") && method.equals("POST")) {
                    RefreshResult result = refresh.refresh(String.valueOf(request.getParameter("token")));
                    if (!result.isSuccess()) {
                        // The harness counts refused refreshes of valid tokens; the reason says which check refused.
                        response.setHeader(
                                "X-Refresh-Rejection",
                                String.valueOf(result.rejection().orElse(null)));
                    }
                    answer(
                            response,
                            result.isSuccess(),
                            () -> tokens(result.tokens().orElseThrow()));
                } else if (path.equals("/api/me")) {
                    String header = request.getHeader("Authorization");
                    TokenVerification result = header == null || !header.startsWith("Bearer ")
                            ? null
                            : verifier.verify(header.substring(7), VerificationMode.CHECKED);
                    answer(
                            response,
                            result != null && result.isValid(),
                            () -> "user=" + result.orElseThrow().subject());
                } else if (path.equals("/admin/revoke") && method.equals("POST")) {
                    String handle = String.valueOf(request.getParameter("handle"));
                    boolean revoked = SessionHandle.isWellFormed(handle)
                            && manager.revoke(SessionHandle.of(handle), RevocationReason.ADMIN);
                    answer(response, true, () -> "revoked=" + revoked);
                } else if (path.equals("/logout") && method.equals("POST")) {
                    boolean out = LanyardSessions.of(request).logout();
                    answer(response, true, () -> "logout=" + out);
                } else {
                    response.sendError(404);
                }
            } catch (StoreUnavailableException e) {
                if (!response.isCommitted()) {
                    response.reset();
                    response.setHeader("Retry-After", "1");
                    response.sendError(503);
                }
            }
        }

        private void login(HttpServletRequest request, HttpServletResponse response) throws IOException {
            String user = request.getParameter("user");
            if (user == null || user.isEmpty()) {
                response.sendError(400);
                return;
            }
            LanyardSessions sessions = LanyardSessions.of(request);
            sessions.login(user);
            SessionHandle handle = sessions.handle().orElseThrow();
            Optional<Session> session = manager.lookup(handle).session();
            if (session.isEmpty()) {
                response.sendError(409);
                return;
            }
            response.getWriter().write("handle=" + handle.value() + " " + tokens(refresh.issue(session.get())));
        }

        private static void cart(HttpServletRequest request, HttpServletResponse response) throws IOException {
            if (LanyardSessions.of(request).userId().isEmpty()) {
                response.setStatus(401);
                response.getWriter().write("anonymous");
                return;
            }
            HttpSession session = request.getSession();
            @SuppressWarnings("unchecked")
            List<String> cart = (List<String>) session.getAttribute("cart");
            List<String> updated = cart == null ? new ArrayList<>() : new ArrayList<>(cart);
            if (request.getMethod().equals("POST")) {
                updated.add(String.valueOf(request.getParameter("item")));
                session.setAttribute("cart", updated);
            }
            response.getWriter().write(String.join(",", updated));
        }

        private static String tokens(TokenPair pair) {
            return "refresh=" + pair.refreshToken() + " access="
                    + pair.accessToken().value();
        }

        private static void answer(HttpServletResponse response, boolean ok, java.util.function.Supplier<String> body)
                throws IOException {
            if (ok) {
                response.getWriter().write(body.get());
            } else {
                response.setStatus(401);
                response.getWriter().write("anonymous");
            }
        }
    }
}
