package dev.lanyard.session;

import dev.lanyard.session.event.ObservedOperation;
import dev.lanyard.session.event.SessionEvent;
import dev.lanyard.session.event.SessionObserver;
import dev.lanyard.session.internal.GuardedListeners;
import dev.lanyard.session.spi.AttributeCodec;
import dev.lanyard.session.spi.ExpiryNotifyingStore;
import dev.lanyard.session.spi.HealthReportingStore;
import dev.lanyard.session.spi.NearCachingStore;
import dev.lanyard.session.spi.SessionStore;
import dev.lanyard.session.spi.UserIndexedStore;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.Objects;

/**
 * What the parts of one {@link SessionManager} share: the store and the powers it has, the
 * settings it was built with, the guarded listeners and observer, and the store calls, attribute
 * readers and timeout subscription built on them. The parts (resolver, saves, logins, revocations)
 * read it; the manager's public methods delegate to them. Package-private. Its references never
 * change after construction; thread-safe.
 */
final class ManagerContext {

    final SessionStore store;
    final UserIndexedStore indexedStore;
    final NearCachingStore cachingStore;
    final ExpiryNotifyingStore expiringStore;
    final HealthReportingStore healthStore;
    /** When the manager was built: a store without a health report counts as up since then. */
    final Instant builtAt;

    final Clock clock;
    final SessionPolicy policy;
    final AttributeCodec codec;
    final GuardedListeners listeners;
    final SecureRandom random;
    final String nodeId;
    /** The guarded observer, or {@code null}: then no operation is observed and nothing is allocated for it. */
    final SessionObserver observer;

    final String storeKind;
    final StoreCalls calls;
    final AttributeReaders readers;
    /** Who hears of timeouts; the store is subscribed while this is not empty. */
    final SessionTimeouts timeouts;

    /** @param settings complete settings; read once, so that later changes to the builder do not reach here */
    ManagerContext(ManagerSettings settings) {
        this.store = settings.store;
        this.indexedStore = store instanceof UserIndexedStore indexed ? indexed : null;
        this.cachingStore = store instanceof NearCachingStore caching ? caching : null;
        this.expiringStore = store instanceof ExpiryNotifyingStore expiring ? expiring : null;
        this.clock = settings.clock;
        this.policy = settings.policy;
        this.codec = settings.codec;
        this.listeners = settings.guardedListeners();
        this.random = settings.random;
        this.nodeId = settings.nodeId;
        this.observer = settings.observer == null ? null : SessionObserver.guard(settings.observer);
        this.storeKind = ObservedOperation.storeKind(store);
        this.healthStore = store instanceof HealthReportingStore reporting ? reporting : null;
        this.builtAt = clock.instant();
        this.calls = new StoreCalls(observer, listeners, storeKind, clock);
        this.readers = new AttributeReaders(this);
        this.timeouts = new SessionTimeouts(this);
    }

    /** Delivers an event to the manager's listeners. */
    void publish(SessionEvent event) {
        Objects.requireNonNull(event, "event");
        listeners.publish(event);
    }

    /** Whether the store implements {@link ExpiryNotifyingStore} and is configured to report timeouts. */
    boolean reportsTimeouts() {
        return expiringStore != null && expiringStore.reportsTimeouts();
    }

    /** Publishes the store's state now and on every change (once per manager, at build). */
    void followStoreHealth() {
        if (healthStore == null || listeners.isEmpty()) {
            return;
        }
        healthStore.onHealthChange(
                health -> listeners.publish(new SessionEvent.StoreStateChanged(clock.instant(), health)));
        listeners.publish(new SessionEvent.StoreStateChanged(clock.instant(), healthStore.health()));
    }
}
