package dev.lanyard.session.redis;

import dev.lanyard.session.SessionHandle;
import dev.lanyard.session.SessionLimit;
import dev.lanyard.session.StoreHealth;
import dev.lanyard.session.spi.Admission;
import dev.lanyard.session.spi.AtomicValueStore;
import dev.lanyard.session.spi.ExpiryNotifyingStore;
import dev.lanyard.session.spi.HealthReportingStore;
import dev.lanyard.session.spi.Rotation;
import dev.lanyard.session.spi.SessionDelta;
import dev.lanyard.session.spi.SessionRecord;
import dev.lanyard.session.spi.UpdateResult;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The store SPI behind {@link RedisSessionStore}: each operation checks its arguments and hands the
 * work to the class that owns it ({@link SessionOperations}, {@link UserIndexOperations}, {@link
 * ValueOperations}, {@link TimeoutSubscription}), which the constructor wires together. The public
 * class delegates every SPI method here and keeps the configuration, the builder and the constants.
 */
final class RedisStoreOperations {

    private final ReconnectingConnection connection;
    private final RedisSchema schema;
    private final Clock clock;
    private final int ackReplicas;
    private final boolean reportsTimeouts;
    private final CommandRunner runner;
    private final SessionOperations sessions;
    private final UserIndexOperations users;
    private final ValueOperations values;
    private final TimeoutSubscription timeouts;

    /**
     * @param cluster whether Redis is a Cluster (no single-server scripts, no timeout markers)
     * @param database the database whose expired-key events report timeouts
     */
    RedisStoreOperations(
            ReconnectingConnection connection,
            RedisSchema schema,
            Clock clock,
            boolean cluster,
            Duration timeout,
            int ackReplicas,
            Duration ackTimeout,
            boolean reportsTimeouts,
            int database) {
        this.connection = connection;
        this.schema = schema;
        this.clock = clock;
        this.ackReplicas = ackReplicas;
        this.reportsTimeouts = reportsTimeouts;
        this.runner = new CommandRunner(connection, cluster, timeout, ackReplicas, ackTimeout);
        Duration grace = reportsTimeouts ? RedisSessionStore.TIMEOUT_GRACE : Duration.ZERO;
        this.sessions = new SessionOperations(runner, schema, clock, cluster, grace);
        this.users = new UserIndexOperations(runner, schema, clock, cluster);
        this.values = new ValueOperations(runner, schema);
        this.timeouts = new TimeoutSubscription(connection, runner, schema, database);
    }

    StoreHealth health() {
        return connection.health().health();
    }

    HealthReportingStore.HealthSubscription onHealthChange(Consumer<StoreHealth> listener) {
        return connection.health().subscribe(Objects.requireNonNull(listener, "listener"));
    }

    /**
     * @return the shared connection, for the near cache's own connection
     */
    ReconnectingConnection connection() {
        return connection;
    }

    /**
     * @return the clock of the store's own time stamps
     */
    Clock clock() {
        return clock;
    }

    /** The start-up checks this store's options call for, run by the caller on first connect. */
    StartupChecks startupChecks(boolean evictionPolicy) {
        return new StartupChecks(connection, runner, evictionPolicy, ackReplicas, reportsTimeouts);
    }

    /**
     * @return the key layout of this store
     */
    RedisSchema schema() {
        return schema;
    }

    // ------------------------------------------------------------------ SessionStore

    Optional<SessionRecord> load(SessionHandle handle) {
        return sessions.load(Objects.requireNonNull(handle, "handle"));
    }

    boolean create(SessionRecord record, Duration ttl) {
        Objects.requireNonNull(record, "record");
        checkTtl(ttl);
        return sessions.create(record, ttl);
    }

    UpdateResult update(SessionHandle handle, SessionDelta delta) {
        Objects.requireNonNull(handle, "handle");
        Objects.requireNonNull(delta, "delta");
        return sessions.update(handle, delta);
    }

