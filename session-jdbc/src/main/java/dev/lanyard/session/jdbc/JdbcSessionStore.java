package dev.lanyard.session.jdbc;

import dev.lanyard.session.SessionHandle;
import dev.lanyard.session.SessionLimit;
import dev.lanyard.session.StoreUnavailableException;
import dev.lanyard.session.spi.Admission;
import dev.lanyard.session.spi.AtomicValueStore;
import dev.lanyard.session.spi.ExpiryNotifyingStore;
import dev.lanyard.session.spi.Rotation;
import dev.lanyard.session.spi.SessionDelta;
import dev.lanyard.session.spi.SessionRecord;
import dev.lanyard.session.spi.UpdateResult;
import dev.lanyard.session.spi.UserIndexedStore;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The session store on a relational database: PostgreSQL first-class, MariaDB through its
 * {@link Dialect}. It implements the whole SPI with the Redis store's semantics: deltas, versions,
 * rotation, revocation by session and by user (the user's version), the atomic per-user limit,
 * the {@link AtomicValueStore} that refresh tokens and the token deny-list use, and reports of
 * sessions that time out ({@link ExpiryNotifyingStore}), delivered by the sweep that deletes them.
 *
 * <h2>Costs</h2>
 * A resolve is one primary-key {@code SELECT} (one round trip) that also checks expiry and the
 * user's version, so a row the sweep has not removed yet never resolves. A delta is one
 * single-row {@code UPDATE} that merges the attributes in SQL (never read-modify-write here), so
 * concurrent first writes and concurrent deltas to different attributes all survive, with no
 * duplicate-key error. Logins, rotations and revoke-all are short transactions that lock the
 * user's row, which makes the per-user limit atomic however many logins race. Expired rows are
 * deleted by a background sweep in bounded batches ({@code SKIP LOCKED}, so many nodes sweep at
 * once without queueing and requests never wait on it). {@code docs/jdbc.md} has the schema and
 * the reasoning.
 *
 * <h2>Time</h2>
 * Expiry is decided by the store's {@link Clock}, passed to every statement: nodes must keep
 * their clocks in sync (NTP), as the policy's {@code clockSkew} assumes anyway.
 *
 * <h2>Failure</h2>
 * Every statement carries the {@linkplain Builder#timeout(Duration) timeout}; a database that is
 * down, slow or holding a lock beyond it makes the operation throw
 * {@link StoreUnavailableException} (the message names the operation and the SQL state, never a
 * session ID or value). The store keeps no connection of its own: the {@link DataSource}'s pool
 * reconnects, so the store recovers by itself when the database is back.
 *
 * <p>Thread-safe; expensive to create (it starts the sweep thread): create one per application
 * and {@link #close()} it at shutdown. Closing does not close the {@link DataSource}.
 *
 * @since 0.1.0
 */
public final class JdbcSessionStore implements UserIndexedStore, AtomicValueStore, ExpiryNotifyingStore {

    /** The default prefix of the table names: {@value}. */
    public static final String DEFAULT_TABLE_PREFIX = "lanyard_";

    /** The default time a statement may take before it fails: two seconds. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(2);

    /** The default time between sweeps of expired rows on each node: one minute. */
    public static final Duration DEFAULT_SWEEP_INTERVAL = Duration.ofMinutes(1);

    /** The default number of rows one sweep statement deletes: {@value}. */
    public static final int DEFAULT_SWEEP_BATCH_SIZE = 500;

    private static final Logger LOG = LoggerFactory.getLogger(JdbcSessionStore.class);
    private static final Pattern TABLE_PREFIX = Pattern.compile("[a-z_][a-z0-9_]{0,30}");

    private final Dialect dialect;
    private final Database db;
    private final SessionOperations sessions;
    private final UserOperations users;
    private final ValueOperations values;
    private final Sweep sweep;

    private JdbcSessionStore(Builder b) {
        this.dialect = b.dialect;
        this.db =
                new Database(b.connections, b.dialect, Statements.load(b.dialect, b.tablePrefix), b.timeout, b.schema);
        this.users = new UserOperations(db, b.clock);
        this.sessions = new SessionOperations(db, b.clock, users);
        this.values = new ValueOperations(db, b.clock);
        if (b.schema != SchemaSetup.NONE) {
            try {
                db.ensureSchema();
            } catch (StoreUnavailableException e) {
                LOG.warn(
                        "could not create the session tables at start ({}); trying again before the"
                                + " first operation",
                        e.getMessage());
            }
        }
        this.sweep = new Sweep(db, b.clock, b.sweepBatchSize, b.sweepInterval);
    }

    /**
     * Starts a builder.
     *
     * @return a builder; {@link Builder#dataSource} and {@link Builder#dialect} are required
     */
    public static Builder builder() {
        return new Builder();
    }

    // ------------------------------------------------------------------ sessions

    @Override
    public Optional<SessionRecord> load(SessionHandle handle) {
        Objects.requireNonNull(handle, "handle");
        return sessions.load(handle);
    }

    @Override
    public boolean create(SessionRecord record, Duration ttl) {
        Objects.requireNonNull(record, "record");
        Objects.requireNonNull(ttl, "ttl");
        return sessions.create(record, ttl);
    }

    @Override
    public UpdateResult update(SessionHandle handle, SessionDelta delta) {
        Objects.requireNonNull(handle, "handle");
        Objects.requireNonNull(delta, "delta");
        return sessions.update(handle, delta);
    }

    @Override
    public Optional<SessionRecord> rotate(SessionHandle from, Rotation rotation) {
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(rotation, "rotation");
        return sessions.rotate(from, rotation);
    }

    @Override
    public boolean delete(SessionHandle handle) {
        Objects.requireNonNull(handle, "handle");
        return sessions.delete(handle);
    }

    // ------------------------------------------------------------------ users

    @Override
    public Admission admit(String userId, SessionHandle handle, SessionLimit limit, Duration ttl) {
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(handle, "handle");
        Objects.requireNonNull(limit, "limit");
        Objects.requireNonNull(ttl, "ttl");
        return users.admit(userId, handle, limit, ttl);
    }

    @Override
    public List<SessionRecord> sessionsOf(String userId) {
        Objects.requireNonNull(userId, "userId");
        return users.sessionsOf(userId);
    }

    /**
     * Ends every session of the user in one transaction: the version grows, the user's sessions and
     * pending admissions are deleted, together or not at all.
     */
    @Override
    public List<SessionHandle> revokeAll(String userId, Duration sessionLifetime) {
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(sessionLifetime, "sessionLifetime");
        return users.revokeAll(userId, sessionLifetime);
    }

    /**
     * Ends every session of the user but {@code keep} in one transaction: the version grows, the
     * other sessions and pending admissions are deleted and {@code keep}, when it is a live session
     * of the user, takes the new version; a {@code keep} that is not is ended with the others.
     */
    @Override
    public List<SessionHandle> revokeOthers(String userId, SessionHandle keep, Duration sessionLifetime) {
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(keep, "keep");
        Objects.requireNonNull(sessionLifetime, "sessionLifetime");
        return users.revokeOthers(userId, keep, sessionLifetime);
    }

    @Override
    public long userVersion(String userId) {
        Objects.requireNonNull(userId, "userId");
        return users.userVersion(userId);
    }

    // ------------------------------------------------------------------ values

    @Override
    public Optional<byte[]> get(String key) {
        return values.get(key);
    }

    @Override
    public boolean putIfAbsent(String key, byte[] value, Duration ttl) {
        return values.putIfAbsent(key, value, ttl);
    }

    @Override
    public boolean compareAndSet(String key, byte[] expected, byte[] replacement, Duration ttl) {
        return values.compareAndSet(key, expected, replacement, ttl);
    }

    @Override
    public boolean remove(String key) {
        return values.remove(key);
    }

    // ------------------------------------------------------------------ sweep and lifecycle

    /**
     * Deletes expired rows now, in batches of the sweep batch size, until a batch finds fewer rows
     * than that or a time budget of half the sweep interval (at least the timeout) is spent. The
     * background sweep calls this every sweep interval; several nodes may run it at once, and each
     * batch skips rows another node is deleting.
     *
     * @return how many expired sessions were deleted
     * @throws StoreUnavailableException if the database fails
     */
    public int sweep() {
        return sweep.sweep();
    }

    /**
     * Always {@code true}: the sweep reports the sessions it deletes by timeout. A node whose
     * {@linkplain Builder#sweepInterval sweep is off} reports only what its own {@link #sweep()}
     * calls delete; the reports come within one sweep interval of the expiry.
     */
    @Override
    public boolean reportsTimeouts() {
        return true;
    }

    @Override
    public Subscription onTimeout(Consumer<SessionRecord> subscriber) {
        Objects.requireNonNull(subscriber, "subscriber");
        return sweep.onTimeout(subscriber);
    }

    /**
     * Stops the sweep. The {@link DataSource} given to the builder stays open; one the store opened
     * itself (from a URI) is closed.
     */
    @Override
    public void close() {
        sweep.close();
        db.close();
    }

    @Override
    public String toString() {
        return "JdbcSessionStore[dialect=" + dialect + "]";
    }

    /**
     * Options of a {@link JdbcSessionStore}. Not thread-safe; {@link #build()} checks every option
     * and names the one that is wrong.
     */
    public static final class Builder {
        private DataSource dataSource;
        private Dialect dialect;
        private String tablePrefix = DEFAULT_TABLE_PREFIX;
        private SchemaSetup schema = SchemaSetup.NONE;
        private Duration timeout = DEFAULT_TIMEOUT;
        private Duration sweepInterval = DEFAULT_SWEEP_INTERVAL;
        private int sweepBatchSize = DEFAULT_SWEEP_BATCH_SIZE;
        private Clock clock = Clock.systemUTC();
        private Connections connections;

        private Builder() {}

        /**
         * Sets where connections come from: the application's pool (HikariCP, say). Required. Its
         * connection timeout should not exceed {@link #timeout}, or a request may wait for a
         * connection longer than the store promises. The store never closes it.
         *
         * @param dataSource the pool
         * @return this builder
         */
        public Builder dataSource(DataSource dataSource) {
            this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
            return this;
        }

        /**
         * Sets the SQL dialect. Required (the store does not ask the database at start, which may be
         * down).
         *
         * @param dialect the dialect
         * @return this builder
         */
        public Builder dialect(Dialect dialect) {
            this.dialect = Objects.requireNonNull(dialect, "dialect");
            return this;
        }

        /**
         * Sets the prefix of the four table names (default
         * {@value JdbcSessionStore#DEFAULT_TABLE_PREFIX}): {@code <prefix>session},
         * {@code <prefix>user}, {@code <prefix>admission}, {@code <prefix>value}. Lower-case letters,
         * digits and underscores, at most 31 characters.
         *
         * @param tablePrefix the prefix
         * @return this builder
         */
        public Builder tablePrefix(String tablePrefix) {
            this.tablePrefix = Objects.requireNonNull(tablePrefix, "tablePrefix");
            return this;
        }

        /**
         * Sets what the store does about its tables at start (default {@link SchemaSetup#NONE}).
         *
         * @param schema the choice
         * @return this builder
         */
        public Builder schema(SchemaSetup schema) {
            this.schema = Objects.requireNonNull(schema, "schema");
            return this;
        }

        /**
         * Sets the longest a statement may run (default {@link JdbcSessionStore#DEFAULT_TIMEOUT});
         * beyond it an operation throws {@link StoreUnavailableException}. Writes, and every statement
         * on MariaDB, apply it with {@link java.sql.Statement#setQueryTimeout}, rounded up to whole
         * seconds; on PostgreSQL the reads that take no lock apply it as the connection's
         * {@linkplain java.sql.Connection#setNetworkTimeout network timeout} while they run, and so
         * does the delta, which also sets PostgreSQL's {@code lock_timeout} for itself, a little
         * shorter, so that the server cancels a wait for the session's row lock. A transaction of
         * several statements (login, rotation) may take this long per statement.
         *
         * @param timeout the timeout, positive, at most one minute
         * @return this builder
         */
        public Builder timeout(Duration timeout) {
            this.timeout = Objects.requireNonNull(timeout, "timeout");
            return this;
        }

        /**
         * Sets how often this node sweeps expired rows (default
         * {@link JdbcSessionStore#DEFAULT_SWEEP_INTERVAL}); the first sweep comes at a random moment
         * within one interval, so nodes started together do not sweep together. {@link Duration#ZERO}
         * turns the sweep off on this node (another node, or a job calling {@link #sweep()}, does it).
         *
         * @param sweepInterval the interval, zero or at least one second
         * @return this builder
         */
        public Builder sweepInterval(Duration sweepInterval) {
            this.sweepInterval = Objects.requireNonNull(sweepInterval, "sweepInterval");
            return this;
        }

        /**
         * Sets how many expired rows one sweep statement deletes (default
         * {@value JdbcSessionStore#DEFAULT_SWEEP_BATCH_SIZE}): small batches keep each statement's
         * locks short.
         *
         * @param sweepBatchSize rows per batch, 1 to 100000
         * @return this builder
         */
        public Builder sweepBatchSize(int sweepBatchSize) {
            this.sweepBatchSize = sweepBatchSize;
            return this;
        }

        /**
         * Sets the clock that decides expiry (default the system UTC clock); tests pass a mutable one.
         *
         * @param clock the clock
         * @return this builder
         */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** A pool the store opened itself and closes with it, instead of a data source. */
        Builder connections(Connections connections) {
            this.connections = connections;
            return this;
        }

        /**
         * Checks the options and creates the store. With {@link SchemaSetup#CREATE} it creates the
         * missing tables now if the database answers (and otherwise before the first operation).
         *
         * @return the store
         * @throws IllegalArgumentException naming the option that is missing or out of range
         */
        public JdbcSessionStore build() {
            if (dataSource == null && connections == null) {
                throw new IllegalArgumentException("dataSource is required");
            }
            if (connections == null) {
                connections = Connections.of(dataSource);
            }
            if (dialect == null) {
                throw new IllegalArgumentException("dialect is required (postgresql or mariadb)");
            }
            if (!TABLE_PREFIX.matcher(tablePrefix).matches()) {
                throw new IllegalArgumentException("tablePrefix (" + tablePrefix + ") must be lower-case"
                        + " letters, digits and underscores, at most 31, not starting with a digit");
            }
            if (timeout.isNegative() || timeout.isZero() || timeout.compareTo(Duration.ofMinutes(1)) > 0) {
                throw new IllegalArgumentException("timeout (" + timeout + ") must be positive and at most PT1M");
            }
            if (sweepInterval.isNegative()
                    || (!sweepInterval.isZero() && sweepInterval.compareTo(Duration.ofSeconds(1)) < 0)) {
                throw new IllegalArgumentException(
                        "sweepInterval (" + sweepInterval + ") must be PT0S (off) or at least PT1S");
            }
            if (sweepBatchSize < 1 || sweepBatchSize > 100_000) {
                throw new IllegalArgumentException("sweepBatchSize (" + sweepBatchSize + ") must be 1 to 100000");
            }
            return new JdbcSessionStore(this);
        }
    }
}
