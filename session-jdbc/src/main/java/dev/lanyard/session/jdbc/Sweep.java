package dev.lanyard.session.jdbc;

import dev.lanyard.session.internal.ListenerGuard;
import dev.lanyard.session.spi.ExpiryNotifyingStore.Subscription;
import dev.lanyard.session.spi.SessionRecord;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The removal of expired rows in bounded batches ({@code SKIP LOCKED}, so that many nodes sweep at
 * once), on a background thread every sweep interval or when called, and the reports of the
 * sessions it deletes because they timed out. Thread-safe; one sweep runs at a time.
 */
final class Sweep implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(JdbcSessionStore.class);

    private final Database db;
    private final Clock clock;
    private final int batchSize;
    private final Duration interval;
    private final ScheduledExecutorService sweeper;
    private final ListenerGuard timeoutGuard = new ListenerGuard(LOG, "timeout subscriber");
    private final CopyOnWriteArrayList<Consumer<SessionRecord>> timeoutSubscribers = new CopyOnWriteArrayList<>();
    /** Handles of swept rows that were not timeouts (revoked, unreadable); sweep thread only. */
    private final List<String> revokedSwept = new ArrayList<>();

    /** Creates the sweep and, unless the interval is zero, starts its background thread. */
    Sweep(Database db, Clock clock, int batchSize, Duration interval) {
        this.db = db;
        this.clock = clock;
        this.batchSize = batchSize;
        this.interval = interval;
        if (interval.isZero()) {
            this.sweeper = null;
        } else {
            this.sweeper = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "lanyard-jdbc-sweep");
                t.setDaemon(true);
                return t;
            });
            long period = interval.toMillis();
            long first = ThreadLocalRandom.current().nextLong(period) + 1;
            sweeper.scheduleWithFixedDelay(this::sweepQuietly, first, period, TimeUnit.MILLISECONDS);
        }
    }

    /** See {@link JdbcSessionStore#sweep()}. */
    synchronized int sweep() {
        long budget = Math.max(db.timeout().toMillis(), interval.toMillis() / 2);
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(budget);
        int sessions = 0;
        for (String table : List.of("Sessions", "Admissions", "Values", "Users")) {
            while (true) {
                int removed = sweepBatch(table);
                if (table.equals("Sessions")) {
                    sessions += removed;
                }
                if (removed < batchSize || System.nanoTime() > deadline) {
                    break;
                }
            }
        }
        return sessions;
    }

    private int sweepBatch(String table) {
        long now = clock.millis();
        boolean sessions = table.equals("Sessions");
        List<SessionRecord> timedOut = new ArrayList<>();
        int removed;
        if (db.dialect() == Dialect.POSTGRESQL) {
            removed = db.inConnection("sweep", c -> {
                try (PreparedStatement s = db.prepare(c, "sweep" + table)) {
                    s.setLong(1, now);
                    s.setInt(2, batchSize);
                    if (!sessions) {
                        return s.executeUpdate();
                    }
                    return collectSwept(s, timedOut);
                }
            });
        } else {
            removed = db.inTransaction("sweep", c -> {
                List<String> keys = new ArrayList<>();
                try (PreparedStatement s = db.prepare(c, "sweep" + table + "Select")) {
                    s.setLong(1, now);
                    s.setInt(2, batchSize);
                    if (sessions) {
                        collectSwept(s, timedOut);
                        timedOut.forEach(r -> keys.add(r.handle().value()));
                        keys.addAll(revokedSwept);
                    } else {
                        try (ResultSet rs = s.executeQuery()) {
                            while (rs.next()) {
                                keys.add(rs.getString(1));
                            }
                        }
                    }
                }
                if (keys.isEmpty()) {
                    return 0;
                }
                try (PreparedStatement s = db.prepare(c, "sweep" + table + "Delete")) {
                    for (String key : keys) {
                        s.setString(1, key);
                        s.setLong(2, now);
                        s.addBatch();
                    }
                    s.executeBatch();
                }
                return keys.size();
            });
        }
        deliver(timedOut);
        return removed;
    }

    /** Reads swept sessions: those that timed out go to {@code timedOut}; returns the row count. */
    private int collectSwept(PreparedStatement s, List<SessionRecord> timedOut) throws SQLException {
        int rows = 0;
        revokedSwept.clear();
        try (ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
                rows++;
                if (rs.getBoolean(14)) {
                    revokedSwept.add(rs.getString(1));
                    continue;
                }
                try {
                    timedOut.add(SessionRows.read(rs));
                } catch (RuntimeException unreadable) {
                    revokedSwept.add(rs.getString(1));
                }
            }
        }
        return rows;
    }

    private void deliver(List<SessionRecord> timedOut) {
        if (timedOut.isEmpty() || timeoutSubscribers.isEmpty()) {
            return;
        }
        for (SessionRecord record : timedOut) {
            timeoutGuard.callEach(timeoutSubscribers, "a timed-out session", s -> s.accept(record));
        }
    }

    Subscription onTimeout(Consumer<SessionRecord> subscriber) {
        Consumer<SessionRecord> own = subscriber::accept;
        timeoutSubscribers.add(own);
        return () -> timeoutSubscribers.remove(own);
    }

    private void sweepQuietly() {
        try {
            int removed = sweep();
            if (removed > 0) {
                LOG.debug("the sweep deleted {} expired sessions", removed);
            }
        } catch (RuntimeException e) {
            LOG.warn("the sweep of expired sessions failed: {}", e.getMessage());
        }
    }

    /** Stops the background thread. */
    @Override
    public void close() {
        if (sweeper != null) {
            sweeper.shutdownNow();
        }
    }
}
