package dev.lanyard.session;

import dev.lanyard.session.codec.DefaultAttributeCodec;
import dev.lanyard.session.event.SessionEvent;
import dev.lanyard.session.event.SessionListener;
import dev.lanyard.session.event.SessionObserver;
import dev.lanyard.session.internal.ModuleEvents;
import dev.lanyard.session.spi.AtomicValueStore;
import dev.lanyard.session.spi.AttributeCodec;
import dev.lanyard.session.spi.ExpiryNotifyingStore;
import dev.lanyard.session.spi.HealthReportingStore;
import dev.lanyard.session.spi.SessionStore;
import dev.lanyard.session.spi.UserIndexedStore;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place where session policy is decided: create, resolve (load and validate expiry,
 * version and revocation), save, rotate, log in and out, revoke, and list a user's sessions.
 * Transports (the servlet filter, the token module) call it; they never talk to the store.
 *
 * <p>A manager is thread-safe and meant to be shared by every request of a node. It holds no
 * session state itself: each method is one or a few atomic store operations, so any number of
 * managers on any number of nodes can serve the same sessions. Every decision about time uses
 * the injected {@link Clock}.
 *
 * <p>Failure: when the store cannot answer, methods throw {@link StoreUnavailableException}
 * within the store's timeout. An unreadable record is never an error for the caller: the
 * session is dropped, reported as {@link SessionEvent.Unreadable}, and resolves as
 * {@link ResolutionStatus#UNREADABLE}. Listeners can never break a call.
 *
 * @since 0.1.0
 */
public final class SessionManager {

    static final Logger LOG = LoggerFactory.getLogger(SessionManager.class);

    static {
        ModuleEvents.install(SessionManager::publish);
    }

    /** Whether session events are logged unless {@link Builder#logEvents(boolean)} says otherwise: {@code true}. */
    public static final boolean DEFAULT_LOG_EVENTS = true;

    /** The longest user ID accepted, in characters. */
    public static final int MAX_USER_ID_LENGTH = 256;

    /** What the parts share: the store and its powers, the settings, the listeners and observer. */
    private final ManagerContext context;

    private final SessionResolver resolver;
    private final SessionSaves saves;
    private final SessionLogins logins;
    private final SessionRevocations revocations;

    private SessionManager(ManagerSettings settings) {
        this.context = new ManagerContext(settings);
        this.resolver = new SessionResolver(context);
        this.saves = new SessionSaves(context);
        this.revocations = new SessionRevocations(context);
        this.logins = new SessionLogins(context, saves, revocations);
    }

    /**
     * Starts a builder for a manager over {@code store}.
     *
     * @param store where sessions live; the caller keeps ownership and closes it
     * @return a new builder
     */
    public static Builder builder(SessionStore store) {
        return new Builder(store);
    }

    /** @return the policy in force */
    public SessionPolicy policy() {
        return context.policy;
    }

    /** @return the clock every decision uses */
    public Clock clock() {
        return context.clock;
    }

    /** @return this node's name, or empty if none was configured */
    public Optional<String> nodeId() {
        return Optional.ofNullable(context.nodeId);
    }

    /**
     * Returns the manager's store as an {@link AtomicValueStore} when it has that power, so that
     * modules keeping state beside sessions (refresh tokens, the token deny-list) use the very
     * store the sessions live in.
     *
     * @return the value store, or empty when the store lacks the power
     */
    public Optional<AtomicValueStore> values() {
        return context.store instanceof AtomicValueStore values ? Optional.of(values) : Optional.empty();
    }

    /**
     * Returns the observer this manager reports its operations to, guarded so that it never throws,
     * so that Lanyard's token module observes its operations the same way.
     *
     * @return the observer, or empty when none was configured
     */
    public Optional<SessionObserver> observer() {
        return Optional.ofNullable(context.observer);
    }

    /**
     * Tells whether the store can be reached, for readiness probes and admin pages: a store that
     * reports its health ({@link HealthReportingStore}, such as Redis) answers
     * {@link StoreState#UP}, {@link StoreState#CONNECTING} (never reached since it was opened) or
     * {@link StoreState#DOWN} (lost), each with the instant it began; any other store is up since
     * this manager was built. Cheap: no round trip, never throws. While the store is not up,
     * operations throw {@link StoreUnavailableException} and the servlet filter applies each
     * route's failure mode; the store reconnects by itself. Each change is also published as a
     * {@link SessionEvent.StoreStateChanged} event.
     *
     * @return the store's health now
     */
    public StoreHealth storeHealth() {
        return context.healthStore != null ? context.healthStore.health() : StoreHealth.up(context.builtAt);
    }

    /** @return whether the store keeps a per-user index (limits, listing, revoke-all) */
    public boolean indexesUsers() {
        return context.indexedStore != null;
    }

    /**
     * @return whether {@link #onTimeout} can report sessions that time out: the store implements
     *     {@link ExpiryNotifyingStore} and is configured to report them
     */
    public boolean reportsTimeouts() {
        return context.reportsTimeouts();
    }

    /**
     * Subscribes to sessions that end by timeout: each session that reaches its idle or absolute
     * expiry without being ended otherwise is passed to {@code subscriber} once, with its attributes,
     * after it was removed from the store, on one node (see {@link ExpiryNotifyingStore} for the
     * store's guarantees), and an {@link SessionEvent.Expired} event is published for it. A session
     * this manager finds expired when it resolves it is reported the same way, on the resolving
     * thread. Attributes that can no longer be decoded are left out.
     *
     * @param subscriber called with each session that timed out; must not block for long
     * @return closing it ends the subscription
     * @throws UnsupportedOperationException if {@link #reportsTimeouts()} is {@code false}
     */
    public ExpiryNotifyingStore.Subscription onTimeout(Consumer<Session> subscriber) {
        return context.timeouts.subscribe(subscriber);
    }

    // ---------------------------------------------------------------- create and resolve

    /**
     * Creates an anonymous session with the anonymous idle timeout. Costs one store write.
     *
     * @param client what to remember of the client
     * @return the new session and its secret ID
     */
    public NewSession create(ClientInfo client) {
        return resolver.create(client);
    }

    /**
     * Resolves what a client presented. A value that is not of the form of a session ID is
     * rejected without a store call; otherwise this costs one store read.
     *
     * @param presented the presented value, or {@code null}
     * @return the session, or why there is none
     */
    public Resolution resolve(String presented) {
        return resolver.resolve(presented);
    }

    /**
     * Resolves what a client presented, choosing whether a near cache may answer.
     *
     * @param presented the presented value, or {@code null}
     * @param mode {@link ReadMode#STORE} for routes that must see revocations at once
     * @return the session, or why there is none
     */
    public Resolution resolve(String presented, ReadMode mode) {
        return resolver.resolve(presented, mode);
    }

    /**
     * Resolves a session ID: loads it and checks idle and absolute expiry. Expired sessions are
     * removed. Costs one store read (plus a delete when expired).
     *
     * @param id the secret ID
     * @return the session, or why there is none
     */
    public Resolution resolve(SessionId id) {
        return resolver.resolve(id);
    }

    /**
     * Resolves a session ID, choosing whether a near cache may answer.
     *
     * @param id the secret ID
     * @param mode {@link ReadMode#STORE} for decisions that must see revocations at once
     * @return the session, or why there is none
     */
    public Resolution resolve(SessionId id, ReadMode mode) {
        return resolver.resolve(id, mode);
    }

    /**
     * Looks a session up by its public handle, with the same checks as {@link #resolve(SessionId)}.
     * For administration and for tokens that name a session by handle; a handle is not proof that
     * the caller holds the session, so never resolve a client-supplied handle as a login.
     *
     * @param handle the session's handle
     * @return the session, or why there is none
     */
    public Resolution lookup(SessionHandle handle) {
        return resolver.lookup(handle);
    }

    /**
     * Looks a session up by handle and also requires its version to equal {@code expectedVersion}:
     * the check behind token validation in "checked" mode. A mismatch means privileges changed
     * after the token was issued; it resolves as {@link ResolutionStatus#STALE_VERSION} and is
     * reported as {@link ExpiryReason#VERSION}. A near cache may answer only when its copy carries
     * exactly the expected version; any other copy is re-read from the store, so a stale cached copy
     * never decides.
     *
     * @param handle the session's handle
     * @param expectedVersion the version the caller saw
     * @return the session, or why there is none
     */
    public Resolution lookup(SessionHandle handle, long expectedVersion) {
        return resolver.lookup(handle, expectedVersion);
    }

    // ---------------------------------------------------------------- save

    /**
     * Checks, without writing anything, that {@code value} can be stored under {@code name} and
     * read back by this manager's codec: what {@code HttpSession.setAttribute} calls so that a value
     * is refused where it is written, not lost when it is read. Costs one encode.
     *
     * @param name the attribute's name
     * @param value the value, not {@code null}
     * @throws IllegalArgumentException if the codec refuses the value; the message names the
     *     attribute, the class, and the option that allows it
     */
    public void checkAttribute(String name, Object value) {
        saves.checkAttribute(name, value);
    }

    /**
     * Tells whether {@code session}'s last access is old enough that the next save should write
     * it, per {@link SessionPolicy#touchInterval()}.
     *
     * @param session a resolved session
     * @return {@code true} when a touch is due
     */
    public boolean touchDue(Session session) {
        return saves.touchDue(session);
    }

    /**
     * Writes a request's changes as a delta: only the attributes named in {@code update} change in
     * the store, so concurrent requests that change different attributes all survive. A put whose
     * encoded value equals the one this request read is dropped, so re-saving an unchanged value
     * costs nothing. An update that changes nothing writes only when a touch is due. Never
     * re-creates a session that was revoked or expired meanwhile.
     *
     * @param session the session as this request resolved it
     * @param update the changes
     * @return this request's view of the session after the write, or empty when the session no
     *     longer exists
     * @throws PayloadTooLargeException if the attributes would exceed the hard payload limit
     *     (nothing was written)
     * @throws IllegalArgumentException if the codec cannot encode a value
     */
    public Optional<Session> save(Session session, SessionUpdate update) {
        return saves.save(session, update);
    }

    // ---------------------------------------------------------------- rotation and login

    /**
     * Logs a user in: the session moves to a new ID (the old one is dead at once, which defeats
     * fixation), the user is bound, the authentication time is set, the version grows, the
     * authenticated idle timeout applies and the absolute lifetime starts again. Attributes of an
     * anonymous session are kept; a session bound to another user is logged out instead and a
     * fresh one is created. The per-user limit is enforced atomically at the store.
     *
     * @param current the session the client holds, or {@code null} if none
     * @param userId the authenticated user, 1 to {@value #MAX_USER_ID_LENGTH} characters, no control characters
     * @param client what to remember of the client
     * @return the logged-in session and its new secret ID
     * @throws SessionLimitExceededException if the user is at the limit and the rule refuses, or if
     *     a racing login of the same user evicted this one before it was written
     */
    public NewSession login(Session current, String userId, ClientInfo client) {
        return logins.login(current, userId, client, context.policy.sessionLimit());
    }

    /**
     * Logs a user in as {@link #login(Session, String, ClientInfo)} does, under {@code limit} instead
     * of the policy's per-user limit: for integrations whose limit is chosen per login (Spring
     * Security's {@code maximumSessions(n)}). The limit is enforced in the same atomic store step.
     *
     * @param current the session the client holds, or {@code null} if none
     * @param userId the authenticated user
     * @param client what to remember of the client
     * @param limit the per-user limit for this login
     * @return the logged-in session and its new secret ID
     * @throws SessionLimitExceededException if the user is at {@code limit} and its rule refuses
     * @throws UnsupportedOperationException if {@code limit} is limited and the store does not index
     *     users
     * @since 0.1.0
     */
    public NewSession login(Session current, String userId, ClientInfo client, SessionLimit limit) {
        return logins.loginUnder(current, userId, client, limit);
    }

    /**
     * Moves a session to a new ID and changes nothing else, as
     * {@code HttpServletRequest.changeSessionId()} asks.
     *
     * @param session the session
     * @return the session under its new ID, or empty if it no longer exists
     */
    public Optional<NewSession> changeId(Session session) {
        return logins.changeId(session);
    }

    /**
     * Records a privilege change (roles, password): the session moves to a new ID and its version
     * grows, so tokens and cached copies that carry the old version stop being honoured for
     * checked decisions.
     *
     * @param session the session
     * @return the session under its new ID, or empty if it no longer exists
     */
    public Optional<NewSession> privilegeChanged(Session session) {
        return logins.privilegeChanged(session);
    }

    /**
     * Records that the user authenticated again (step-up): the session moves to a new ID, the
     * authentication time is now, and the version grows.
     *
     * @param session an authenticated session
     * @return the session under its new ID, or empty if it no longer exists
     * @throws IllegalArgumentException if the session is anonymous
     */
    public Optional<NewSession> reauthenticated(Session session) {
        return logins.reauthenticated(session);
    }

    /**
     * Renews a session's ID because the ID is old ({@link RotationCause#RENEWAL}): the session moves
     * to a new ID and nothing else changes. Unlike the other rotations, the old ID is not dead at
     * once: for {@code overlap} it leads to the renewed session through
     * {@link #resolveRenewed(SessionId)}, so requests already in flight with it (other tabs, parallel
     * fetches) do not fail. The overlap is recorded in the store's {@link AtomicValueStore}, keyed by
     * the old handle, <em>before</em> the session moves, and that record is also the claim: of
     * several requests that renew one session at once, one succeeds and the others get empty.
     * Costs two store writes.
     *
     * @param session the session
     * @param overlap how long the old ID keeps leading to the session; positive
     * @return the session under its new ID, or empty when it no longer exists or another request
     *     renewed it meanwhile
     * @throws UnsupportedOperationException if the store lacks {@link AtomicValueStore}
     */
    public Optional<NewSession> renewId(Session session, Duration overlap) {
        return logins.renewId(session, overlap);
    }

    /**
     * Follows an ID that {@link #renewId} renewed less than its overlap ago to the session it now
     * has. The caller proves it holds the old ID by presenting it (the store keeps only hashes).
     * Costs one value read, plus one store read when the ID was renewed. A miss publishes no event:
     * the caller's resolution of the ID already reported it.
     *
     * @param old the ID the client presented, which no longer resolves
     * @return the renewed session, or {@link ResolutionStatus#UNKNOWN} when the ID was not renewed,
     *     its overlap is over, or the renewed session no longer exists
     */
    public Resolution resolveRenewed(SessionId old) {
        Objects.requireNonNull(old, "old");
        Optional<SessionHandle> successor = logins.renewedTo(old.handle());
        return successor.isPresent() ? lookup(successor.get()) : Resolution.absent(ResolutionStatus.UNKNOWN);
    }

    // ---------------------------------------------------------------- logout and revocation

    /**
     * Logs out of a session: its record is removed from the store, so the ID is dead on every
     * node, not merely forgotten by one browser.
     *
     * @param session the session
     * @return {@code true} if a live session was removed
     */
    public boolean logout(Session session) {
        return revocations.logout(session);
    }

    /**
     * Ends a session because a policy outside the manager found it expired (a route's shorter idle
     * window, say): the record is removed and {@link SessionEvent.Expired} is reported, not a
     * revocation or logout.
     *
     * @param session the session
     * @param reason why it expired
     * @return {@code true} if a live session was removed
     */
    public boolean expire(Session session, ExpiryReason reason) {
        return revocations.expire(session, reason);
    }

    /**
     * Revokes one session by handle (administration, or the user from another device). Revoking a
     * session that does not exist is not an error.
     *
     * @param handle the session's handle
     * @param reason why, for events and logs
     * @return {@code true} if a live session was removed
     */
    public boolean revoke(SessionHandle handle, RevocationReason reason) {
        return revocations.revoke(handle, reason);
    }

    /**
     * Revokes every session of a user, on every node. The store advances the user's version in one
     * write ({@link UserIndexedStore#revokeAll}), which ends every session bound to the user before
     * it, even one the store could not delete or never indexed; the deletions that follow let
     * caches and listeners see the sessions go.
     *
     * @param userId the user
     * @return how many live sessions were removed
     * @throws UnsupportedOperationException if the store does not index users
     */
    public int revokeAll(String userId) {
        return revocations.revokeAll(userId);
    }

    /**
     * Revokes every session of {@code keep}'s user except {@code keep}: "sign out everywhere else".
     * One atomic store operation ({@link UserIndexedStore#revokeOthers}) advances the user's version
     * and re-stamps {@code keep}, so a session of the user that rotates meanwhile does not escape.
     *
     * @param keep the session to keep, authenticated
     * @return how many sessions were removed
     * @throws UnsupportedOperationException if the store does not index users
     */
    public int revokeOthers(Session keep) {
        return revocations.revokeOthers(keep);
    }

    /**
     * Lists a user's live sessions, most recently used first.
     *
     * @param userId the user
     * @return the device list; empty for an unknown user
     * @throws UnsupportedOperationException if the store does not index users
     */
    public List<SessionSummary> sessionsOf(String userId) {
        return revocations.sessionsOf(userId);
    }

    // ---------------------------------------------------------------- events

    /**
     * Delivers an event to this manager's listeners. Lanyard's modules (servlet, tokens) reach it
     * through {@link ModuleEvents}; applications cannot, so they cannot forge lifecycle events.
     */
    void publish(SessionEvent event) {
        context.publish(event);
    }

    @Override
    public String toString() {
        return "SessionManager[store=" + context.store.getClass().getSimpleName() + ", node=" + context.nodeId + ", "
                + context.policy + "]";
    }

    /**
     * Configures a {@link SessionManager}; each option is described in docs/configuration.md. Not
     * thread-safe; {@link #build()} validates.
     */
    public static final class Builder {
        private final ManagerSettings settings;

        private Builder(SessionStore store) {
            this.settings = new ManagerSettings(store);
        }

        /** Sets the clock for every time decision; default {@link Clock#systemUTC()}. */
        public Builder clock(Clock clock) {
            settings.clock(clock);
            return this;
        }

        /** Sets the session policy; default {@link SessionPolicy#defaults()}. */
        public Builder policy(SessionPolicy policy) {
            settings.policy(policy);
            return this;
        }

        /** Sets the attribute codec; default {@link DefaultAttributeCodec#create()}; session-jackson offers JSON. */
        public Builder attributeCodec(AttributeCodec codec) {
            settings.codec(codec);
            return this;
        }

        /** The same as {@link #attributeCodec(AttributeCodec)}, kept for code written before that name. */
        public Builder codec(AttributeCodec codec) {
            return attributeCodec(codec);
        }

        /** Adds a listener of session events; listeners are called in the order added. */
        public Builder listener(SessionListener listener) {
            settings.listener(listener);
            return this;
        }

        /** Sets the cryptographically strong source of session IDs; default a new {@link SecureRandom}. */
        public Builder random(SecureRandom random) {
            settings.random(random);
            return this;
        }

        /** Names this node (1 to 64 characters): sessions record it, and moves between nodes are reported. */
        public Builder nodeId(String nodeId) {
            settings.nodeId(nodeId);
            return this;
        }

        /** Reports every operation to an observer, for tracing; what it throws is dropped. Default none, free. */
        public Builder observer(SessionObserver observer) {
            settings.observer(observer);
            return this;
        }

        /** Sets whether session events are logged, by handle only; default {@link #DEFAULT_LOG_EVENTS}. */
        public Builder logEvents(boolean enabled) {
            settings.logEvents = enabled;
            return this;
        }

        /**
         * Validates the configuration and builds the manager.
         *
         * @return the manager
         * @throws IllegalArgumentException if the policy needs a power the store lacks
         */
        public SessionManager build() {
            SessionManager manager = new SessionManager(settings.complete());
            manager.context.followStoreHealth();
            return manager;
        }
    }
}
