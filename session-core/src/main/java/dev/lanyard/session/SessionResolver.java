package dev.lanyard.session;

import dev.lanyard.session.event.ObservedOperation;
import dev.lanyard.session.event.SessionEvent;
import dev.lanyard.session.event.SessionEvent.StoreOperation;
import dev.lanyard.session.spi.NearCachingStore;
import dev.lanyard.session.spi.SessionRecord;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Creating anonymous sessions and resolving presented IDs and handles: load, check idle and
 * absolute expiry and versions, drop what is expired or unreadable, for a {@link SessionManager}.
 * Package-private: the manager's public methods delegate here. Thread-safe, as the manager is.
 */
final class SessionResolver {

    private final ManagerContext m;

    SessionResolver(ManagerContext manager) {
        this.m = manager;
    }

    NewSession create(ClientInfo client) {
        Objects.requireNonNull(client, "client");
        if (m.observer == null) {
            return doCreate(client);
        }
        return m.calls.observe(
                ObservedOperation.Kind.CREATE,
                () -> doCreate(client),
                (op, created) -> op.handle(created.session().handle())
                        .version(created.session().version()));
    }

    private NewSession doCreate(ClientInfo client) {
        Instant now = m.clock.instant();
        for (int attempt = 0; ; attempt++) {
            SessionId id = SessionId.generate(m.random);
            SessionRecord record = SessionRecord.builder()
                    .handle(id.handle())
                    .createdAt(now)
                    .lastAccessedAt(now)
                    .idleTimeout(m.policy.anonymousIdleTimeout())
                    .absoluteExpiry(now.plus(m.policy.absoluteTimeout()))
                    .lastNode(m.nodeId)
                    .client(client)
                    .build();
            boolean created =
                    m.calls.call(StoreOperation.CREATE, () -> m.store.create(record, ManagerRules.ttl(record, now)));
            if (created) {
                m.publish(new SessionEvent.Created(now, record.handle(), false));
                return new NewSession(id, new Session(record, SessionAttributes.EMPTY));
            }
            if (attempt == 2) {
                throw new SessionException(
                        "could not create a session: the m.store reported three ID collisions in a row");
            }
        }
    }

    Resolution resolve(String presented) {
        return resolve(presented, ReadMode.CACHE);
    }

    Resolution resolve(String presented, ReadMode mode) {
        Optional<SessionId> id = SessionId.parse(presented);
        if (id.isEmpty()) {
            return m.observer == null
                    ? miss(ResolutionStatus.MALFORMED)
                    : observeResolve(null, () -> miss(ResolutionStatus.MALFORMED));
        }
        return resolve(id.get(), mode);
    }

    Resolution resolve(SessionId id) {
        return resolve(id, ReadMode.CACHE);
    }

    Resolution resolve(SessionId id, ReadMode mode) {
        SessionHandle handle = Objects.requireNonNull(id, "id").handle();
        Objects.requireNonNull(mode, "mode");
        if (m.observer == null) {
            return load(handle, mode);
        }
        return observeResolve(handle, () -> load(handle, mode));
    }

    Resolution lookup(SessionHandle handle) {
        Objects.requireNonNull(handle, "handle");
        if (m.observer == null) {
            return load(handle, ReadMode.CACHE);
        }
        return observeResolve(handle, () -> load(handle, ReadMode.CACHE));
    }

    Resolution lookup(SessionHandle handle, long expectedVersion) {
        Objects.requireNonNull(handle, "handle");
        if (m.observer == null) {
            return lookupVersion(handle, expectedVersion);
        }
        return observeResolve(handle, () -> lookupVersion(handle, expectedVersion));
    }

    private Resolution lookupVersion(SessionHandle handle, long expectedVersion) {
        Resolution resolution = load(handle, ReadMode.CACHE);
        if (resolution.isFound()
                && resolution.session().orElseThrow().version() != expectedVersion
                && m.cachingStore != null) {
            resolution = load(handle, ReadMode.STORE);
        }
        if (resolution.isFound() && resolution.session().orElseThrow().version() != expectedVersion) {
            m.publish(new SessionEvent.Expired(m.clock.instant(), handle, ExpiryReason.VERSION));
            return miss(ResolutionStatus.STALE_VERSION);
        }
        return resolution;
    }

    /** Runs a resolution under a {@link ObservedOperation.Kind#RESOLVE} observation. */
    private Resolution observeResolve(SessionHandle handle, Supplier<Resolution> action) {
        return m.calls.observe(ObservedOperation.Kind.RESOLVE, action, (op, resolution) -> {
            op.handle(handle);
            if (resolution.isFound()) {
                op.version(resolution.session().orElseThrow().version());
            } else {
                op.refused(resolution.status());
            }
        });
    }

    private Resolution load(SessionHandle handle, ReadMode mode) {
        SessionRecord record;
        SessionEvent.Source source = SessionEvent.Source.STORE;
        try {
            if (m.cachingStore != null && mode == ReadMode.CACHE) {
                NearCachingStore.CachedRecord cached = m.calls
                        .call(StoreOperation.LOAD, () -> m.cachingStore.loadCached(handle))
                        .orElse(null);
                record = cached == null ? null : cached.record();
                if (cached != null && cached.fromCache()) {
                    source = SessionEvent.Source.NEAR_CACHE;
                }
            } else {
                record = m.calls
                        .call(StoreOperation.LOAD, () -> m.store.load(handle))
                        .orElse(null);
            }
        } catch (UnreadableSessionException e) {
            return dropUnreadable(handle, e);
        }
        if (record == null) {
            return miss(ResolutionStatus.UNKNOWN);
        }
        Instant now = m.clock.instant();
        if (!now.isBefore(record.absoluteExpiry())) {
            return expire(record, ExpiryReason.ABSOLUTE, now);
        }
        if (!now.isBefore(record.lastAccessedAt().plus(record.idleTimeout()))) {
            return expire(record, ExpiryReason.IDLE, now);
        }
        if (!m.listeners.isEmpty()) {
            m.listeners.publish(new SessionEvent.Resolved(now, handle, source));
        }
        return Resolution.found(
                new Session(record, SessionAttributes.lazy(record.attributes(), m.readers.reader(record, true))));
    }

    private Resolution miss(ResolutionStatus status) {
        if (!m.listeners.isEmpty()) {
            m.listeners.publish(new SessionEvent.NotResolved(m.clock.instant(), status));
        }
        return Resolution.absent(status);
    }

    private Resolution expire(SessionRecord record, ExpiryReason reason, Instant now) {
        boolean removed = deleteQuietly(record.handle());
        m.publish(new SessionEvent.Expired(now, record.handle(), reason));
        if (removed && m.timeouts.hasSubscribers()) {
            m.timeouts.report(record);
        }
        return miss(reason == ExpiryReason.IDLE ? ResolutionStatus.EXPIRED_IDLE : ResolutionStatus.EXPIRED_ABSOLUTE);
    }

    private Resolution dropUnreadable(SessionHandle handle, UnreadableSessionException e) {
        SessionManager.LOG.debug("dropping unreadable session {}", handle, e);
        deleteQuietly(handle);
        m.publish(new SessionEvent.Unreadable(m.clock.instant(), handle, ManagerRules.rootCauseName(e)));
        return miss(ResolutionStatus.UNREADABLE);
    }

    private boolean deleteQuietly(SessionHandle handle) {
        try {
            return m.calls.call(StoreOperation.DELETE, () -> m.store.delete(handle));
        } catch (StoreUnavailableException e) {
            SessionManager.LOG.debug("could not delete session {} now; its TTL will remove it", handle);
            return false;
        }
    }
}
