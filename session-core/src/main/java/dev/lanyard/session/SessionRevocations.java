package dev.lanyard.session;

import dev.lanyard.session.event.ObservedOperation;
import dev.lanyard.session.event.SessionEvent;
import dev.lanyard.session.event.SessionEvent.StoreOperation;
import dev.lanyard.session.spi.SessionRecord;
import dev.lanyard.session.spi.UserIndexedStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * Ending sessions on purpose (logout, expiry by an outside policy, revocation of one
 * session, of a user's sessions, of all but one) and listing a user's sessions, for a
 * {@link SessionManager}. Package-private: the manager's public
 * methods delegate here. Thread-safe, as the manager is.
 */
final class SessionRevocations {

    private final ManagerContext m;

    SessionRevocations(ManagerContext manager) {
        this.m = manager;
    }

    boolean logout(Session session) {
        Objects.requireNonNull(session, "session");
        if (m.observer == null) {
            return doLogout(session);
        }
        return m.calls.observe(
                ObservedOperation.Kind.REVOKE,
                () -> doLogout(session),
                (op, removed) -> revoked(
                        op.handle(session.handle()).version(session.version()), RevocationReason.LOGOUT, removed));
    }

    /** Describes a revocation: its reason, and a refusal when there was nothing to remove. */
    private static void revoked(ObservedOperation op, RevocationReason reason, boolean removed) {
        if (removed) {
            op.reason(reason);
        } else {
            op.refused(StoreCalls.NOT_FOUND);
        }
    }

    private boolean doLogout(Session session) {
        boolean removed = m.calls.call(StoreOperation.DELETE, () -> m.store.delete(session.handle()));
        Instant now = m.clock.instant();
        String userId = session.userId().orElse(null);
        if (removed) {
            m.publish(new SessionEvent.Revoked(now, session.handle(), userId, RevocationReason.LOGOUT));
        }
        m.publish(new SessionEvent.LoggedOut(now, session.handle(), userId));
        return removed;
    }

    boolean expire(Session session, ExpiryReason reason) {
        Objects.requireNonNull(session, "session");
        Objects.requireNonNull(reason, "reason");
        boolean removed = m.calls.call(StoreOperation.DELETE, () -> m.store.delete(session.handle()));
        m.publish(new SessionEvent.Expired(m.clock.instant(), session.handle(), reason));
        return removed;
    }

    boolean revoke(SessionHandle handle, RevocationReason reason) {
        Objects.requireNonNull(handle, "handle");
        Objects.requireNonNull(reason, "reason");
        if (m.observer == null) {
            return doRevoke(handle, reason);
        }
        return m.calls.observe(
                ObservedOperation.Kind.REVOKE,
                () -> doRevoke(handle, reason),
                (op, removed) -> revoked(op.handle(handle), reason, removed));
    }

    private boolean doRevoke(SessionHandle handle, RevocationReason reason) {
        boolean removed = m.calls.call(StoreOperation.DELETE, () -> m.store.delete(handle));
        if (removed) {
            m.publish(new SessionEvent.Revoked(m.clock.instant(), handle, null, reason));
        }
        return removed;
    }

    int revokeAll(String userId) {
        ManagerRules.checkUserId(userId);
        UserIndexedStore indexed = requireIndex("revokeAll");
        if (m.observer == null) {
            return doRevokeAll(indexed, userId);
        }
        return m.calls.observe(
                ObservedOperation.Kind.REVOKE,
                () -> doRevokeAll(indexed, userId),
                (op, removed) -> op.reason(RevocationReason.USER_WIDE));
    }

    private int doRevokeAll(UserIndexedStore indexed, String userId) {
        List<SessionHandle> revoked =
                m.calls.call(StoreOperation.REVOKE_ALL, () -> indexed.revokeAll(userId, m.policy.absoluteTimeout()));
        Instant now = m.clock.instant();
        for (SessionHandle handle : revoked) {
            m.publish(new SessionEvent.Revoked(now, handle, userId, RevocationReason.USER_WIDE));
        }
        return revoked.size();
    }

    int revokeOthers(Session keep) {
        String userId = keep.userId()
                .orElseThrow(() -> new IllegalArgumentException("an anonymous session has no other sessions"));
        UserIndexedStore indexed = requireIndex("revokeOthers");
        List<SessionHandle> revoked = m.calls.call(
                StoreOperation.REVOKE_ALL,
                () -> indexed.revokeOthers(userId, keep.handle(), m.policy.absoluteTimeout()));
        Instant now = m.clock.instant();
        for (SessionHandle handle : revoked) {
            m.publish(new SessionEvent.Revoked(now, handle, userId, RevocationReason.USER_WIDE));
        }
        return revoked.size();
    }

    List<SessionSummary> sessionsOf(String userId) {
        ManagerRules.checkUserId(userId);
        UserIndexedStore indexed = requireIndex("sessionsOf");
        List<SessionRecord> records = m.calls.call(StoreOperation.LIST, () -> indexed.sessionsOf(userId));
        Instant now = m.clock.instant();
        List<SessionSummary> summaries = new ArrayList<>(records.size());
        for (SessionRecord r : records) {
            if (now.isBefore(r.expiresAt()) && userId.equals(r.userId())) {
                summaries.add(new SessionSummary(
                        r.handle(), r.createdAt(), r.lastAccessedAt(), r.authenticatedAt(), r.client(), r.lastNode()));
            }
        }
        summaries.sort(
                Comparator.comparing(SessionSummary::lastAccessedAt).reversed().thenComparing(SessionSummary::handle));
        return summaries;
    }

    UserIndexedStore requireIndex(String operation) {
        if (m.indexedStore == null) {
            throw new UnsupportedOperationException(operation + " needs a store that implements UserIndexedStore; "
                    + m.store.getClass().getName() + " does not");
        }
        return m.indexedStore;
    }
}
