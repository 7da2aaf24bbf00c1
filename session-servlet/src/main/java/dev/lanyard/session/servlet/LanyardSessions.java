package dev.lanyard.session.servlet;

import dev.lanyard.session.Resolution;
import dev.lanyard.session.RevocationReason;
import dev.lanyard.session.Session;
import dev.lanyard.session.SessionHandle;
import dev.lanyard.session.SessionLimit;
import dev.lanyard.session.SessionLimitExceededException;
import dev.lanyard.session.SessionManager;
import dev.lanyard.session.SessionSummary;
import dev.lanyard.session.StoreUnavailableException;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The session operations an application's login code needs, for the current request: log in, record
 * a privilege change or a re-authentication, log out, list and revoke the user's other sessions,
 * and get the CSRF token for forms.
 *
 * <pre>{@code
 * LanyardSessions sessions = LanyardSessions.of(request);
 * sessions.login(user.id(), Set.of("customer"));   // new session ID, sent in this response
 * ...
 * sessions.logout();                                // the record is gone on every node
 * }</pre>
 *
 * <p>Obtained from the request (the filter stores it as a request attribute), so there is no static
 * state and each instance belongs to one request. Every operation that moves the session to a new
 * ID sends the new ID in the same response, and so must run before the response commits ({@link
 * IllegalStateException} otherwise). Thread-safe for the rare async request; do not keep an
 * instance beyond its request.
 *
 * <p>Failure: operations that reach the store throw {@link StoreUnavailableException} when it is
 * down; left uncaught, the filter answers {@code 503}.
 *
 * @since 0.1.0
 */
public final class LanyardSessions {

    /** The request attribute under which the filter stores the instance. */
    public static final String REQUEST_ATTRIBUTE = LanyardSessions.class.getName();

    /**
     * The {@code ServletContext} attribute under which an initialised {@link LanyardSessionFilter}
     * publishes its {@link SessionManager}: {@value}. Read it with {@link #manager(ServletContext)}.
     */
    public static final String MANAGER_ATTRIBUTE = "dev.lanyard.session.SessionManager";

    private final RequestSession state;

    LanyardSessions(RequestSession state) {
        this.state = state;
    }

    RequestSession state() {
        return state;
    }

    /**
     * Returns the session operations of a request.
     *
     * @param request a request that passed through {@link LanyardSessionFilter}
     * @return the operations
     * @throws IllegalStateException if the filter did not handle the request (it is not mapped to
     *     this URL, or is mapped after the code that calls this)
     */
    public static LanyardSessions of(ServletRequest request) {
        return find(request)
                .orElseThrow(() -> new IllegalStateException(
                        "no LanyardSessionFilter handled this request: map the filter to this URL,"
                                + " before other filters"));
    }

    /**
     * Returns the session operations of a request, if the filter handled it.
     *
     * @param request a request
     * @return the operations, or empty
     */
    public static Optional<LanyardSessions> find(ServletRequest request) {
        Object value = Objects.requireNonNull(request, "request").getAttribute(REQUEST_ATTRIBUTE);
        return value instanceof LanyardSessions sessions ? Optional.of(sessions) : Optional.empty();
    }

    /**
     * Returns the {@link SessionManager} of the {@link LanyardSessionFilter} initialised in this
     * application, also when the filter was configured by init-parameters ({@code web.xml}): for
     * admin revocation ({@code revoke}, {@code revokeAll}), listing a user's sessions, token
     * services, metrics listeners added later, and readiness ({@code storeHealth()}). Available from
     * the filter's {@code init} until its {@code destroy}; filters are initialised when the
     * application starts, so a {@code ServletContextListener} sees it only in {@code
     * contextInitialized} of a container that initialises filters first, while servlets and later
     * code always do. With several Lanyard filters in one application, the last initialised is
     * returned.
     *
     * @param context the application's context
     * @return the manager
     * @throws IllegalStateException if no Lanyard filter is initialised in this application
     */
    public static SessionManager manager(ServletContext context) {
        Object value = Objects.requireNonNull(context, "context").getAttribute(MANAGER_ATTRIBUTE);
        if (value instanceof SessionManager manager) {
            return manager;
        }
        throw new IllegalStateException("no LanyardSessionFilter is initialised in this application (the context "
                + "attribute "
                + MANAGER_ATTRIBUTE
                + " is not set)");
    }

