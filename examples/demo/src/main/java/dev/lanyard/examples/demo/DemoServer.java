package dev.lanyard.examples.demo;

import dev.lanyard.session.LoginAttributePolicy;
import dev.lanyard.session.SessionManager;
import dev.lanyard.session.SessionPolicy;
import dev.lanyard.session.SessionStores;
import dev.lanyard.session.jwt.AccessTokenIssuer;
import dev.lanyard.session.jwt.AccessTokenVerifier;
import dev.lanyard.session.jwt.KeyRing;
import dev.lanyard.session.jwt.RefreshTokenService;
import dev.lanyard.session.jwt.TokenKeySet;
import dev.lanyard.session.jwt.VerificationMode;
import dev.lanyard.session.jwt.servlet.BearerAuthenticator;
import dev.lanyard.session.jwt.servlet.JwksServlet;
import dev.lanyard.session.jwt.servlet.TokenEndpoints;
import dev.lanyard.session.metrics.SessionMetrics;
import dev.lanyard.session.metrics.SessionObservations;
import dev.lanyard.session.servlet.CookieSettings;
import dev.lanyard.session.servlet.CsrfMode;
import dev.lanyard.session.servlet.FailureMode;
import dev.lanyard.session.servlet.LanyardSessionFilter;
import dev.lanyard.session.servlet.LanyardSessions;
import dev.lanyard.session.servlet.RoutePolicy;
import dev.lanyard.session.servlet.StepUpAnswer;
import dev.lanyard.session.spi.AtomicValueStore;
import dev.lanyard.session.spi.SessionStore;
import dev.lanyard.session.websocket.HandshakeGuardFilter;
import dev.lanyard.session.websocket.SessionEndNotes;
import dev.lanyard.session.websocket.SocketMeters;
import dev.lanyard.session.websocket.SocketRoute;
import dev.lanyard.session.websocket.SocketSessions;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import jakarta.servlet.DispatcherType;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.ee10.websocket.jakarta.server.config.JakartaWebSocketServletContainerInitializer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wires the demo: store, session manager, metrics, tokens, the Lanyard filter and the pages, on
 * embedded Jetty 12. Everything Lanyard-specific the demo does is configured here.
 */
