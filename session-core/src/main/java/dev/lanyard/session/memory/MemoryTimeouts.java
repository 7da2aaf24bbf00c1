package dev.lanyard.session.memory;

import dev.lanyard.session.internal.ListenerGuard;
import dev.lanyard.session.spi.ExpiryNotifyingStore.Subscription;
import dev.lanyard.session.spi.SessionRecord;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import org.slf4j.LoggerFactory;

/**
 * The in-memory store's timeout subscription: who hears of sessions the sweep removed, the queue of
 * removals not yet told, and the thread that sweeps while anyone listens. Thread-safe.
 */
final class MemoryTimeouts {

    private final ListenerGuard guard =
            new ListenerGuard(LoggerFactory.getLogger(InMemorySessionStore.class), "timeout subscriber");
    private final CopyOnWriteArrayList<Consumer<SessionRecord>> subscribers = new CopyOnWriteArrayList<>();
    /** Sessions removed by timeout and not yet delivered; filled only while someone subscribes. */
    private final ConcurrentLinkedQueue<SessionRecord> pending = new ConcurrentLinkedQueue<>();
    /**
     * Held while removals are told, so that one {@link #deliver} returns only after every removal
     * queued before it has been told, including those another thread (the ticker) took from the
     * queue and is still telling. Reentrant: a subscriber may purge the store itself.
     */
    private final ReentrantLock delivering = new ReentrantLock();

    private final Runnable sweep;
    private final long periodMillis;
    /** Runs {@link #sweep} while anyone subscribes; guarded by {@link #subscribers}. */
    private ScheduledExecutorService ticker;

    /**
     * @param sweep what the ticker runs: a sweep that never throws and then {@link #deliver}s
     * @param period how often the ticker runs it
     */
    MemoryTimeouts(Runnable sweep, Duration period) {
        this.sweep = sweep;
        this.periodMillis = Math.max(1, period.toMillis());
    }

    /** Remembers a session the sweep removed, if anyone will hear of it. */
    void timedOut(SessionRecord record) {
        if (!subscribers.isEmpty()) {
            pending.add(record);
        }
    }

    /**
     * Tells every subscriber of every pending removal, each its own copy, in the order of removal.
     * When it returns, every removal queued before the call has been told, whichever thread told
     * it: a delivery already under way on another thread is waited for.
     */
    void deliver(UnaryOperator<SessionRecord> copy) {
        delivering.lock();
        try {
            SessionRecord record;
            while ((record = pending.poll()) != null) {
                SessionRecord timedOut = record;
                guard.callEach(subscribers, "a timed-out session", s -> s.accept(copy.apply(timedOut)));
            }
        } finally {
            delivering.unlock();
        }
    }

    Subscription subscribe(Consumer<SessionRecord> subscriber) {
        Objects.requireNonNull(subscriber, "subscriber");
        Consumer<SessionRecord> own = subscriber::accept;
        synchronized (subscribers) {
            subscribers.add(own);
            if (ticker == null) {
                ticker = Executors.newSingleThreadScheduledExecutor(r -> {
                    Thread t = new Thread(r, "lanyard-memory-timeouts");
                    t.setDaemon(true);
                    return t;
                });
                ticker.scheduleWithFixedDelay(sweep, periodMillis, periodMillis, TimeUnit.MILLISECONDS);
            }
        }
        return () -> {
            synchronized (subscribers) {
                if (subscribers.remove(own) && subscribers.isEmpty()) {
                    stopTicker();
                }
            }
        };
    }

    /** Ends every subscription and stops the thread, if one runs. */
    void close() {
        synchronized (subscribers) {
            subscribers.clear();
            stopTicker();
        }
    }

    private void stopTicker() {
        if (ticker != null) {
            ticker.shutdownNow();
            ticker = null;
        }
        pending.clear();
    }
}
