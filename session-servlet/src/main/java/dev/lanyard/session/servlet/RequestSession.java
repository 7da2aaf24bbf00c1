package dev.lanyard.session.servlet;

import dev.lanyard.session.ClientInfo;
import dev.lanyard.session.ExpiryReason;
import dev.lanyard.session.NewSession;
import dev.lanyard.session.Resolution;
import dev.lanyard.session.Session;
import dev.lanyard.session.SessionLimit;
import dev.lanyard.session.SessionManager;
import dev.lanyard.session.StoreUnavailableException;
import dev.lanyard.session.event.SessionEvent;
import dev.lanyard.session.internal.ModuleEvents;
import jakarta.servlet.ServletContext;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One request's session, from what the client presented to what is written back. Its life has four
 * steps, each a method the filter calls:
 *
 * <ol>
 *   <li>{@link #begin()}: read the presented ID through the request's {@link SessionIdTransport}
 *       and resolve it (at most one store read);
 *   <li>while the application runs: create ({@link #session(boolean)}), rotate (login, {@code
 *       changeSessionId}) or end the session; attribute changes collect in {@link PendingChanges},
 *       or in a {@link TransientSession} when none may be stored;
 *   <li>{@link #beforeCommit()}: write the changes as one delta and send the ID (or its removal)
 *       before the response commits;
 *   <li>{@link #finish()}: write what changed since, once.
 * </ol>
 *
 * The wrappers, the {@link HttpSession} facade and {@link LanyardSessions} act through this class,
 * under its lock (async requests may touch the session from other threads; it is uncontended in the
 * common case), which guards the helpers too.
 */
final class RequestSession {

    private static final Logger LOG = LoggerFactory.getLogger(RequestSession.class);

    /** Prefix of attribute names Lanyard keeps for itself; hidden from {@code getAttributeNames}. */
    static final String RESERVED_PREFIX = "lanyard.";

    private final FilterSettings settings;
    private final SessionManager manager;
    private final ServletContext context;
    private final HttpServletRequest request;
    private final HttpServletResponse response;
    private final RoutePolicy route;
    private final SessionMdc mdc;
    private final LanyardSessions api;
    private final String requestId;

    // The helpers this lifecycle drives, each with its own part of the request's state.
    private final SessionIdTransport transport;
    private final RequestedId requested;
    private final PendingChanges pending;
    private final IdReply reply;
    private final StoreOutage outage;

    // The session of this request: a stored one, a transient one, or none.
    private Session session;
    private TransientSession transientSession;
    private LanyardHttpSession facade;
    private boolean isNew;

    // Whether the changes were written once, and whether the request has finished.
    private boolean saveAttempted;
    private boolean finished;

    RequestSession(
            FilterSettings settings,
            ServletContext context,
            HttpServletRequest request,
            HttpServletResponse response,
            RoutePolicy route,
            String requestId) {
        this.settings = settings;
        this.manager = settings.manager;
        this.context = context;
        this.request = request;
        this.response = response;
        this.route = route;
        this.mdc = new SessionMdc();
        this.api = new LanyardSessions(this);
        this.requestId = requestId;
        this.transport = SessionIdTransport.of(settings, request);
        this.requested = new RequestedId(transport);
        this.pending = new PendingChanges(settings.saveMode, () -> session);
        this.reply = new IdReply(transport, response, manager.clock());
        this.outage = new StoreOutage(manager, route, settings.failureModeOf(route));
    }

    LanyardSessions api() {
        return api;
    }

    String requestId() {
        return requestId;
    }

    ServletContext servletContext() {
        return context;
    }

    SessionManager manager() {
        return manager;
    }

    CsrfGuard csrf() {
        return settings.csrf;
    }

    // ------------------------------------------------------------------ 1. begin

    /**
     * Reads what the client presented and resolves it: at most one store read, none for absent,
     * duplicated or malformed values.
     *
     * @return {@code false} when the store is unavailable and the route fails closed
     */
    synchronized boolean begin() {
        Optional<Resolution> resolution;
        try {
            resolution = requested.resolve(request, manager, route.read(), settings.guessing, settings.renewal);
        } catch (StoreUnavailableException e) {
            return storeUnavailable(e, "resolve");
        }
        if (resolution.isEmpty()) {
            return true;
        }
        if (!resolution.get().isFound()) {
            reply.expire();
            return true;
        }
        session = resolution.get().session().orElseThrow();
        mdcSession();
        return applyRouteIdleWindow();
    }

    private boolean applyRouteIdleWindow() {
        if (!route.idleWindowPassed(session, manager.clock().instant())) {
            return true;
        }
        Session ended = session;
        destroyLocally();
        try {
            manager.expire(ended, ExpiryReason.IDLE);
        } catch (StoreUnavailableException e) {
            return storeUnavailable(e, "end an idle session");
        }
        return true;
    }

    /** Meets a store failure; returns whether the request may go on (the route fails open). */
    private boolean storeUnavailable(StoreUnavailableException e, String what) {
        if (!outage.failsOpen(e, what)) {
            return false;
        }
        session = null;
        requested.invalidate();
        return true;
    }

    /** Whether the route demands a more recent authentication than the session has. */
    synchronized boolean stepUpRequired() {
        Instant now = manager.clock().instant();
        if (!route.demandsStepUp(session, now)) {
            return false;
        }
        if (session != null) {
            ModuleEvents.publish(manager, new SessionEvent.StepUpRequired(now, session.handle(), route.pattern()));
        }
        return true;
    }

    /** Whether {@link CsrfGuard} lets this request through. */
    synchronized boolean csrfAllows() {
        return settings.csrf.allows(request, route, transport, session);
    }

    // ------------------------------------------------------------------ 2. the session

    /** Makes sure the request has a session, creating one as {@code getSession(true)} would. */
    synchronized void createSessionIfNone() {
        session(true);
    }

    /** {@code request.getSession(create)}. */
    synchronized HttpSession session(boolean create) {
        if (facade != null) {
            return facade;
        }
        if (session != null) {
            facade = new LanyardHttpSession(this);
            return facade;
        }
        if (!create) {
            return null;
        }
        reply.requireUncommitted("create a session");
        if (outage.isDown()) {
            return startTransient();
        }
        if (!settings.anonymousSessions.tryAcquire(ClientInfo.prefixOf(request.getRemoteAddr()))) {
            LOG.debug("anonymous session rate reached for a client: serving a transient session");
            return startTransient();
        }
        NewSession created;
        try {
            created = manager.create(clientInfo());
        } catch (StoreUnavailableException e) {
            if (!storeUnavailable(e, "create")) {
                throw e;
            }
            return startTransient();
        }
        adopt(created, true);
        settings.listeners.created(facade);
        return facade;
    }

    private HttpSession startTransient() {
        transientSession = new TransientSession(
                settings.random, manager.clock().instant(), manager.policy().anonymousIdleTimeout());
        isNew = true;
        facade = new LanyardHttpSession(this);
        return facade;
    }

    /** Makes a new or rotated session this request's, and sends its ID. */
    private void adopt(NewSession fresh, boolean created) {
        session = fresh.session();
        reply.send(fresh.id(), session);
        if (created) {
            isNew = true;
        }
        if (facade == null) {
            facade = new LanyardHttpSession(this);
        }
        mdcSession();
    }

    private void rotate(Function<Session, Optional<NewSession>> operation, String what) {
        if (session == null) {
            throw new IllegalStateException("cannot " + what + ": the request has no session");
        }
        reply.requireUncommitted(what);
        String oldId = session.handle().value();
        Optional<NewSession> rotated = operation.apply(session);
        if (rotated.isEmpty()) {
            destroyLocally();
            throw new IllegalStateException("cannot " + what + ": the session ended meanwhile (revoked or expired)");
        }
        adopt(rotated.get(), false);
        recordIdIssued();
        settings.listeners.idChanged(facade, oldId);
    }

    /** Records when the session's new ID was issued, for renewal (only while renewal is on). */
    private void recordIdIssued() {
        if (settings.renewal.isOn()) {
            internalPut(IdRenewal.ISSUED_AT, IdRenewal.record(manager.clock().instant()));
        }
    }

    /**
     * Renews the session's ID when {@link IdRenewal} finds it due: only for a stored session this
     * request presented and did not otherwise give a new ID, and only while the response is
     * uncommitted, so that the new ID reaches the client. A request that followed a renewal, or
     * whose session another request renews at the same time, leaves the ID alone.
     */
    private void renewIfDue() {
        if (!settings.renewal.isOn()
                || session == null
                || transientSession != null
                || outage.isDown()
                || requested.followedRenewal()
                || !reply.saysNothing()
                || response.isCommitted()) {
            return;
        }
        Session old = session;
        Optional<NewSession> renewed = settings.renewal.renewIfDue(manager, old, peek(IdRenewal.ISSUED_AT));
        if (renewed.isPresent()) {
            adopt(renewed.get(), false);
            settings.listeners.idChanged(facade, old.handle().value());
            recordIdIssued();
            save();
        }
    }

    /** Ends the current session: listeners first (attributes still readable), then the store. */
    void end() {
        Session ended = session;
        destroyLocally();
        if (ended != null) {
            manager.logout(ended);
        }
    }

    /** Notifies listeners and forgets the session in this request; the store is not touched. */
    private void destroyLocally() {
        LanyardHttpSession old = facade != null ? facade : new LanyardHttpSession(this);
        facade = old;
        settings.listeners.ended(old, this::visibleNames, this::peek);
        boolean wasTransient = transientSession != null;
        facade = null;
        session = null;
        transientSession = null;
        requested.invalidate();
        isNew = false;
        pending.clear();
        if (wasTransient || outage.isDown()) {
            reply.forgetId();
        } else {
            reply.expire();
        }
        mdcSession();
    }

    private ClientInfo clientInfo() {
        return ClientInfo.of(request.getHeader("User-Agent"), request.getRemoteAddr());
    }

    private void mdcSession() {
        mdc.show(currentId());
    }

    private String currentId() {
        return session == null && transientSession == null ? null : contents().id();
    }

    // ------------------------------------------------------------------ for the facades

    // LanyardHttpSession and LanyardSessions call these holding this object's lock.

    /** Throws unless {@code caller} is the live session of this request. */
    void checkValid(LanyardHttpSession caller) {
        if (caller != facade || (session == null && transientSession == null)) {
            throw new IllegalStateException("the session has been invalidated");
        }
    }

    SessionListeners listeners() {
        return settings.listeners;
    }

    boolean isNew() {
        return isNew;
    }

    /** The session the application sees; only while it is valid. */
    SessionContents contents() {
        return transientSession != null ? transientSession : pending;
    }

    /** The attribute names the application sees: Lanyard's own ({@value #RESERVED_PREFIX}) hidden. */
    Set<String> visibleNames() {
        Set<String> names = contents().names();
        names.removeIf(n -> n.startsWith(RESERVED_PREFIX));
        return names;
    }

    /** Reads an attribute without marking it; {@code null} without a session. */
    Object peek(String name) {
        return session == null && transientSession == null ? null : contents().peek(name);
    }

    // ------------------------------------------------------------------ request-level methods

    synchronized String requestedSessionId() {
        return requested.handle();
    }

    synchronized boolean requestedSessionIdValid() {
        return requested.isValidFor(session);
    }

    synchronized boolean requestedFromCookie() {
        return requested.fromCookie();
    }

    synchronized String changeSessionId() {
        if (session == null) {
            if (transientSession != null) {
                return transientSession.changeId(settings.random);
            }
            throw new IllegalStateException("changeSessionId: no session is associated with this request");
        }
        rotate(manager::changeId, "change the session ID");
        return session.handle().value();
    }

    // ------------------------------------------------------------------ login API

    /** Logs in under {@code limit}, or the manager's policy limit when it is {@code null}. */
    synchronized void login(String userId, Set<String> roles, SessionLimit limit) {
        String joinedRoles = Roles.join(roles);
        reply.requireUncommitted("log in");
        Session before = session;
        boolean otherUser = before != null
                && before.isAuthenticated()
                && !before.userId().orElseThrow().equals(userId);
        if (otherUser) {
            pending.clear();
        }
        if (transientSession != null) {
            // The store was down when this request created a session; logging in needs the store.
            transientSession = null;
            facade = null;
        }
        String oldId = before != null ? before.handle().value() : null;
        NewSession loggedIn = limit == null
                ? manager.login(before, userId, clientInfo())
                : manager.login(before, userId, clientInfo(), limit);
        boolean fresh = before == null || otherUser;
        adopt(loggedIn, fresh);
        internalPut(Roles.ATTRIBUTE, joinedRoles);
        internalRemove(CsrfGuard.TOKEN_ATTRIBUTE);
        if (fresh) {
            settings.listeners.created(facade);
        } else {
            settings.listeners.idChanged(facade, oldId);
        }
    }

    synchronized void privilegeChanged(Set<String> roles) {
        String joined = roles == null ? null : Roles.join(roles);
        requireUser();
        rotate(manager::privilegeChanged, "record a privilege change");
        if (roles != null) {
            internalPut(Roles.ATTRIBUTE, joined);
        }
    }

    synchronized void reauthenticated() {
        requireUser();
        rotate(manager::reauthenticated, "record a re-authentication");
    }

    synchronized boolean logout() {
        if (session == null && transientSession == null) {
            return false;
        }
        end();
        return true;
    }

    synchronized Optional<Session> current() {
        return Optional.ofNullable(session);
    }

    /** Returns the session of the logged-in user, or throws when the request has none. */
    synchronized Session requireUser() {
        if (session == null || !session.isAuthenticated()) {
            throw new IllegalStateException("this request has no authenticated session");
        }
        return session;
    }

    /**
     * Writes one of Lanyard's own attributes ({@value #RESERVED_PREFIX}…); {@code null} removes it.
     */
    void internalPut(String name, Object value) {
        if (value == null) {
            internalRemove(name);
        } else if (session != null || transientSession != null) {
            contents().put(name, value);
        }
    }

    private void internalRemove(String name) {
        if (session != null && peek(name) != null) {
            contents().remove(name);
        }
    }

    // ------------------------------------------------------------------ 3. and 4. commit

    /**
     * Called before anything that may commit the response: writes the request's changes as one delta
     * and sends the session ID (or its removal) to the client. Later calls do nothing; what changes
     * after it is written by {@link #finish()}.
     */
    synchronized void beforeCommit() {
        if (reply.isWritten() || finished) {
            return;
        }
        save();
        renewIfDue();
        reply.write(session);
    }

    /** Re-sends the session ID after the application reset the response. */
    synchronized void afterReset() {
        if (reply.isWritten()) {
            reply.write(session);
        }
    }

    /** Writes what is left; idempotent. */
    synchronized void finish() {
        if (finished) {
            return;
        }
        finished = true;
        save();
        if (!reply.isWritten()) {
            renewIfDue();
            reply.write(session);
        }
    }

    /**
     * Prepares for a re-dispatch that reaches the filter with an unwrapped request (an error page
     * after {@code sendError} or an exception): what the error page changes is written when it ends.
     */
    synchronized void reopen() {
        finished = false;
    }

    /** Gives up on this request's changes (the answer is an error). */
    synchronized void abandon() {
        finished = true;
        pending.clear();
    }

    private void save() {
        if (session == null) {
            pending.clear();
            return;
        }
        var update = pending.toUpdate();
        if (update.isEmpty() && saveAttempted) {
            return;
        }
        saveAttempted = true;
        Optional<Session> saved;
        try {
            saved = manager.save(session, update);
            if (saved.isEmpty() && settings.renewal.isOn()) {
                // Renewed by another request while this one ran: the changes go to the renewed session.
                Optional<Session> renewed = requested.followRenewal(manager, session);
                if (renewed.isPresent()) {
                    session = renewed.get();
                    saved = manager.save(session, update);
                }
            }
        } catch (StoreUnavailableException e) {
            if (storeUnavailable(e, "save")) {
                pending.clear();
                return;
            }
            throw e;
        }
        pending.clear();
        if (saved.isEmpty()) {
            // Revoked or expired by someone else while this request ran.
            destroyLocally();
        } else {
            session = saved.get();
        }
    }

    @Override
    public String toString() {
        return "RequestSession[route=" + route.pattern() + ", session=" + currentId() + "]";
    }
}
