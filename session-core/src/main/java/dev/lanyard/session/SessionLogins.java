package dev.lanyard.session;

import dev.lanyard.session.event.ObservedOperation;
import dev.lanyard.session.event.SessionEvent;
import dev.lanyard.session.event.SessionEvent.StoreOperation;
import dev.lanyard.session.spi.Admission;
import dev.lanyard.session.spi.AtomicValueStore;
import dev.lanyard.session.spi.Rotation;
import dev.lanyard.session.spi.SessionRecord;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Logging in and moving sessions to new IDs (login, change of ID, privilege change, renewal,
 * re-authentication) for a {@link SessionManager}, over the store and policy its {@link
 * ManagerContext} holds. Package-private: the manager's public methods delegate here. Thread-safe,
 * as the manager is.
 */
final class SessionLogins {

    private final ManagerContext m;
    private final SessionSaves saves;
    private final SessionRevocations revocations;

    SessionLogins(ManagerContext manager, SessionSaves saves, SessionRevocations revocations) {
        this.m = manager;
        this.saves = saves;
        this.revocations = revocations;
    }

    /** A login under a limit chosen for it, which needs a store that indexes users when it is limited. */
    NewSession loginUnder(Session current, String userId, ClientInfo client, SessionLimit limit) {
        Objects.requireNonNull(limit, "limit");
        if (limit.isLimited() && m.indexedStore == null) {
            throw new UnsupportedOperationException("a per-login session limit needs a store that implements "
                    + "UserIndexedStore; " + m.store.getClass().getName() + " does not");
        }
        return login(current, userId, client, limit);
    }

    NewSession login(Session current, String userId, ClientInfo client, SessionLimit limit) {
        ManagerRules.checkUserId(userId);
        Objects.requireNonNull(client, "client");
        if (m.observer == null) {
            return doLogin(current, userId, client, limit);
        }
        ObservedOperation op = ObservedOperation.start(m.observer, ObservedOperation.Kind.LOGIN);
        try {
            NewSession session = doLogin(current, userId, client, limit);
            op.handle(session.session().handle()).version(session.session().version());
            return session;
        } catch (SessionLimitExceededException e) {
            op.refused(StoreCalls.LIMIT_REACHED);
            throw e;
        } catch (RuntimeException e) {
            op.failed(e);
            throw e;
        } finally {
            op.stop(m.observer);
        }
    }

    private NewSession doLogin(Session current, String userId, ClientInfo client, SessionLimit limit) {
        Instant now = m.clock.instant();
        SessionId id = SessionId.generate(m.random);
        SessionHandle handle = id.handle();
        Instant absoluteExpiry = now.plus(m.policy.absoluteTimeout());
        Duration ttl = ManagerRules.ttl(now, m.policy.idleTimeout(), absoluteExpiry);

        Admission admission = admit(userId, handle, limit);
        int sessions = admission == null ? 0 : admission.sessions();
        long userVersion = admission == null ? 0 : admission.userVersion();
        if (current != null
                && current.isAuthenticated()
                && !userId.equals(current.userId().orElseThrow())) {
            revocations.logout(current);
            current = null;
        }
        if (current != null && !current.isAuthenticated()) {
            current = dropAtLogin(current);
        }
        SessionRecord record = null;
        if (current != null) {
            Rotation rotation = Rotation.builder()
                    .newHandle(handle)
                    .userId(userId)
                    .userVersion(userVersion)
                    .bumpVersion(true)
                    .authenticatedAt(now)
                    .lastAccessedAt(now)
                    .idleTimeout(m.policy.idleTimeout())
                    .absoluteExpiry(absoluteExpiry)
                    .lastNode(m.nodeId)
                    .client(client)
                    .ttl(ttl)
                    .build();
            SessionHandle from = current.handle();
            record = m.calls
                    .call(StoreOperation.ROTATE, () -> m.store.rotate(from, rotation))
                    .orElse(null);
            if (record != null) {
                m.publish(new SessionEvent.Rotated(now, from, handle, RotationCause.LOGIN, record.version()));
            }
        }
        if (record == null) {
            SessionRecord fresh = SessionRecord.builder()
                    .handle(handle)
                    .userId(userId)
                    .version(1)
                    .userVersion(userVersion)
                    .createdAt(now)
                    .lastAccessedAt(now)
                    .idleTimeout(m.policy.idleTimeout())
                    .absoluteExpiry(absoluteExpiry)
                    .authenticatedAt(now)
                    .lastNode(m.nodeId)
                    .client(client)
                    .build();
            if (!m.calls.call(StoreOperation.CREATE, () -> m.store.create(fresh, ttl))) {
                // The handle was admitted, then evicted by a racing login of the same user.
                m.publish(new SessionEvent.LimitReached(now, userId, limit.overflow(), 0));
                throw new SessionLimitExceededException(limit.maxSessions());
            }
            m.publish(new SessionEvent.Created(now, handle, true));
            record = fresh;
        }
        Session session = sessionOrFresh(record, now);
        m.publish(new SessionEvent.LoggedIn(now, handle, userId, session.version(), sessions));
        return new NewSession(id, session);
    }

