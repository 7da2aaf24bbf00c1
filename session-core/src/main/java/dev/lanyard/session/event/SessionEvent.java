package dev.lanyard.session.event;

import dev.lanyard.session.ExpiryReason;
import dev.lanyard.session.OverflowRule;
import dev.lanyard.session.ResolutionStatus;
import dev.lanyard.session.RevocationReason;
import dev.lanyard.session.RotationCause;
import dev.lanyard.session.SessionHandle;
import dev.lanyard.session.StoreHealth;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * Something that happened in a session's life. Events are small immutable values; they name
 * sessions by {@link SessionHandle} and never carry a secret (session ID, token, key) or an
 * attribute value. A user ID appears only where the event is about a user, and listeners decide
 * whether to show it.
 *
 * <p>The set is closed so that a listener can switch over every kind; all modules publish these
 * through {@link dev.lanyard.session.SessionManager#publish(SessionEvent)}.
 *
 * @since 0.1.0
 */
public sealed interface SessionEvent {

    /**
     * Returns when the event happened, by the manager's clock.
     *
     * @return the instant
     */
    Instant at();

    /** Where a resolved session was read from. */
    enum Source {
        /** The shared store. */
        STORE,
        /** This node's near cache. */
        NEAR_CACHE
    }

    /** What a save wrote. */
    enum SaveKind {
        /** Only the last-access time and time to live (a coalesced touch). */
        TOUCH,
        /** Attributes, with the touch. */
        ATTRIBUTES
    }

    /** An operation of the store SPI. */
    enum StoreOperation {
        /** {@code load}. */
        LOAD,
        /** {@code create}. */
        CREATE,
        /** {@code update}. */
        UPDATE,
        /** {@code rotate}. */
        ROTATE,
        /** {@code delete}. */
        DELETE,
        /** {@code admit}. */
        ADMIT,
        /** {@code sessionsOf}. */
        LIST,
        /** {@code revokeAll}. */
        REVOKE_ALL
    }

    /** How a store operation ended. */
    enum Outcome {
        /** It answered. */
        SUCCESS,
        /** It threw; see the logs. */
        FAILURE
    }

    /**
     * A session was created.
     *
     * @param at when
     * @param handle the new session
     * @param authenticated whether it was created already bound to a user (a login without a prior session)
     */
    record Created(Instant at, SessionHandle handle, boolean authenticated) implements SessionEvent {
        /**
         * Checks the values.
         *
         * @param at when
         * @param handle the new session
         * @param authenticated whether it was created already bound to a user (a login without a prior session)
         */
        public Created {
            Objects.requireNonNull(at, "at");
            Objects.requireNonNull(handle, "handle");
        }
    }

    /**
     * A presented session was found valid.
     *
     * @param at when
     * @param handle the session
     * @param source where it was read from
     */
    record Resolved(Instant at, SessionHandle handle, Source source) implements SessionEvent {}

    /**
     * A presented session ID resolved to no valid session.
     *
     * @param at when
     * @param status why: malformed, unknown, expired, stale or unreadable
     */
    record NotResolved(Instant at, ResolutionStatus status) implements SessionEvent {}

    /**
     * A session moved to a new ID; the old one is dead.
     *
     * @param at when
     * @param oldHandle the handle before
     * @param newHandle the handle after
     * @param cause why
     * @param version the session version after the rotation
     */
    record Rotated(Instant at, SessionHandle oldHandle, SessionHandle newHandle, RotationCause cause, long version)
            implements SessionEvent {}

    /**
     * A session was written: a touch (renewal) or attribute changes.
     *
     * @param at when
     * @param handle the session
     * @param kind what was written
     * @param changedAttributes how many attributes were put or removed
     * @param payloadBytes the session's encoded attribute size after the write
     */
    record Saved(Instant at, SessionHandle handle, SaveKind kind, int changedAttributes, long payloadBytes)
            implements SessionEvent {}

    /**
     * A session was ended on purpose.
     *
     * @param at when
     * @param handle the session
     * @param userId its user, or {@code null} when anonymous or not known
     * @param reason why
     */
    record Revoked(Instant at, SessionHandle handle, String userId, RevocationReason reason) implements SessionEvent {}

    /**
     * A session was found expired and removed.
     *
     * @param at when
     * @param handle the session
     * @param reason idle, absolute or version
     */
    record Expired(Instant at, SessionHandle handle, ExpiryReason reason) implements SessionEvent {}

    /**
     * A user logged in: the session was rotated and bound to the user.
     *
     * @param at when
     * @param handle the session after login
     * @param userId the user
     * @param version the session version after login
     * @param userSessions how many sessions the user holds now, this one included (0 when the store
     *     does not index users)
     */
    record LoggedIn(Instant at, SessionHandle handle, String userId, long version, int userSessions)
            implements SessionEvent {}

    /**
     * A user logged out of a session.
     *
     * @param at when
     * @param handle the session
     * @param userId the user, or {@code null} if the session was anonymous
     */
    record LoggedOut(Instant at, SessionHandle handle, String userId) implements SessionEvent {}

    /**
     * A login met the per-user session limit.
     *
     * @param at when
     * @param userId the user
     * @param rule the overflow rule applied
     * @param evicted how many sessions were evicted (0 when the login was refused)
     */
    record LimitReached(Instant at, String userId, OverflowRule rule, int evicted) implements SessionEvent {}

    /**
     * A write took a session's attributes past the soft payload limit.
     *
     * @param at when
     * @param handle the session
     * @param bytes its attribute size now
     * @param limit the soft limit
     */
    record PayloadOverSoftLimit(Instant at, SessionHandle handle, long bytes, long limit) implements SessionEvent {}

    /**
     * A stored session could not be read and was dropped.
     *
     * @param at when
     * @param handle the session
     * @param cause the kind of failure (an exception type name), never the record's content
     */
    record Unreadable(Instant at, SessionHandle handle, String cause) implements SessionEvent {}

    /**
     * One attribute of a session could not be read (its class was removed, renamed or changed
     * incompatibly in a deploy, is refused by the codec's allow-list or gadget deny-list, or its
     * bytes are corrupt) and was dropped alone; the session and its login were kept.
     *
     * @param at when
     * @param handle the session
     * @param attribute the attribute's name
     * @param className the class that could not be read, or {@code null} when the codec could not tell
     * @param cause the kind of failure (an exception type name), never the value
     */
    record AttributeUnreadable(Instant at, SessionHandle handle, String attribute, String className, String cause)
            implements SessionEvent {}

    /**
     * A store operation completed or failed.
     *
     * @param at when it ended
     * @param operation which operation
     * @param outcome whether it answered
     * @param elapsed how long it took
     */
    record StoreCall(Instant at, StoreOperation operation, Outcome outcome, Duration elapsed) implements SessionEvent {}

    /**
     * The store was unavailable and a route configured to fail open served the request without a
     * session.
     *
     * @param at when
     * @param route the route's name or pattern (a bounded set)
     */
    record FailOpen(Instant at, String route) implements SessionEvent {
        /**
         * Checks the values.
         *
         * @param at when
         * @param route the route's name or pattern (a bounded set)
         */
        public FailOpen {
            Objects.requireNonNull(route, "route");
        }
    }

    /**
     * A route demanded recent authentication that the session lacked.
     *
     * @param at when
     * @param handle the session
     * @param route the route's name or pattern
     */
    record StepUpRequired(Instant at, SessionHandle handle, String route) implements SessionEvent {
        /**
         * Checks the values.
         *
         * @param at when
         * @param handle the session
         * @param route the route's name or pattern
         */
        public StepUpRequired {
            Objects.requireNonNull(route, "route");
        }
    }

    /**
     * An access token was rejected.
     *
     * @param at when
     * @param reason the rejection reason's name (a bounded set, such as {@code EXPIRED})
     */
    record TokenRejected(Instant at, String reason) implements SessionEvent {
        /**
         * Checks the values.
         *
         * @param at when
         * @param reason the rejection reason's name (a bounded set, such as {@code EXPIRED})
         */
        public TokenRejected {
            Objects.requireNonNull(reason, "reason");
        }
    }

    /**
     * A retired refresh token was presented again: its family and session were revoked.
     *
     * @param at when
     * @param handle the session the family belonged to
     */
    record TokenReuseDetected(Instant at, SessionHandle handle) implements SessionEvent {}

    /**
     * A refresh token retired moments ago was presented again within the refresh grace period and
     * received its successor (the second tab of a race). It happens at most once per retired token;
     * a further presentation is reuse. Frequent grace uses for one client can mean a retrying
     * client or a thief racing the owner.
     *
     * @param at when
     * @param handle the session the family belongs to
     */
    record RefreshGraceUsed(Instant at, SessionHandle handle) implements SessionEvent {}

    /**
     * A session last served by one node was served by another.
     *
     * @param at when
     * @param handle the session
     * @param fromNode the node that served it before
     * @param toNode this node
     */
    record AffinityRebind(Instant at, SessionHandle handle, String fromNode, String toNode) implements SessionEvent {}

    /**
     * One client presented many unknown or malformed session IDs in a short time.
     *
     * @param at when
     * @param client the client's network prefix
     * @param attempts how many bad IDs it presented in the window
     */
    record GuessingSuspected(Instant at, String client, int attempts) implements SessionEvent {}

    /**
     * The store's reachability changed (it came up, was lost, or is still being connected to), or,
     * once when a manager is built, its state then. The store logs each change itself; this event
     * is for metrics and readiness listeners.
     *
     * @param at when
     * @param health the new health
     */
    record StoreStateChanged(Instant at, StoreHealth health) implements SessionEvent {
        /**
         * Checks the event.
         *
         * @param at when
         * @param health the new health
         */
        public StoreStateChanged {
            Objects.requireNonNull(health, "health");
        }
    }
}
