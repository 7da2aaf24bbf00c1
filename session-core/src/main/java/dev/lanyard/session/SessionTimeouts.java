package dev.lanyard.session;

import dev.lanyard.session.event.SessionEvent;
import dev.lanyard.session.internal.ListenerGuard;
import dev.lanyard.session.spi.ExpiryNotifyingStore;
import dev.lanyard.session.spi.SessionRecord;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * A {@link SessionManager}'s timeout subscription: who hears of sessions that time out, the
 * store subscription held while anyone does, and the {@link SessionEvent.Expired} event for each.
 * Package-private. Thread-safe.
 */
final class SessionTimeouts {

    private final ManagerContext m;
    private final ListenerGuard guard = new ListenerGuard(SessionManager.LOG, "timeout subscriber");
    /** Who hears of timeouts; the store is subscribed while this is not empty. */
    private final CopyOnWriteArrayList<Consumer<Session>> subscribers = new CopyOnWriteArrayList<>();
    /** Guarded by {@link #subscribers}. */
    private ExpiryNotifyingStore.Subscription storeTimeouts;

    SessionTimeouts(ManagerContext manager) {
        this.m = manager;
    }

    ExpiryNotifyingStore.Subscription subscribe(Consumer<Session> subscriber) {
        Objects.requireNonNull(subscriber, "subscriber");
        if (!m.reportsTimeouts()) {
            throw new UnsupportedOperationException(
                    "the store (" + m.store.getClass().getSimpleName() + ") does not report sessions that time out");
        }
        Consumer<Session> own = subscriber::accept;
        synchronized (subscribers) {
            if (storeTimeouts == null) {
                storeTimeouts = m.expiringStore.onTimeout(this::timedOut);
            }
            subscribers.add(own);
        }
        return () -> {
            synchronized (subscribers) {
                if (subscribers.remove(own) && subscribers.isEmpty() && storeTimeouts != null) {
                    storeTimeouts.close();
                    storeTimeouts = null;
                }
            }
        };
    }

    /** @return whether anyone hears of timeouts, so that a found-expired session is reported */
    boolean hasSubscribers() {
        return !subscribers.isEmpty();
    }

    /** A session the store removed by timeout. */
    private void timedOut(SessionRecord record) {
        Instant now = m.clock.instant();
        ExpiryReason reason = now.isBefore(record.absoluteExpiry()) ? ExpiryReason.IDLE : ExpiryReason.ABSOLUTE;
        m.publish(new SessionEvent.Expired(now, record.handle(), reason));
        report(record);
    }

    /** Tells every subscriber of a session that timed out, with its readable attributes. */
    void report(SessionRecord record) {
        Session session =
                new Session(record, SessionAttributes.lazy(record.attributes(), m.readers.reader(record, false)));
        guard.callEach(subscribers, "a timed-out session", s -> s.accept(session));
    }
}
