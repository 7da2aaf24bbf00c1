package dev.lanyard.session.jdbc;

import dev.lanyard.session.StoreUnavailableException;
import java.net.SocketTimeoutException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.Types;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * How the store talks to its database: borrows a connection, runs work on it alone or in a
 * transaction, prepares the named statements with the timeout, creates the schema before the first
 * operation when asked, and turns every {@link SQLException} into a
 * {@link StoreUnavailableException} that names the operation and the SQL state (never a session ID
 * or value). Thread-safe.
 */
final class Database implements AutoCloseable {

    private static final int DEADLOCK_RETRIES = 8;

    private final Connections connections;
    private final Dialect dialect;
    private final Statements sql;
    private final int timeoutSeconds;
    private final int timeoutMillis;
    private final Duration timeout;
    private final String lockTimeout;
    private volatile boolean schemaReady;

    Database(Connections connections, Dialect dialect, Statements sql, Duration timeout, SchemaSetup schema) {
        this.connections = connections;
        this.dialect = dialect;
        this.sql = sql;
        this.timeout = timeout;
        this.timeoutSeconds = (int) Math.max(1, (timeout.toMillis() + 999) / 1000);
        this.timeoutMillis = (int) timeout.toMillis();
        this.lockTimeout = Long.toString(lockTimeoutMillis(timeout));
        this.schemaReady = schema == SchemaSetup.NONE;
    }

    /** Work on a connection. */
    @FunctionalInterface
    interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    Dialect dialect() {
        return dialect;
    }

    Duration timeout() {
        return timeout;
    }

    /** @return the named statement of the dialect, prepared on {@code c} with the timeout */
    PreparedStatement prepare(Connection c, String name) throws SQLException {
        PreparedStatement s = c.prepareStatement(sql.get(name));
        s.setQueryTimeout(timeoutSeconds);
        return s;
    }

    /**
     * Prepares a statement of work that only reads, run with {@link #inConnection(String, Work,
     * boolean) inConnection(…, true)}. On PostgreSQL it carries no query timeout: such work takes no
     * lock and cannot wait on one, and the connection's network timeout, which that method sets,
     * bounds it instead (the driver's query timeout arms a timer task per statement, which cost a
     * resolve about a fifth of its time in {@code JdbcGapProbe}). MariaDB's query timeout is
     * enforced by the server and stays.
     *
     * @return the named statement of the dialect, prepared on {@code c}
     */
    PreparedStatement prepareRead(Connection c, String name) throws SQLException {
        if (dialect != Dialect.POSTGRESQL) {
            return prepare(c, name);
        }
        return c.prepareStatement(sql.get(name));
    }

    /**
     * Prepares a PostgreSQL statement of work run with {@link #inConnectionUnderLockTimeout}: with no
     * query timeout, since the statement bounds its own lock waits ({@link #lockTimeout()}).
     *
     * @return the named statement of the dialect, prepared on {@code c}
     */
    PreparedStatement prepareUnderLockTimeout(Connection c, String name) throws SQLException {
        if (dialect != Dialect.POSTGRESQL) {
            throw new IllegalStateException("lock_timeout is PostgreSQL's");
        }
        return c.prepareStatement(sql.get(name));
    }

    /**
     * @return the {@code lock_timeout} (milliseconds, as text) that a PostgreSQL write run with {@link
     *     #inConnectionUnderLockTimeout} sets for itself: a quarter of the timeout, at most half a
     *     second, below it, so that the server cancels a lock wait (and the write) before the
     *     connection's network timeout gives up on the server
     */
    String lockTimeout() {
        return lockTimeout;
    }

    static long lockTimeoutMillis(Duration timeout) {
        long millis = timeout.toMillis();
        return Math.max(1, millis - Math.min(millis / 4, 500));
    }

    /** Runs work that writes on one connection, in auto-commit (PostgreSQL) or a transaction. */
    <T> T inConnection(String operation, Work<T> work) {
        return inConnection(operation, work, false);
    }

    /**
     * Runs one PostgreSQL write that bounds its own lock waits (its SQL sets {@code lock_timeout} to
     * {@link #lockTimeout()} for its own transaction, prepared with {@link #prepareUnderLockTimeout}),
     * in auto-commit, with the connection's network timeout at most the store's timeout while it
     * runs. Costs no query-timeout timer task in the driver; a write is not retried on another
     * connection.
     */
    <T> T inConnectionUnderLockTimeout(String operation, Work<T> work) {
        if (dialect != Dialect.POSTGRESQL) {
            throw new IllegalStateException("lock_timeout is PostgreSQL's");
        }
        return run(operation, work, false, true);
    }

    /**
     * @param readOnly whether the work only reads ({@link #prepareRead}): then a failure of the
     *     connection itself (the database restarted since the pool last used it) is retried once on
     *     another connection, and on PostgreSQL the connection's network timeout is the store's
     *     timeout while the work runs (and is put back afterwards)
     */
    <T> T inConnection(String operation, Work<T> work, boolean readOnly) {
        if (dialect == Dialect.MARIADB && !readOnly) {
            // InnoDB's default REPEATABLE READ makes a write's subqueries and point lookups of absent
            // keys take gap locks, which deadlock with concurrent inserts; under READ COMMITTED they do
            // not.
            return inTransaction(operation, work);
        }
        return run(operation, work, readOnly, readOnly && dialect == Dialect.POSTGRESQL);
    }

