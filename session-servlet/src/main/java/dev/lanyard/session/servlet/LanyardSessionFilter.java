package dev.lanyard.session.servlet;

import dev.lanyard.session.SessionManager;
import dev.lanyard.session.StoreUnavailableException;
import dev.lanyard.session.spi.ExpiryNotifyingStore;
import dev.lanyard.session.spi.SessionStore;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.FilterConfig;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EventListener;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The servlet filter that backs {@code HttpSession} with a Lanyard {@link SessionManager}: map it
 * to {@code /*}, first in the chain, and existing session code becomes distributed, revocable and
 * safe without change.
 *
 * <h2>What it does per request</h2>
 *
 * <ol>
 *   <li>Reads the session ID from the cookie (default {@value CookieSettings#DEFAULT_NAME}) or,
 *       when configured and present, a header. Absent, duplicated (cookie tossing), oversized and
 *       malformed values make the request anonymous without a store call; an unknown ID costs one
 *       store read. Never a 500.
 *   <li>Resolves the session (one store read), applies the route's policy (idle window, step-up,
 *       CSRF) and answers {@code 503} at once when the store is down on a fail-closed route.
 *   <li>Wraps request and response: {@code getSession()} and every {@code HttpSession} method are
 *       answered by Lanyard, never by the container, so no {@code JSESSIONID} is created; URLs are
 *       never rewritten. Sessions are created only when the application asks.
 *   <li>Collects attribute changes and writes them as one delta before the response commits
 *       (redirect, error, flush, buffer overflow, content length reached, include) and in {@code
 *       finally}; asynchronous requests are written when the async work ends.
 * </ol>
 *
 * <h2>{@code HttpSession.getId()} returns the public handle</h2>
 *
 * The session ID is a bearer credential: whoever reads it holds the session. Applications log
 * {@code session.getId()}, show it in admin pages and send it to analytics; a container-style ID
 * there would leak the credential. Lanyard's {@code getId()} (and {@code getRequestedSessionId()})
 * therefore return the session's handle, the SHA-256 of the ID: stable for the session (until
 * rotation), unique, safe to log, and what device lists and admin revocation use. The ID itself
 * only ever appears in the {@code Set-Cookie} header.
 *
 * <h2>Configuration</h2>
 *
 * Either programmatic ({@link #builder(SessionManager)}, then register the instance with {@code
 * ServletContext.addFilter}) or by init-parameters when the container instantiates the class
 * (web.xml, {@code @WebFilter}, {@code addFilter(name, LanyardSessionFilter.class)}); every
 * parameter is documented in {@code docs/configuration.md}. Session listeners are those given to
 * the filter (builder or {@code listeners} parameter) plus, unless turned off, those the
 * application declares in {@code web.xml} or with {@code @WebListener}, as {@link
 * LanyardListenerDiscovery} finds them. Sessions that time out are reported to them when the store
 * reports timeouts ({@link SessionManager#reportsTimeouts()}).
 *
 * <p>The class is open only so that an application can declare it with {@code @WebFilter} on an
 * empty subclass; every method is final.
 *
 * <p>Thread-safe: one instance serves all requests. The hot path allocates a few small objects per
 * request and logs nothing at INFO or above.
 *
 * @since 0.1.0
 */
public class LanyardSessionFilter implements Filter {

    /** MDC key of the request's correlation ID. */
    public static final String MDC_REQUEST_ID = "requestId";

    /** MDC key of the session handle of the request (absent while anonymous). */
    public static final String MDC_SESSION = "session";

    /** The default header of request correlation IDs. */
    public static final String DEFAULT_REQUEST_ID_HEADER = "X-Request-Id";

    /** The default {@code Retry-After} of the 503 answer when the store is down. */
    public static final Duration DEFAULT_RETRY_AFTER = Duration.ofSeconds(5);

    /**
     * The default CSRF defence: {@link CsrfMode#ORIGIN}, which refuses unsafe requests a browser
     * marks as sent from another site (a sibling subdomain included, which {@code SameSite=Lax} lets
     * through) and needs no change to the application.
     */
    public static final CsrfMode DEFAULT_CSRF = CsrfMode.ORIGIN;

    /** The default CSRF token header. */
    public static final String DEFAULT_CSRF_HEADER_NAME = "X-CSRF-Token";

    /** The default CSRF token form parameter. */
    public static final String DEFAULT_CSRF_PARAMETER_NAME = "_csrf";

    /**
     * The default number of anonymous sessions stored for one client network prefix per {@link
     * #DEFAULT_ANONYMOUS_SESSION_WINDOW}: 300. Beyond it, requests of that prefix get a transient
     * session that is never stored.
     */
    public static final int DEFAULT_ANONYMOUS_SESSION_LIMIT = 300;

    /** The default window of {@link #DEFAULT_ANONYMOUS_SESSION_LIMIT}: one minute. */
    public static final Duration DEFAULT_ANONYMOUS_SESSION_WINDOW = Duration.ofMinutes(1);

    /** The default number of bad session IDs from one network prefix that raises a guessing event. */
    public static final int DEFAULT_GUESSING_THRESHOLD = 20;

    /** The default window in which bad session IDs are counted. */
    public static final Duration DEFAULT_GUESSING_WINDOW = Duration.ofMinutes(1);

    /** The default bound on client prefixes tracked by guessing detection. */
    public static final int DEFAULT_GUESSING_MAX_CLIENTS = 10_000;

    /**
     * The default overlap after an ID renewal (see {@link Builder#idRenewalInterval}): 30 seconds, in
     * which the old ID still leads to the session.
     */
    public static final Duration DEFAULT_ID_RENEWAL_OVERLAP = Duration.ofSeconds(30);

    /** The longest overlap {@link Builder#idRenewalOverlap} accepts: five minutes. */
    public static final Duration MAX_ID_RENEWAL_OVERLAP = Duration.ofMinutes(5);

    private static final Logger LOG = LoggerFactory.getLogger(LanyardSessionFilter.class);

    private final Builder programmatic;
    private volatile FilterSettings settings;
    private volatile ServletContext context;
    private volatile SessionStore ownedStore;
    private volatile ExpiryNotifyingStore.Subscription timeouts;

    /**
     * Creates a filter configured by init-parameters in {@link #init(FilterConfig)}: the constructor
     * containers call for web.xml, and that an empty {@code @WebFilter} subclass inherits.
     */
    public LanyardSessionFilter() {
        this.programmatic = null;
    }

    private LanyardSessionFilter(Builder builder, FilterSettings settings) {
        this.programmatic = builder;
        this.settings = settings;
    }

    /**
     * Starts a programmatic configuration.
     *
     * @param manager the session manager; the caller owns its store and closes it
     * @return a builder
     */
    public static Builder builder(SessionManager manager) {
        return new Builder(manager);
    }

    /**
     * Initialises the filter. A filter built with {@link #builder(SessionManager)} ignores
     * init-parameters; one created by the container reads them, opens the store named by {@code
     * store} (default {@code memory:}) and closes it in {@link #destroy()}.
     *
     * <p>Init never needs the store to be reachable: a Redis store that cannot be reached yet
     * connects in the background, and until it answers every request meets its route's failure mode
     * ({@code 503} with {@code Retry-After}, or a transient session on fail-open routes). The filter
     * publishes its {@link SessionManager} as the context attribute {@link
     * LanyardSessions#MANAGER_ATTRIBUTE} (see {@link LanyardSessions#manager}).
     *
     * @throws ServletException if a parameter is unknown or invalid (the message names it), or the
     *     store was reached and refused the connection (credentials)
     */
    @Override
    public final void init(FilterConfig config) throws ServletException {
        this.context = config.getServletContext();
        if (programmatic == null) {
            InitParameters.Result result = null;
            try {
                result = InitParameters.read(config);
                result.builder().validate();
                this.settings = new FilterSettings(result.builder());
                this.ownedStore = result.store();
            } catch (IllegalArgumentException e) {
                if (result != null) {
                    result.store().close();
                }
                throw new ServletException("LanyardSessionFilter configuration: " + e.getMessage(), e);
            } catch (StoreUnavailableException e) {
                // Only a store that was reached and refused (credentials) fails here; one that cannot be
                // reached yet connects in the background while routes meet their failure mode.
                throw new ServletException("LanyardSessionFilter configuration: store: " + e.getMessage(), e);
            }
        }
        if (context != null) {
            context.setAttribute(LanyardSessions.MANAGER_ATTRIBUTE, settings.manager);
        }
        addContainerListeners();
        timeouts = TimeoutReports.subscribe(settings, context);
    }

    /** Adds the session listeners {@link LanyardListenerDiscovery} found, unless turned off. */
    private void addContainerListeners() {
        FilterSettings s = settings;
        Object found = context == null ? null : context.getAttribute(LanyardListenerDiscovery.ATTRIBUTE);
        if (!s.containerListeners || !(found instanceof List<?> declared) || declared.isEmpty()) {
            return;
        }
        SessionListeners merged = s.listeners.plus(declared);
        LOG.info(
                "Lanyard notifies {} session listener(s) the application declared to the container",
                merged.size() - s.listeners.size());
        settings = s.withListeners(merged);
    }

    @Override
    public final void destroy() {
        ServletContext servletContext = context;
        FilterSettings s = settings;
        if (servletContext != null
                && s != null
                && servletContext.getAttribute(LanyardSessions.MANAGER_ATTRIBUTE) == s.manager) {
            servletContext.removeAttribute(LanyardSessions.MANAGER_ATTRIBUTE);
        }
        ExpiryNotifyingStore.Subscription subscription = timeouts;
        timeouts = null;
        if (subscription != null) {
            subscription.close();
        }
        SessionStore store = ownedStore;
        ownedStore = null;
        if (store != null) {
            try {
                store.close();
            } catch (RuntimeException e) {
                LOG.warn("closing the session store failed: {}", e.getClass().getName());
            }
        }
    }

    @Override
    public final void doFilter(ServletRequest req, ServletResponse res, FilterChain chain)
            throws IOException, ServletException {
        FilterSettings s = settings;
        if (s == null) {
            throw new ServletException("LanyardSessionFilter was not initialised");
        }
        if (!(req instanceof HttpServletRequest request) || !(res instanceof HttpServletResponse response)) {
            chain.doFilter(req, res);
            return;
        }
        RequestCycle.run(s, context, request, response, chain);
    }

    /**
     * @return the settings in force (for tests), or {@code null} before init
     */
    final FilterSettings settings() {
        return settings;
    }

    @Override
    public final String toString() {
        FilterSettings s = settings;
        return "LanyardSessionFilter[" + (s == null ? "not initialised" : s.cookie.name()) + "]";
    }

    /**
     * Configures a {@link LanyardSessionFilter}. Not thread-safe; {@link #build()} validates every
     * option and names the one that does not fit.
     */
    public static final class Builder {
        final SessionManager manager;
        CookieSettings cookie = CookieSettings.defaults();
        String headerName;
        final List<RoutePolicy> routes = new ArrayList<>();
        FailureMode failureMode = FailureMode.CLOSED;
        Duration retryAfter = DEFAULT_RETRY_AFTER;
        CsrfMode csrfMode = DEFAULT_CSRF;
        final Set<String> csrfTrustedOrigins = new LinkedHashSet<>();
        String csrfHeaderName = DEFAULT_CSRF_HEADER_NAME;
        String csrfParameterName = DEFAULT_CSRF_PARAMETER_NAME;
        String requestIdHeader = DEFAULT_REQUEST_ID_HEADER;
        int anonymousSessionLimit = DEFAULT_ANONYMOUS_SESSION_LIMIT;
        Duration anonymousSessionWindow = DEFAULT_ANONYMOUS_SESSION_WINDOW;
        int guessingThreshold = DEFAULT_GUESSING_THRESHOLD;
        Duration guessingWindow = DEFAULT_GUESSING_WINDOW;
        int guessingMaxClients = DEFAULT_GUESSING_MAX_CLIENTS;
        final List<EventListener> listeners = new ArrayList<>();
        boolean containerListeners = true;
        AttributeSaveMode saveMode = AttributeSaveMode.ON_GET_MUTABLE;
        Duration idRenewalInterval;
        Duration idRenewalOverlap = DEFAULT_ID_RENEWAL_OVERLAP;

        Builder(SessionManager manager) {
            this.manager = Objects.requireNonNull(manager, "manager");
        }

        /**
         * Sets the session cookie (default {@link CookieSettings#defaults()}).
         *
         * @param value the cookie settings
         * @return this builder
         */
        public Builder cookie(CookieSettings value) {
            this.cookie = Objects.requireNonNull(value, "cookie");
            return this;
        }

        /**
         * Accepts the session ID in a request header too, for API clients (default: cookie only). A
         * request that carries the header (even empty) uses header transport: new IDs come back in the
         * same response header, no cookie is set, and CSRF checks do not apply. The header wins over a
         * cookie.
         *
         * @param name the header, such as {@code X-Session}
         * @return this builder
         */
        public Builder headerName(String name) {
            this.headerName = Objects.requireNonNull(name, "headerName");
            return this;
        }

        /**
         * Adds a route policy.
         *
         * @param route the policy
         * @return this builder
         */
        public Builder route(RoutePolicy route) {
            routes.add(Objects.requireNonNull(route, "route"));
            return this;
        }

        /**
         * Sets what routes without their own failure mode do when the store is down (default {@link
         * FailureMode#CLOSED}).
         *
         * @param value the mode
         * @return this builder
         */
        public Builder failureMode(FailureMode value) {
            this.failureMode = Objects.requireNonNull(value, "failureMode");
            return this;
        }

        /**
         * Sets the {@code Retry-After} of the 503 answer (default {@link #DEFAULT_RETRY_AFTER}).
         *
         * @param value at least one second
         * @return this builder
         */
        public Builder retryAfter(Duration value) {
            this.retryAfter = Objects.requireNonNull(value, "retryAfter");
            return this;
        }

        /**
         * Sets the CSRF defence (default {@link #DEFAULT_CSRF}, {@link CsrfMode#ORIGIN}); {@link
         * CsrfMode#TOKEN} adds a synchronizer token for form applications.
         *
         * @param value the mode
         * @return this builder
         */
        public Builder csrf(CsrfMode value) {
            this.csrfMode = Objects.requireNonNull(value, "csrf");
            return this;
        }

        /**
         * Trusts another origin for unsafe requests (a separate front-end host).
         *
         * @param origin {@code scheme://host[:port]}, as browsers send in {@code Origin}
         * @return this builder
         */
        public Builder csrfTrustedOrigin(String origin) {
            csrfTrustedOrigins.add(Objects.requireNonNull(origin, "origin"));
            return this;
        }

        /**
         * Sets the header that carries the CSRF token (default {@value #DEFAULT_CSRF_HEADER_NAME}).
         *
         * @param value a header name
         * @return this builder
         */
        public Builder csrfHeaderName(String value) {
            this.csrfHeaderName = Objects.requireNonNull(value, "csrfHeaderName");
            return this;
        }

        /**
         * Sets the form parameter that carries the CSRF token (default {@value
         * #DEFAULT_CSRF_PARAMETER_NAME}).
         *
         * @param value a parameter name
         * @return this builder
         */
        public Builder csrfParameterName(String value) {
            this.csrfParameterName = Objects.requireNonNull(value, "csrfParameterName");
            return this;
        }

        /**
         * Sets the correlation header (default {@value #DEFAULT_REQUEST_ID_HEADER}).
         *
         * @param value a header name
         * @return this builder
         */
        public Builder requestIdHeader(String value) {
            this.requestIdHeader = Objects.requireNonNull(value, "requestIdHeader");
            return this;
        }

        /**
         * Turns correlation IDs off (no header, no MDC entry for the request ID).
         *
         * @return this builder
         */
        public Builder withoutRequestIds() {
            this.requestIdHeader = null;
            return this;
        }

        /**
         * Limits the anonymous sessions stored for one client network prefix (IPv4 /24, IPv6 /48, as
         * {@link dev.lanyard.session.ClientInfo} reduces addresses): at most {@code limit} per {@code
         * window} ({@link #DEFAULT_ANONYMOUS_SESSION_LIMIT} per {@link
         * #DEFAULT_ANONYMOUS_SESSION_WINDOW}). Beyond it a request that asks for a session gets a
         * transient one, which works for that request but is never stored and sends no cookie; a login
         * from it creates a stored session as usual. Init-parameters {@code anonymousSessionLimit} and
         * {@code anonymousSessionWindow}.
         *
         * @param limit sessions per window, at least 0 (0 turns the limit off)
         * @param window a positive duration
         * @return this builder
         */
        public Builder anonymousSessionRate(int limit, Duration window) {
            this.anonymousSessionLimit = limit;
            this.anonymousSessionWindow = Objects.requireNonNull(window, "anonymousSessionWindow");
            return this;
        }

        /**
         * Tunes guessing detection: {@code threshold} unknown or malformed IDs from one network prefix
         * within {@code window} raise a {@code GuessingSuspected} event; at most {@code maxClients}
         * prefixes are tracked.
         *
         * @param threshold at least 1
         * @param window a positive duration
         * @param maxClients at least 1
         * @return this builder
         */
        public Builder guessingDetection(int threshold, Duration window, int maxClients) {
            this.guessingThreshold = threshold;
            this.guessingWindow = Objects.requireNonNull(window, "window");
            this.guessingMaxClients = maxClients;
            return this;
        }

        /**
         * Adds a session listener: an {@code HttpSessionListener}, {@code HttpSessionAttributeListener}
         * and/or {@code HttpSessionIdListener}. Lanyard notifies these as a container would, with those
         * the application declares to the container (see {@link #containerListeners}).
         *
         * @param listener the listener
         * @return this builder
         */
        public Builder listener(EventListener listener) {
            listeners.add(Objects.requireNonNull(listener, "listener"));
            return this;
        }

        /**
         * Whether the session listeners the application declares to its container ({@code <listener>}
         * in {@code web.xml}, {@code @WebListener}) are notified too, as found at start-up by {@link
         * LanyardListenerDiscovery} (default {@code true}). A class registered both here and with the
         * container is notified once, through the instance given here.
         *
         * @param value {@code false} to notify only the listeners given to this builder
         * @return this builder
         */
        public Builder containerListeners(boolean value) {
            this.containerListeners = value;
            return this;
        }

        /**
         * Sets which attributes a request writes back (default {@link
         * AttributeSaveMode#ON_GET_MUTABLE}).
         *
         * @param value the mode
         * @return this builder
         */
        public Builder attributeSaveMode(AttributeSaveMode value) {
            this.saveMode = Objects.requireNonNull(value, "attributeSaveMode");
            return this;
        }

        /**
         * Renews a session's ID once it is {@code value} old (default: never; OWASP's "renewal
         * timeout"). The renewal happens at the end of a request that presented the old ID, just before
         * its response commits, so the new ID always reaches the client: the session moves to a new ID
         * with every attribute and its login, and the response sends the new ID. Requests already in
         * flight with the old ID (other tabs, parallel fetches) are served on the renewed session for
         * {@link #idRenewalOverlap} and get no new ID of their own; after that the old ID is refused.
         * The age counts from creation, login, step-up or the last rotation. Needs a store that
         * implements {@link dev.lanyard.session.spi.AtomicValueStore} (memory, Redis and JDBC do; Memcached
         * does not).
         * Init-parameter {@code idRenewalInterval}.
         *
         * @param value a positive duration, longer than the overlap
         * @return this builder
         */
        public Builder idRenewalInterval(Duration value) {
            this.idRenewalInterval = Objects.requireNonNull(value, "idRenewalInterval");
            return this;
        }

        /**
         * Sets how long a renewed ID still leads to its session (default {@link
         * #DEFAULT_ID_RENEWAL_OVERLAP}, at most {@link #MAX_ID_RENEWAL_OVERLAP}); used only with {@link
         * #idRenewalInterval}. Whoever holds the old ID during the overlap is served the session, but is
         * never handed its new ID. Init-parameter {@code idRenewalOverlap}.
         *
         * @param value a positive duration
         * @return this builder
         */
        public Builder idRenewalOverlap(Duration value) {
            this.idRenewalOverlap = Objects.requireNonNull(value, "idRenewalOverlap");
            return this;
        }

        /**
         * Validates and builds the filter.
         *
         * @return a filter to register with {@code ServletContext.addFilter}
         * @throws IllegalArgumentException naming the first option that does not fit
         */
        public LanyardSessionFilter build() {
            validate();
            return new LanyardSessionFilter(this, new FilterSettings(this));
        }

        void validate() {
            FilterSettings.validate(this);
        }
    }
}
