package dev.lanyard.session.jdbc;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * The small bounded pool a store opened from a URI uses (applications that bring a
 * {@link javax.sql.DataSource} use their own pool). At most {@code size} connections; a borrower
 * waits at most the timeout; a connection an operation failed on is closed rather than reused, and
 * so are the idle ones (after a database restart they are all dead); idle connections older than a
 * minute are checked before reuse. So the pool heals by itself after a database restart.
 * Thread-safe.
 */
final class DriverPool implements Connections {

    private static final long CHECK_AFTER_IDLE_NANOS = TimeUnit.SECONDS.toNanos(60);

    private final String url;
    private final Duration timeout;
    private final Semaphore permits;
    private final Deque<Idle> idle = new ArrayDeque<>();
    private boolean closed;

    private record Idle(Connection connection, long since) {}

    DriverPool(String url, int size, Duration timeout) {
        this.url = url;
        this.timeout = timeout;
        this.permits = new Semaphore(size, true);
    }

    @Override
    public Connection acquire() throws SQLException {
        try {
            if (!permits.tryAcquire(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new SQLTransientConnectionException(
                        "no pooled connection became free within " + timeout, "08001");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SQLTransientConnectionException("interrupted while waiting for a connection", "08001", e);
        }
        try {
            while (true) {
                Idle candidate;
                synchronized (idle) {
                    if (closed) {
                        throw new SQLTransientConnectionException("the store is closed", "08003");
                    }
                    candidate = idle.pollFirst();
                }
                if (candidate == null) {
                    return DriverManager.getConnection(url);
                }
                if (System.nanoTime() - candidate.since < CHECK_AFTER_IDLE_NANOS
                        || candidate.connection.isValid((int) Math.max(1, timeout.toSeconds()))) {
                    return candidate.connection;
                }
                quietlyClose(candidate.connection);
            }
        } catch (SQLException | RuntimeException e) {
            permits.release();
            throw e;
        }
    }

    @Override
    public void release(Connection connection, boolean broken) {
        try {
            boolean keep;
            List<Idle> stale = new ArrayList<>();
            synchronized (idle) {
                keep = !broken && !closed;
                if (keep) {
                    idle.addFirst(new Idle(connection, System.nanoTime()));
                } else if (broken) {
                    // A failed operation usually means the database went away: the idle connections went with it.
                    stale.addAll(idle);
                    idle.clear();
                }
            }
            if (!keep) {
                quietlyClose(connection);
            }
            stale.forEach(i -> quietlyClose(i.connection));
        } finally {
            permits.release();
        }
    }

    @Override
    public void close() {
        synchronized (idle) {
            closed = true;
            for (Idle i : idle) {
                quietlyClose(i.connection);
            }
            idle.clear();
        }
    }

    private static void quietlyClose(Connection connection) {
        try {
            connection.close();
        } catch (SQLException ignored) {
            // already broken
        }
    }
}