    private <T> T run(String operation, Work<T> work, boolean retryLostConnection, boolean networkTimeout) {
        ensureSchema();
        for (int attempt = 1; ; attempt++) {
            Connection c = null;
            boolean broken = true;
            try {
                c = connections.acquire();
                if (!c.getAutoCommit()) {
                    c.setAutoCommit(true);
                }
                T result = networkTimeout ? withNetworkTimeout(c, work) : work.run(c);
                broken = false;
                return result;
            } catch (SQLException e) {
                if (retryLostConnection && attempt == 1 && isConnectionLost(e) && !timedOut(e)) {
                    continue;
                }
                throw unavailable(operation, e);
            } finally {
                if (c != null) {
                    connections.release(c, broken);
                }
            }
        }
    }

    /**
     * Runs work in one READ COMMITTED transaction, committed when it returns and rolled back when it
     * throws; a deadlock or serialization failure runs it again after a short random pause.
     */
    <T> T inTransaction(String operation, Work<T> work) {
        ensureSchema();
        for (int attempt = 1; ; attempt++) {
            Connection c = null;
            boolean broken = true;
            try {
                c = connections.acquire();
                // PostgreSQL's default is READ COMMITTED already (asking costs a round trip); InnoDB's is
                // REPEATABLE READ, under which a statement after a lock could read an older snapshot.
                int isolation = dialect == Dialect.MARIADB
                        ? c.getTransactionIsolation()
                        : Connection.TRANSACTION_READ_COMMITTED;
                if (isolation != Connection.TRANSACTION_READ_COMMITTED) {
                    c.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
                }
                c.setAutoCommit(false);
                try {
                    T result = work.run(c);
                    c.commit();
                    broken = false;
                    return result;
                } catch (SQLException | RuntimeException e) {
                    try {
                        c.rollback();
                    } catch (SQLException rollbackFailed) {
                        e.addSuppressed(rollbackFailed);
                    }
                    throw e;
                } finally {
                    c.setAutoCommit(true);
                    if (isolation != Connection.TRANSACTION_READ_COMMITTED) {
                        c.setTransactionIsolation(isolation);
                    }
                }
            } catch (SQLException e) {
                if (isRetryable(e) && attempt < DEADLOCK_RETRIES) {
                    // back off a little, at random, so that the transactions that collided do not collide
                    // again
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(
                            ThreadLocalRandom.current().nextLong(1, 5L * attempt + 2)));
                    continue;
                }
                throw unavailable(operation, e);
            } finally {
                if (c != null) {
                    connections.release(c, broken);
                }
            }
        }
    }

    /**
     * Runs work with the connection's network timeout at most the store's timeout: a server that does
     * not answer within it fails the work (and the connection, which is then not reused). A
     * connection whose network timeout is already that short (a driver {@code socketTimeout}) is left
     * as it is; otherwise the timeout is set for the work and put back afterwards.
     */
    private <T> T withNetworkTimeout(Connection c, Work<T> work) throws SQLException {
        int previous = c.getNetworkTimeout();
        if (previous > 0 && previous <= timeoutMillis) {
            return work.run(c);
        }
        c.setNetworkTimeout(Runnable::run, timeoutMillis);
        T result = work.run(c);
        c.setNetworkTimeout(Runnable::run, previous);
        return result;
    }

    /** Creates the tables once, before the first operation, when the builder asked for it. */
    void ensureSchema() {
        if (schemaReady) {
            return;
        }
        synchronized (this) {
            if (schemaReady) {
                return;
            }
            Connection c = null;
            boolean broken = true;
            try {
                c = connections.acquire();
                c.setAutoCommit(true);
                for (String ddl : sql.schema()) {
                    try (var s = c.createStatement()) {
                        s.setQueryTimeout(Math.max(timeoutSeconds, 30));
                        s.execute(ddl);
                    }
                }
                broken = false;
            } catch (SQLException e) {
                throw unavailable("create the schema", e);
            } finally {
                if (c != null) {
                    connections.release(c, broken);
                }
            }
            schemaReady = true;
        }
    }

    @Override
    public void close() {
        connections.close();
    }

    static void setStringOrNull(PreparedStatement s, int index, String value) throws SQLException {
        if (value == null) {
            s.setNull(index, Types.VARCHAR);
        } else {
            s.setString(index, value);
        }
    }

    static void setLongOrNull(PreparedStatement s, int index, Long value) throws SQLException {
        if (value == null) {
            s.setNull(index, Types.BIGINT);
        } else {
            s.setLong(index, value);
        }
    }

    static boolean isDuplicateKey(SQLException e) {
        return e.getErrorCode() == 1062 || "23505".equals(e.getSQLState());
    }

    private static boolean isRetryable(SQLException e) {
        String state = e.getSQLState();
        return "40001".equals(state) || "40P01".equals(state) || e.getErrorCode() == 1213;
    }

    /** Whether the failure is the network timeout: the server did not answer in time. */
    private static boolean timedOut(SQLException e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof SocketTimeoutException) {
                return true;
            }
        }
        return false;
    }

    /** Whether the connection died (network, or the server ended the session), not the statement. */
    private static boolean isConnectionLost(SQLException e) {
        String state = e.getSQLState();
        return state != null
                        && (state.startsWith("08")
                                || state.equals("57P01")
                                || state.equals("57P02")
                                || state.equals("57P03"))
                || e instanceof SQLRecoverableException;
    }

    private static StoreUnavailableException unavailable(String operation, SQLException e) {
        return new StoreUnavailableException(
                "the session database failed to " + operation + " (SQLState " + e.getSQLState() + ", "
                        + e.getClass().getSimpleName() + ")",
                e);
    }
}