final class DemoServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DemoServer.class);

    /** How recent a login {@code /account/security} demands (step-up). */
    static final Duration STEP_UP = Duration.ofMinutes(5);

    static final String ISSUER = "http://lanyard-demo";
    static final String AUDIENCE = "lanyard-demo-api";

    /** How often the admin page's charts sample the meters. */
    static final Duration CHART_INTERVAL = Duration.ofSeconds(2);

    private final Server server;
    private final ServerConnector connector;
    private final SessionStore store;
    private final ScheduledExecutorService sampler;
    private final DemoTracing tracing;
    private final SocketSessions sockets;

    private DemoServer(
            Server server,
            ServerConnector connector,
            SessionStore store,
            ScheduledExecutorService sampler,
            DemoTracing tracing,
            SocketSessions sockets) {
        this.sockets = sockets;
        this.server = server;
        this.connector = connector;
        this.store = store;
        this.sampler = sampler;
        this.tracing = tracing;
    }

    /**
     * Builds and starts the demo.
     *
     * @param settings where to listen and which store to use
     * @param clock the clock of every session and token decision (tests pass a movable one)
     * @return the running demo; close it to stop
     * @throws Exception if Jetty cannot start (port in use) or the store cannot be opened
     */
    static DemoServer start(DemoSettings settings, Clock clock) throws Exception {
        // [wiring-start] the store named by LANYARD_STORE (memory: or redis://host:port), the manager, metrics
        SessionStore store = SessionStores.open(settings.store(), clock);
        if (!(store instanceof AtomicValueStore values)) {
            store.close();
            throw new IllegalArgumentException("the demo needs a store with values (memory: or redis://)");
        }
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        SessionMetrics metrics = SessionMetrics.builder()
                .commonTag("application", "lanyard-demo")
                .routes(List.of("/account/security"))
                .build();
        metrics.bindTo(registry);
        DemoTracing tracing = new DemoTracing(DemoTracing.logExporter()); // spans to the log (LANYARD_SPANS=INFO)
        SessionManager manager = SessionManager.builder(store)
                .clock(clock)
                .nodeId(settings.nodeId())
                // Only the cart crosses a login: nothing an anonymous visitor left behind becomes
                // security state of the logged-in session (docs/security.md, "The login boundary")
                .policy(SessionPolicy.builder()
                        .loginAttributes(LoginAttributePolicy.named(ShopServlet.CART))
                        .build())
                .listener(metrics)
                .listener(new SessionEndNotes(values)) // lets other nodes say why a socket closed
                .observer(SessionObservations.create(tracing.observations()))
                .build();
        // [wiring-end]

        // [tokens-start] short-lived access tokens bound to the session, rotating refresh tokens
        KeyRing keys = KeyRing.of(TokenKeySet.of(DemoKeys.sharedSigningKey(values)));
        AccessTokenIssuer issuer = AccessTokenIssuer.builder(keys)
                .issuer(ISSUER)
                .audience(AUDIENCE)
                .clock(clock)
                .build();
        AccessTokenVerifier verifier = AccessTokenVerifier.builder(keys)
                .issuer(ISSUER)
                .audience(AUDIENCE)
                .manager(manager)
                .build();
        // A short grace (docs/tokens.md, "The grace period"): two tabs whose refreshes cross both get
        // the one successor; a third presentation of the retired token is reuse.
        RefreshTokenService refresh = RefreshTokenService.builder(manager, values, issuer)
                .gracePeriod(Duration.ofSeconds(10))
                .build();
        TokenEndpoints tokenEndpoints = TokenEndpoints.create(
                refresh,
                request -> LanyardSessions.find(request).flatMap(LanyardSessions::session),
                TokenEndpoints.RevocationScope.FAMILY);
        // CHECKED: one session read per call, so logout, revocation and role changes count at once
        BearerAuthenticator bearer = BearerAuthenticator.create(verifier, VerificationMode.CHECKED);
        // [tokens-end]

        // [filter-start]
        LanyardSessionFilter filter = LanyardSessionFilter.builder(manager)
                .cookie(
                        settings.devCookie()
                                ? CookieSettings.builder()
                                        .name("lanyard-dev-session")
                                        .secure(false)
                                        .build()
                                : CookieSettings.defaults()) // __Host-session; Secure; HttpOnly; SameSite=Lax
                .csrf(CsrfMode.TOKEN) // every form carries the session's token
                .route(RoutePolicy.forPattern("/account/security")
                        .stepUp(STEP_UP, StepUpAnswer.redirectTo("/login?next=/account/security"))
                        .build())
                .route(RoutePolicy.forPattern("/api/token/refresh")
                        .csrfExempt()
                        .build()) // the refresh token is the proof
                .route(RoutePolicy.forPattern("/metrics")
                        .failureMode(FailureMode.OPEN)
                        .build())
                .route(RoutePolicy.forPattern("/.well-known/*")
                        .failureMode(FailureMode.OPEN)
                        .build())
                .build();
        // [filter-end]

        // [sockets-start] the live page's WebSocket: bound to the session, closed with it on every node
        SocketSessions sockets = SocketSessions.builder(manager)
                .cookieName(settings.devCookie() ? "lanyard-dev-session" : CookieSettings.DEFAULT_NAME)
                .build();
        new SocketMeters(sockets).bindTo(registry);
        // [sockets-end]

        Users users = new Users(values);
        ServletContextHandler context =
                new ServletContextHandler("/"); // no SESSIONS: Jetty keeps no sessions of its own
        context.addFilter(new FilterHolder(filter), "/*", EnumSet.allOf(DispatcherType.class));
        ShopServlet shop = new ShopServlet(settings.nodeId());
        context.addServlet(new ServletHolder(shop), "");
        context.addServlet(new ServletHolder(shop), "/cart");
        LoginServlet login = new LoginServlet(users);
        context.addServlet(new ServletHolder(login), "/login");
        context.addServlet(new ServletHolder(login), "/logout");
        AccountServlet account = new AccountServlet(sockets);
        context.addServlet(new ServletHolder(account), "/account/sessions/*");
        context.addServlet(new ServletHolder(account), "/account/security");
        context.addServlet(new ServletHolder(new AdminServlet(users, manager)), "/admin/users/*");
        ApiServlet api = new ApiServlet(bearer);
        context.addServlet(new ServletHolder(api), "/api/me");
        context.addServlet(new ServletHolder(api), "/api/csrf");
        context.addServlet(new ServletHolder(api), "/api/orders");
        context.addServlet(new ServletHolder(tokenEndpoints.issueServlet()), "/api/token");
        context.addServlet(new ServletHolder(tokenEndpoints.refreshServlet()), "/api/token/refresh");
        context.addServlet(new ServletHolder(new JwksServlet(keys, Duration.ofMinutes(5))), "/.well-known/jwks.json");
        context.addServlet(new ServletHolder(new MetricsServlet(registry)), "/metrics");
        context.addServlet(new ServletHolder(new LiveServlet()), "/live");
        // [live-endpoint-start] Jetty's way to reach the ServerContainer; in a war, a ServletContextListener does it
        JakartaWebSocketServletContainerInitializer.configure(context, (servletContext, container) -> {
            container.setDefaultMaxSessionIdleTimeout(Duration.ofMinutes(10).toMillis()); // Jetty's default is 30 s
            container.addEndpoint(sockets.endpoint("/live/socket", LiveEndpoint::new, SocketRoute.defaults()));
            // refuses a handshake without a live session (or from another origin) with 403, ahead of Jetty's upgrade
            HandshakeGuardFilter.register(servletContext, sockets, "/live/socket");
        });
        // [live-endpoint-end]
        // The admin page's live charts: the meters sampled on a wall clock (the session clock may be a test's).
        ChartHistory charts = new ChartHistory(registry, Clock.systemUTC());
        context.addServlet(new ServletHolder(new ChartsServlet(charts, CHART_INTERVAL)), "/admin/charts.json");

        Server server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost(settings.host());
        connector.setPort(settings.port());
        server.addConnector(connector);
        server.setHandler(context);
        server.setStopTimeout(2_000);
        ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "demo-chart-sampler");
            thread.setDaemon(true);
            return thread;
        });
        try {
            server.start();
            sampler.scheduleAtFixedRate(
                    () -> {
                        try {
                            charts.sample();
                        } catch (RuntimeException e) { // a failed sample must not end the sampling
                            LOG.warn("chart sample failed: {}", e.toString());
                        }
                    },
                    0,
                    CHART_INTERVAL.toMillis(),
                    TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            sampler.shutdownNow();
            sockets.close();
            server.stop();
            store.close();
            tracing.close();
            throw e;
        }
        return new DemoServer(server, connector, store, sampler, tracing, sockets);
    }

    /** @return the port the demo listens on */
    int port() {
        return connector.getLocalPort();
    }

    /** Blocks until the server stops. */
    void join() throws InterruptedException {
        server.join();
    }

    /** Stops Jetty (letting requests in flight finish for up to two seconds), then closes the store. */
    @Override
    public void close() {
        sampler.shutdownNow();
        sockets.close();
        try {
            server.stop();
        } catch (Exception e) {
            LOG.warn("Jetty did not stop cleanly: {}", e.toString());
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
        } finally {
            store.close();
            tracing.close();
        }
    }
}
