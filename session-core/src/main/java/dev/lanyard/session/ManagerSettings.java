package dev.lanyard.session;

import dev.lanyard.session.codec.DefaultAttributeCodec;
import dev.lanyard.session.event.LoggingSessionListener;
import dev.lanyard.session.event.SessionListener;
import dev.lanyard.session.event.SessionObserver;
import dev.lanyard.session.internal.GuardedListeners;
import dev.lanyard.session.spi.AttributeCodec;
import dev.lanyard.session.spi.SessionStore;
import dev.lanyard.session.spi.UserIndexedStore;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The options of a {@link SessionManager} as its {@link SessionManager.Builder} collects them: each
 * setter checks its one value, {@link #complete()} checks how they combine and fills in the defaults
 * that cost something to make. Package-private. Not thread-safe: a builder owns it, and the manager
 * reads it once, when it is built.
 */
final class ManagerSettings {

    final SessionStore store;
    Clock clock = Clock.systemUTC();
    SessionPolicy policy = SessionPolicy.defaults();
    /** {@code null} until {@link #complete()} (then {@link DefaultAttributeCodec#create()}) unless set. */
    AttributeCodec codec;

    final List<SessionListener> listeners = new ArrayList<>();
    /** {@code null} until {@link #complete()} (then a new {@link SecureRandom}) unless set. */
    SecureRandom random;

    String nodeId;
    boolean logEvents = SessionManager.DEFAULT_LOG_EVENTS;
    /** As configured, not yet guarded; {@code null} when none. */
    SessionObserver observer;

    ManagerSettings(SessionStore store) {
        this.store = Objects.requireNonNull(store, "store");
    }

    void clock(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    void policy(SessionPolicy policy) {
        this.policy = Objects.requireNonNull(policy, "policy");
    }

    void codec(AttributeCodec codec) {
        this.codec = Objects.requireNonNull(codec, "attributeCodec");
    }

    void listener(SessionListener listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    void random(SecureRandom random) {
        this.random = Objects.requireNonNull(random, "random");
    }

    void nodeId(String nodeId) {
        Objects.requireNonNull(nodeId, "nodeId");
        if (nodeId.isEmpty() || nodeId.length() > 64) {
            throw new IllegalArgumentException("nodeId has 1 to 64 characters (got " + nodeId.length() + ")");
        }
        this.nodeId = nodeId;
    }

    void observer(SessionObserver observer) {
        this.observer = Objects.requireNonNull(observer, "observer");
    }

    /**
     * Rejects a policy that needs a power the store lacks, then fills in the codec and the source
     * of IDs when none was set.
     *
     * @return these settings, complete
     * @throws IllegalArgumentException naming the option that the store cannot honour
     */
    ManagerSettings complete() {
        if (policy.sessionLimit().isLimited()
                && !(store instanceof UserIndexedStore)
                && !policy.sessionLimit().equals(SessionPolicy.DEFAULT_SESSION_LIMIT)) {
            throw new IllegalArgumentException("sessionLimit ("
                    + policy.sessionLimit().maxSessions() + ") needs a store that implements UserIndexedStore; "
                    + store.getClass().getName() + " does not");
        }
        if (codec == null) {
            codec = DefaultAttributeCodec.create();
        }
        if (random == null) {
            random = new SecureRandom();
        }
        return this;
    }

    /** The listeners in the order they hear events: the event log when it is on, then those added. */
    GuardedListeners guardedListeners() {
        List<SessionListener> all = new ArrayList<>();
        if (logEvents) {
            all.add(LoggingSessionListener.create(nodeId));
        }
        all.addAll(listeners);
        return new GuardedListeners(all);
    }
}