    /**
     * Removes from an anonymous session, before it rotates into a login, the attributes the
     * {@link LoginAttributePolicy} keeps out (removed first, so a failed rotation carries none).
     */
    private Session dropAtLogin(Session anonymous) {
        SessionUpdate.Builder dropped = SessionUpdate.builder();
        anonymous.record().attributes().keySet().stream()
                .filter(name -> !m.policy.loginAttributes().carries(name))
                .forEach(dropped::remove);
        SessionUpdate update = dropped.build();
        return update.isEmpty() ? anonymous : saves.save(anonymous, update).orElse(null);
    }

    private Admission admit(String userId, SessionHandle handle, SessionLimit limit) {
        if (m.indexedStore == null) {
            return null;
        }
        Admission admission = m.calls.call(
                StoreOperation.ADMIT, () -> m.indexedStore.admit(userId, handle, limit, m.policy.absoluteTimeout()));
        Instant now = m.clock.instant();
        if (!admission.admitted()) {
            m.publish(new SessionEvent.LimitReached(now, userId, limit.overflow(), 0));
            throw new SessionLimitExceededException(limit.maxSessions());
        }
        if (!admission.evicted().isEmpty()) {
            m.publish(new SessionEvent.LimitReached(
                    now, userId, limit.overflow(), admission.evicted().size()));
            for (SessionHandle evicted : admission.evicted()) {
                m.publish(new SessionEvent.Revoked(now, evicted, userId, RevocationReason.LIMIT_OVERFLOW));
            }
        }
        return admission;
    }

    Optional<NewSession> changeId(Session session) {
        return rotate(session, RotationCause.REQUESTED, false, null);
    }

    Optional<NewSession> privilegeChanged(Session session) {
        return rotate(session, RotationCause.PRIVILEGE_CHANGE, true, null);
    }

    Optional<NewSession> reauthenticated(Session session) {
        if (!session.isAuthenticated()) {
            throw new IllegalArgumentException("only an authenticated session can re-authenticate; log in instead");
        }
        return rotate(session, RotationCause.REAUTHENTICATION, true, m.clock.instant());
    }

    Optional<NewSession> renewId(Session session, Duration overlap) {
        Objects.requireNonNull(overlap, "overlap");
        if (overlap.isNegative() || overlap.isZero()) {
            throw new IllegalArgumentException("overlap (" + overlap + ") must be positive");
        }
        if (!(m.store instanceof AtomicValueStore)) {
            throw new UnsupportedOperationException("renewId needs a store that implements AtomicValueStore; "
                    + m.store.getClass().getName() + " does not");
        }
        return rotate(session, RotationCause.RENEWAL, false, null, overlap);
    }