    /**
     * Logs {@code userId} in with no roles; see {@link #login(String, Set)}.
     *
     * @param userId the authenticated user
     */
    public void login(String userId) {
        login(userId, Set.of());
    }

    /**
     * Logs a user in, once the application has checked the credentials: the session (or a new one)
     * moves to a new ID, the old ID is dead at once (no fixation), the user and roles are bound, the
     * authentication time is now and the version grows. Attributes of an anonymous session are kept;
     * a session of another user is ended and a fresh one started. The roles are kept as a session
     * attribute and answer {@code request.isUserInRole}. Listeners hear {@code sessionIdChanged} (or
     * {@code sessionCreated} when there was no session). Costs one or two store writes.
     *
     * @param userId the user, 1 to 256 characters
     * @param roles role names (no commas), possibly empty
     * @throws IllegalStateException if the response is already committed
     * @throws SessionLimitExceededException if the user is at the session limit and the rule refuses
     */
    public void login(String userId, Set<String> roles) {
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(roles, "roles");
        state.login(userId, roles, null);
    }

    /**
     * Logs a user in as {@link #login(String, Set)} does, under {@code limit} instead of the
     * manager's per-user session limit, enforced in the same atomic store step: for integrations
     * whose limit is chosen per login (Spring Security's {@code maximumSessions(n)}).
     *
     * @param userId the user, 1 to 256 characters
     * @param roles role names (no commas), possibly empty
     * @param limit the per-user limit for this login
     * @throws IllegalStateException if the response is already committed
     * @throws SessionLimitExceededException if the user is at {@code limit} and its rule refuses
     * @throws UnsupportedOperationException if {@code limit} is limited and the store does not index
     *     users
     * @since 0.1.0
     */
    public void login(String userId, Set<String> roles, SessionLimit limit) {
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(roles, "roles");
        state.login(userId, roles, Objects.requireNonNull(limit, "limit"));
    }

    /**
     * Records a privilege change (password, roles) and replaces the roles: new session ID, version
     * grows, so tokens and caches holding the old version stop counting.
     *
     * @param roles the user's roles from now on
     * @throws IllegalStateException if no user is logged in, or the response is committed
     */
    public void privilegeChanged(Set<String> roles) {
        state.privilegeChanged(Objects.requireNonNull(roles, "roles"));
    }

    /**
     * Records a privilege change that keeps the roles (a password change).
     *
     * @throws IllegalStateException if no user is logged in, or the response is committed
     */
    public void privilegeChanged() {
        state.privilegeChanged(null);
    }

    /**
     * Records that the user just authenticated again (step-up): new session ID, authentication time
     * is now, version grows. Routes that demand recent authentication accept the session again.
     *
     * @throws IllegalStateException if no user is logged in, or the response is committed
     */
    public void reauthenticated() {
        state.reauthenticated();
    }

    /**
     * Logs out: the session's record is removed from the store, so its ID is dead on every node, and
     * the cookie is cleared in this response. Same as {@code HttpSession.invalidate()}.
     *
     * @return {@code true} if there was a session to end
     */
    public boolean logout() {
        return state.logout();
    }

    /**
     * Ends another session of the logged-in user ("sign out that device"). A handle of a session that
     * belongs to someone else, or to no one, changes nothing. The current session's own handle logs
     * out.
     *
     * @param handle the session's handle, as listed by {@link #sessions()}
     * @return {@code true} if a session of this user was ended
     * @throws IllegalStateException if no user is logged in
     */
    public boolean revoke(SessionHandle handle) {
        Objects.requireNonNull(handle, "handle");
        Session own = state.requireUser();
        if (handle.equals(own.handle())) {
            return state.logout();
        }
        SessionManager manager = state.manager();
        Resolution other = manager.lookup(handle);
        String user = own.userId().orElseThrow();
        if (!other.isFound()
                || !user.equals(other.session().orElseThrow().userId().orElse(null))) {
            return false;
        }
        return manager.revoke(handle, RevocationReason.LOGOUT);
    }

