package dev.lanyard.session;

import dev.lanyard.session.event.SessionEvent;
import dev.lanyard.session.event.SessionEvent.StoreOperation;
import dev.lanyard.session.spi.SessionDelta;
import dev.lanyard.session.spi.SessionRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;

/** Decodes a session's attributes lazily for a {@link SessionManager}, dropping unreadable ones. */
final class AttributeReaders {

    private final ManagerContext m;

    AttributeReaders(ManagerContext manager) {
        this.m = manager;
    }

    /**
     * How a session's attributes are decoded, one at a time, on first read. A value that cannot be
     * read is dropped alone: a WARN naming the attribute and its class (never a value or an ID), an
     * {@link SessionEvent.AttributeUnreadable} event, and, for a live session, its removal from the
     * store so that later requests do not meet it again. The session and its login stay.
     */
    SessionAttributes.Reader reader(SessionRecord record, boolean live) {
        return (name, bytes) -> {
            try {
                return m.codec.decode(name, bytes);
            } catch (RuntimeException e) {
                String className = e instanceof UnreadableAttributeException u ? u.className() : null;
                Instant now = m.clock.instant();
                SessionManager.LOG.warn(
                        "attribute '{}' of session {} cannot be read ({}, class {}); dropped that attribute alone, the session"
                                + " and its login are kept",
                        name,
                        record.handle(),
                        ManagerRules.rootCauseName(e),
                        className == null ? "unknown" : className);
                SessionManager.LOG.debug("attribute '{}' of session {} cannot be read", name, record.handle(), e);
                m.publish(new SessionEvent.AttributeUnreadable(
                        now, record.handle(), name, className, ManagerRules.rootCauseName(e)));
                if (live) {
                    removeQuietly(record, name, now);
                }
                return null;
            }
        };
    }

    void removeQuietly(SessionRecord record, String name, Instant now) {
        Duration ttl = ManagerRules.ttl(now, record.idleTimeout(), record.absoluteExpiry());
        if (ttl == null) {
            return;
        }
        SessionDelta drop =
                new SessionDelta(Map.of(), Set.of(name), now, null, m.nodeId, ttl, m.policy.payloadHardLimit());
        try {
            m.calls.call(StoreOperation.UPDATE, () -> m.store.update(record.handle(), drop));
        } catch (StoreUnavailableException e) {
            SessionManager.LOG.debug(
                    "could not remove unreadable attribute '{}' of session {} now; it is skipped on each read",
                    name,
                    record.handle());
        }
    }
}