    /** Where a renewed handle leads during its overlap, if it was renewed. */
    Optional<SessionHandle> renewedTo(SessionHandle old) {
        if (!(m.store instanceof AtomicValueStore values)) {
            return Optional.empty();
        }
        // The value is "<new handle>:<end of the overlap, epoch ms>": the overlap ends by this manager's
        // clock as well as by the value's TTL, whichever comes first.
        String value = values.get(renewalKey(old))
                .map(bytes -> new String(bytes, StandardCharsets.US_ASCII))
                .orElse("");
        int colon = value.indexOf(':');
        if (colon < 0 || !SessionHandle.isWellFormed(value.substring(0, colon))) {
            return Optional.empty();
        }
        try {
            if (m.clock.millis() >= Long.parseLong(value.substring(colon + 1))) {
                return Optional.empty();
            }
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
        return Optional.of(SessionHandle.of(value.substring(0, colon)));
    }

    /** The value key that records where a renewed handle leads during its overlap. */
    private static String renewalKey(SessionHandle old) {
        return "renewed:" + old.value();
    }

    private Optional<NewSession> rotate(Session session, RotationCause cause, boolean bumpVersion, Instant authAt) {
        return rotate(session, cause, bumpVersion, authAt, null);
    }

    /** {@code overlap}: how long the old ID leads to the new one, or {@code null} when it dies at once. */
    private Optional<NewSession> rotate(
            Session session, RotationCause cause, boolean bumpVersion, Instant authAt, Duration overlap) {
        Objects.requireNonNull(session, "session");
        if (m.observer == null) {
            return doRotate(session, cause, bumpVersion, authAt, overlap);
        }
        return m.calls.observe(
                ObservedOperation.Kind.ROTATE,
                () -> doRotate(session, cause, bumpVersion, authAt, overlap),
                (op, rotated) -> {
                    op.reason(cause);
                    if (rotated.isEmpty()) {
                        op.handle(session.handle()).refused(StoreCalls.NOT_FOUND);
                    } else {
                        op.handle(rotated.get().session().handle())
                                .version(rotated.get().session().version());
                    }
                });
    }

    private Optional<NewSession> doRotate(
            Session session, RotationCause cause, boolean bumpVersion, Instant authAt, Duration overlap) {
        Instant now = m.clock.instant();
        SessionRecord old = session.record();
        Duration ttl = ManagerRules.ttl(now, old.idleTimeout(), old.absoluteExpiry());
        if (ttl == null) {
            return Optional.empty();
        }
        SessionId id = SessionId.generate(m.random);
        Rotation rotation = Rotation.builder()
                .newHandle(id.handle())
                .bumpVersion(bumpVersion)
                .authenticatedAt(authAt)
                .lastAccessedAt(now)
                .lastNode(m.nodeId)
                .ttl(ttl)
                .build();
        // A renewal records where the old handle leads before the session moves, so that no request
        // in flight finds the old ID dead; the record is also the claim among racing renewals.
        AtomicValueStore values = overlap == null ? null : (AtomicValueStore) m.store;
        String renewalKey = renewalKey(old.handle());
        if (values != null
                && !values.putIfAbsent(
                        renewalKey,
                        (id.handle().value() + ":" + now.plus(overlap).toEpochMilli())
                                .getBytes(StandardCharsets.US_ASCII),
                        overlap)) {
            return Optional.empty();
        }
        Optional<SessionRecord> rotated =
                m.calls.call(StoreOperation.ROTATE, () -> m.store.rotate(old.handle(), rotation));
        if (rotated.isEmpty()) {
            if (values != null) {
                values.remove(renewalKey);
            }
            return Optional.empty();
        }
        m.publish(new SessionEvent.Rotated(
                now, old.handle(), id.handle(), cause, rotated.get().version()));
        return Optional.of(new NewSession(id, sessionOrFresh(rotated.get(), now)));
    }

    private Session sessionOrFresh(SessionRecord record, Instant now) {
        // Carried-over attributes decode on first read; one that cannot be read drops alone.
        return new Session(record, SessionAttributes.lazy(record.attributes(), m.readers.reader(record, true)));
    }
}
