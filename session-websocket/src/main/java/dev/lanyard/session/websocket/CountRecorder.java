package dev.lanyard.session.websocket;

import dev.lanyard.session.SessionHandle;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a node's {@link SocketCounts} in the store up to date: on its own thread (a burst of writes
 * never delays the checks that close sockets), once per interval and once soon after each change,
 * with at most one change write queued at a time. Package-private: {@link SocketSessions} owns one
 * when its store can keep values.
 */
final class CountRecorder {

    private static final Logger LOG = LoggerFactory.getLogger(CountRecorder.class);

    private final SocketCounts counts;
    private final Supplier<Map<SessionHandle, Integer>> local;
    private final ScheduledExecutorService writer;
    private final AtomicBoolean queued = new AtomicBoolean();

    /**
     * Starts recording.
     *
     * @param counts the counts in the store
     * @param local this node's open sockets per session handle, read at each write
     * @param intervalMillis how often to record them regardless of changes
     */
    CountRecorder(SocketCounts counts, Supplier<Map<SessionHandle, Integer>> local, long intervalMillis) {
        this.counts = counts;
        this.local = local;
        this.writer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "lanyard-socket-count");
            t.setDaemon(true);
            return t;
        });
        writer.scheduleWithFixedDelay(this::record, intervalMillis, intervalMillis, TimeUnit.MILLISECONDS);
    }

    /** @return the sockets other nodes hold for the session, 0 when that cannot be read */
    int onOtherNodes(SessionHandle handle) {
        return counts.onOtherNodesOrNone(handle);
    }

    /** Queues one write after a change, unless one is already queued. */
    void changed() {
        if (!queued.compareAndSet(false, true)) {
            return;
        }
        try {
            writer.execute(() -> {
                queued.set(false);
                record();
            });
        } catch (RejectedExecutionException e) {
            queued.set(false); // closing
        }
    }

    /** Records this node's counts (see {@link SocketCounts#reconcile}). */
    private void record() {
        try {
            counts.reconcile(local.get());
        } catch (RuntimeException e) {
            LOG.warn("recording the socket counts failed with {}", e.getClass().getName(), e);
        }
    }

    /** Stops the thread and withdraws this node's counts from the store. */
    void close() {
        writer.shutdownNow();
        counts.reconcile(Map.of());
    }
}
