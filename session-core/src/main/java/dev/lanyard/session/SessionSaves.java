package dev.lanyard.session;

import dev.lanyard.session.event.ObservedOperation;
import dev.lanyard.session.event.SessionEvent;
import dev.lanyard.session.event.SessionEvent.StoreOperation;
import dev.lanyard.session.spi.SessionDelta;
import dev.lanyard.session.spi.SessionRecord;
import dev.lanyard.session.spi.UpdateResult;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Saving what a request changed: the attribute checks, the coalesced touch and the delta
 * written to the store, for a {@link SessionManager}. Package-private: the manager's public
 * methods delegate here. Thread-safe, as the manager is.
 */
final class SessionSaves {

    private final ManagerContext m;

    SessionSaves(ManagerContext manager) {
        this.m = manager;
    }

    void checkAttribute(String name, Object value) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(value, "value");
        m.codec.encode(name, value);
    }

    boolean touchDue(Session session) {
        return !m.clock.instant().isBefore(session.lastAccessedAt().plus(m.policy.touchInterval()));
    }

    Optional<Session> save(Session session, SessionUpdate update) {
        Objects.requireNonNull(session, "session");
        Objects.requireNonNull(update, "update");
        if (m.observer == null) {
            return doSave(session, update, null);
        }
        ObservedOperation op = ObservedOperation.start(m.observer, ObservedOperation.Kind.SAVE)
                .handle(session.handle())
                .version(session.version());
        try {
            Optional<Session> saved = doSave(session, update, op);
            if (saved.isEmpty()) {
                op.refused(StoreCalls.NOT_FOUND);
            } else if (op.reason().isEmpty()) {
                op.reason(StoreCalls.UNCHANGED);
            }
            return saved;
        } catch (RuntimeException e) {
            op.failed(e);
            throw e;
        } finally {
            op.stop(m.observer);
        }
    }

    private Optional<Session> doSave(Session session, SessionUpdate update, ObservedOperation op) {
        if (update.isEmpty() && !touchDue(session)) {
            return Optional.of(session);
        }
        SessionRecord old = session.record();
        Map<String, byte[]> encoded = new LinkedHashMap<>();
        long putBytes = 0;
        for (Map.Entry<String, Object> e : update.puts().entrySet()) {
            byte[] bytes = m.codec.encode(e.getKey(), e.getValue());
            if (java.util.Arrays.equals(bytes, old.attributes().get(e.getKey()))) {
                continue;
            }
            putBytes += e.getKey().length() + bytes.length;
            encoded.put(e.getKey(), bytes);
        }
        boolean changes = !encoded.isEmpty() || !update.removals().isEmpty() || update.idleTimeout() != null;
        if (!changes && !touchDue(session)) {
            return Optional.of(session);
        }
        Instant now = m.clock.instant();
        if (putBytes > m.policy.payloadHardLimit()) {
            throw new PayloadTooLargeException(old.handle(), putBytes, m.policy.payloadHardLimit());
        }
        Duration idle = update.idleTimeout() != null ? update.idleTimeout() : old.idleTimeout();
        Duration ttl = ManagerRules.ttl(now, idle, old.absoluteExpiry());
        if (ttl == null) {
            return Optional.empty();
        }
        SessionDelta delta = new SessionDelta(
                encoded, update.removals(), now, update.idleTimeout(), m.nodeId, ttl, m.policy.payloadHardLimit());
        UpdateResult result = m.calls.call(StoreOperation.UPDATE, () -> m.store.update(old.handle(), delta));
        switch (result.status()) {
            case NOT_FOUND:
                return Optional.empty();
            case TOO_LARGE:
                throw new PayloadTooLargeException(old.handle(), result.attributeBytes(), m.policy.payloadHardLimit());
            default:
                break;
        }
        if (result.attributeBytes() > m.policy.payloadSoftLimit()
                && old.attributeBytes() <= m.policy.payloadSoftLimit()) {
            m.publish(new SessionEvent.PayloadOverSoftLimit(
                    now, old.handle(), result.attributeBytes(), m.policy.payloadSoftLimit()));
        }
        if (m.nodeId != null && old.lastNode() != null && !m.nodeId.equals(old.lastNode())) {
            m.publish(new SessionEvent.AffinityRebind(now, old.handle(), old.lastNode(), m.nodeId));
        }
        SessionEvent.SaveKind kind = changes ? SessionEvent.SaveKind.ATTRIBUTES : SessionEvent.SaveKind.TOUCH;
        if (op != null) {
            op.reason(kind);
        }
        m.publish(new SessionEvent.Saved(
                now, old.handle(), kind, encoded.size() + update.removals().size(), result.attributeBytes()));

        SessionAttributes before = session.lazyAttributes();
        Map<String, byte[]> attributes = new HashMap<>(old.attributes());
        for (String name : update.removals()) {
            attributes.remove(name);
        }
        for (String name : before.unreadableNames()) {
            attributes.remove(name);
        }
        attributes.putAll(encoded);
        SessionRecord updated = old.mutate()
                .lastAccessedAt(now)
                .idleTimeout(idle)
                .lastNode(m.nodeId != null ? m.nodeId : old.lastNode())
                .attributes(attributes)
                .build();
        return Optional.of(new Session(
                updated,
                before.next(updated.attributes(), update.puts(), update.removals(), m.readers.reader(updated, true))));
    }
}