    /** As {@link #load}, with the session's write counter (near cache; single server). */
    Optional<SessionOperations.Loaded> loadCounted(SessionHandle handle) {
        return sessions.loadCounted(Objects.requireNonNull(handle, "handle"));
    }

    /** As {@link #update}, and returns the session as the update left it (near cache; single server). */
    SessionOperations.Updated updateReturning(SessionHandle handle, SessionDelta delta) {
        Objects.requireNonNull(handle, "handle");
        Objects.requireNonNull(delta, "delta");
        return sessions.update(handle, delta, true);
    }

    /**
     * Takes the old session, writes the new one, moves the index entry: see {@code docs/redis.md}.
     */
    Optional<SessionRecord> rotate(SessionHandle from, Rotation rotation) {
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(rotation, "rotation");
        return sessions.rotate(from, rotation);
    }

    boolean delete(SessionHandle handle) {
        return sessions.delete(Objects.requireNonNull(handle, "handle"));
    }

    // ------------------------------------------------------------------ UserIndexedStore

    Admission admit(String userId, SessionHandle handle, SessionLimit limit, Duration ttl) {
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(handle, "handle");
        Objects.requireNonNull(limit, "limit");
        checkTtl(ttl);
        return users.admit(userId, handle, limit, ttl);
    }

    List<SessionRecord> sessionsOf(String userId) {
        return users.sessionsOf(Objects.requireNonNull(userId, "userId"));
    }

    List<SessionHandle> revokeAll(String userId, Duration sessionLifetime) {
        Objects.requireNonNull(userId, "userId");
        checkTtl(sessionLifetime);
        return users.revokeAll(userId, sessionLifetime);
    }

    List<SessionHandle> revokeOthers(String userId, SessionHandle keep, Duration sessionLifetime) {
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(keep, "keep");
        checkTtl(sessionLifetime);
        return users.revokeOthers(userId, keep, sessionLifetime);
    }

    long userVersion(String userId) {
        return sessions.userVersion(Objects.requireNonNull(userId, "userId"));
    }

    // ------------------------------------------------------------------ ExpiryNotifyingStore

    boolean reportsTimeouts() {
        return reportsTimeouts;
    }

    ExpiryNotifyingStore.Subscription onTimeout(Consumer<SessionRecord> subscriber) {
        Objects.requireNonNull(subscriber, "subscriber");
        if (!reportsTimeouts) {
            throw new IllegalStateException("this store does not report timeouts: build it with expiryNotifications()");
        }
        return timeouts.subscribe(subscriber);
    }

    // ------------------------------------------------------------------ AtomicValueStore

    Optional<byte[]> get(String key) {
        AtomicValueStore.checkKeyAndValue(key, null);
        return values.get(key);
    }

    boolean putIfAbsent(String key, byte[] value, Duration ttl) {
        AtomicValueStore.checkKeyAndValue(key, value);
        Objects.requireNonNull(value, "value");
        checkTtl(ttl);
        return values.putIfAbsent(key, value, ttl);
    }

    boolean compareAndSet(String key, byte[] expected, byte[] replacement, Duration ttl) {
        AtomicValueStore.checkKeyAndValue(key, replacement);
        Objects.requireNonNull(expected, "expected");
        Objects.requireNonNull(replacement, "replacement");
        checkTtl(ttl);
        return values.compareAndSet(key, expected, replacement, ttl);
    }

    boolean remove(String key) {
        AtomicValueStore.checkKeyAndValue(key, null);
        return values.remove(key);
    }

    // ------------------------------------------------------------------ lifecycle

    void close() {
        timeouts.close();
        connection.close();
    }

    private static void checkTtl(Duration ttl) {
        Objects.requireNonNull(ttl, "ttl");
        if (ttl.isNegative() || ttl.isZero()) {
            throw new IllegalArgumentException("ttl (" + ttl + ") must be positive");
        }
    }
}