    /**
     * Ends every other session of the logged-in user, on every node: "sign out everywhere else".
     *
     * @return how many sessions were ended
     * @throws IllegalStateException if no user is logged in
     * @throws UnsupportedOperationException if the store does not index users
     */
    public int revokeOthers() {
        return state.manager().revokeOthers(state.requireUser());
    }

    /**
     * Returns the session as this request resolved it or last wrote it: its handle, user, version and
     * times, for code that works with {@link dev.lanyard.session.SessionManager} directly (issuing an
     * access token, say). Attribute changes this request has not saved yet are not in it; use {@code
     * HttpSession} for attributes.
     *
     * @return the session, or empty when the request has none
     */
    public Optional<Session> session() {
        return state.current();
    }

    /**
     * Lists the logged-in user's live sessions, most recently used first (the device list).
     *
     * @return the sessions, this one included
     * @throws IllegalStateException if no user is logged in
     * @throws UnsupportedOperationException if the store does not index users
     */
    public List<SessionSummary> sessions() {
        return state.manager().sessionsOf(state.requireUser().userId().orElseThrow());
    }

    /**
     * @return the logged-in user, or empty for an anonymous request
     */
    public Optional<String> userId() {
        return state.current().flatMap(Session::userId);
    }

    /**
     * @return the logged-in user's roles; empty when anonymous
     */
    public Set<String> roles() {
        synchronized (state) {
            Optional<Session> session = state.current();
            if (session.isEmpty() || !session.get().isAuthenticated()) {
                return Set.of();
            }
            return Roles.split(state.peek(Roles.ATTRIBUTE));
        }
    }

    /**
     * @return the current session's public handle, or empty when there is none
     */
    public Optional<SessionHandle> handle() {
        return state.current().map(Session::handle);
    }

    /**
     * @return when the user last authenticated in this session, or empty
     */
    public Optional<Instant> authenticatedAt() {
        return state.current().flatMap(Session::authenticatedAt);
    }

    /**
     * @param maxAge how long ago authentication may be
     * @return whether the user authenticated within {@code maxAge}
     */
    public boolean authenticatedWithin(Duration maxAge) {
        Objects.requireNonNull(maxAge, "maxAge");
        Optional<Instant> at = authenticatedAt();
        Instant now = state.manager().clock().instant();
        return at.isPresent() && !at.get().plus(maxAge).isBefore(now);
    }

    /**
     * @return the session version (grows with each privilege change); 0 without a session
     */
    public long version() {
        return state.current().map(Session::version).orElse(0L);
    }

    /**
     * Returns the session's CSRF token, creating the session (anonymous) and the token if needed. Put
     * it in forms as the configured parameter (default {@code _csrf}) or send it in the configured
     * header (default {@code X-CSRF-Token}). The token is a secret: never log it. It is replaced at
     * login.
     *
     * @return the token, 43 base64url characters
     * @throws IllegalStateException if a session must be created and the response is committed
     */
    public String csrfToken() {
        synchronized (state) {
            if (state.peek(CsrfGuard.TOKEN_ATTRIBUTE) instanceof String token) {
                return token;
            }
            state.createSessionIfNone();
            String token = state.csrf().newToken();
            state.internalPut(CsrfGuard.TOKEN_ATTRIBUTE, token);
            return token;
        }
    }

    /**
     * @return the form parameter that carries the CSRF token
     */
    public String csrfParameterName() {
        return state.csrf().parameterName();
    }

    /**
     * @return the header that carries the CSRF token
     */
    public String csrfHeaderName() {
        return state.csrf().headerName();
    }

    /**
     * @return this request's correlation ID, or empty when request IDs are off
     */
    public Optional<String> requestId() {
        return Optional.ofNullable(state.requestId());
    }

    /** Names the session by handle only. */
    @Override
    public String toString() {
        return "LanyardSessions[" + state + "]";
    }
}
