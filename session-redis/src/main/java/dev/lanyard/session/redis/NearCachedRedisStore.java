package dev.lanyard.session.redis;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.lanyard.session.SessionHandle;
import dev.lanyard.session.SessionLimit;
import dev.lanyard.session.StoreHealth;
import dev.lanyard.session.StoreUnavailableException;
import dev.lanyard.session.spi.Admission;
import dev.lanyard.session.spi.AtomicValueStore;
import dev.lanyard.session.spi.ExpiryNotifyingStore;
import dev.lanyard.session.spi.HealthReportingStore;
import dev.lanyard.session.spi.NearCachingStore;
import dev.lanyard.session.spi.Rotation;
import dev.lanyard.session.spi.SessionDelta;
import dev.lanyard.session.spi.SessionRecord;
import dev.lanyard.session.spi.UpdateResult;
import dev.lanyard.session.spi.UserIndexedStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link RedisSessionStore} with a near cache: a bounded local copy of hot session records on
 * this node, so that resolving a hot session costs no round trip, kept correct by Redis itself.
 *
 * <h2>Invalidation</h2>
 *
 * Redis itself keeps the copy correct: a {@link NearCacheChannel} with client tracking of session
 * and user-version keys drops a copy whenever another node changes, deletes, expires or evicts the
 * session (or revokes its user), and drops everything after any event in which an invalidation may
 * have been missed. Session keys are tracked on the store's data connection with {@code NOLOOP}, so
 * this node's own writes send it nothing: an update keeps the session as the update script returned
 * it (one round trip, and the next read is a hit), every other write drops the copy as soon as
 * Redis accepted it. A read or an update that races with an invalidation never stores what it got:
 * it takes a ticket (its stripe's invalidation counter, the user revocation counter and the
 * channel's epoch) before it asks Redis and keeps the answer only if none moved. The mechanism, why
 * it was chosen, and its failure modes are in {@code docs/redis.md} ("Near cache").
 *
 * <h2>Expiry</h2>
 *
 * A cached record is served only while this store's clock is before its idle and absolute expiry,
 * and for at most {@link NearCacheOptions#maximumEntryAge()} after it was read; the oldest-unused
 * records are dropped beyond {@link NearCacheOptions#maximumSize()}.
 *
 * <p>Every method other than {@link #loadCached} behaves exactly as the wrapped store's: writes go
 * to Redis first, and the local copy changes only after Redis answered (it is dropped, or replaced
 * by the record an update returned). {@link #load} always reads Redis. Writes made through {@link
 * #delegate()} bypass the copy and must not be used while the cache is. Redis Cluster is not
 * supported yet.
 *
 * <p>Thread-safe. Expensive to create (it opens a connection): share one per application and close
 * it on shutdown, which also closes the wrapped store.
 *
 * @since 0.1.0
 */
public final class NearCachedRedisStore
        implements NearCachingStore, UserIndexedStore, AtomicValueStore, ExpiryNotifyingStore, HealthReportingStore {

    private static final Logger LOG = LoggerFactory.getLogger(NearCachedRedisStore.class);
    private static final int STRIPES = 1024;

    private final RedisSessionStore store;
    private final NearCacheOptions options;
    private final Clock clock;

    /** Moves whenever a user's version changes: a read in flight then keeps nothing. */
    private final AtomicLong userRevocations = new AtomicLong();

    private final Cache<SessionHandle, Entry> cache;
    /** Moved by invalidations (pushes and this node's writes other than updates), per stripe. */
    private final AtomicLongArray stripes = new AtomicLongArray(STRIPES);

    /** Moved by this node's updates, per stripe: a read in flight across one keeps only a newer copy. */
    private final AtomicLongArray ownUpdates = new AtomicLongArray(STRIPES);

    private final LongAdder hits = new LongAdder();
    private final LongAdder misses = new LongAdder();
    private final LongAdder invalidations = new LongAdder();
    private final NearCacheChannel channel;

    /** A copy, its write counter in Redis, and the channel epoch it was read in. */
    private record Entry(SessionRecord record, long writes, long epoch) {}

    private NearCachedRedisStore(RedisSessionStore store, NearCacheOptions options) {
        this.store = store;
        this.options = options;
        this.clock = store.operations().clock();
        this.cache = Caffeine.newBuilder()
                .maximumSize(options.maximumSize())
                .expireAfterWrite(options.maximumEntryAge())
                .executor(Runnable::run)
                .build();
        this.channel = new NearCacheChannel(store, options, new NearCacheChannel.Copies() {
            @Override
            public void dropAll() {
                cache.invalidateAll();
            }

            @Override
            public void dropSession(SessionHandle handle) {
                invalidate(handle);
            }

            @Override
            public void dropUser(String userId) {
                invalidateUser(userId);
            }
        });
        channel.start();
    }

    /**
     * Adds a near cache to a store. The new store owns {@code store}: closing it closes both.
     * Tracking is turned on asynchronously; until Redis confirmed it, reads go to Redis.
     *
     * @param store a standalone or Sentinel store
     * @param options the cache's options
     * @return the store with a near cache
     * @throws IllegalArgumentException if {@code store} uses Redis Cluster
     * @throws StoreUnavailableException if Redis is connected but the invalidation connection cannot
     *     be opened (the store is closed then); when Redis is not reachable yet the channel is opened
     *     on the first connection, and the cache stays off until then
     */
    public static NearCachedRedisStore wrap(RedisSessionStore store, NearCacheOptions options) {
        Objects.requireNonNull(store, "store");
        Objects.requireNonNull(options, "options");
        if (store.topology() == RedisSessionStore.Topology.CLUSTER) {
            throw new IllegalArgumentException(
                    "nearCache: Redis Cluster is not supported yet (standalone and Sentinel are)");
        }
        try {
            return new NearCachedRedisStore(store, options);
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
    }

    /** The wrapped store's health: the near cache's channel does not change it. */
    @Override
    public StoreHealth health() {
        return store.health();
    }

    @Override
    public HealthReportingStore.HealthSubscription onHealthChange(java.util.function.Consumer<StoreHealth> listener) {
        return store.onHealthChange(listener);
    }

    /**
     * @return the wrapped store
     */
    public RedisSessionStore delegate() {
        return store;
    }

    /**
     * @return the cache's options
     */
    public NearCacheOptions options() {
        return options;
    }

    /**
     * Tells whether the cache may answer now: tracking is confirmed on the current invalidation
     * connection and its heartbeat lease has not lapsed. Cheap.
     *
     * @return {@code true} while the invalidation channel is healthy
     */
    public boolean isActive() {
        return channel.usable(channel.epoch());
    }

    /**
     * @return the counters since this store was opened; cheap
     */
    public NearCacheStats stats() {
        return new NearCacheStats(
                hits.sum(), misses.sum(), invalidations.sum(), channel.resets(), isActive(), cache.estimatedSize());
    }

    // ------------------------------------------------------------------ reads

    /**
     * Reads a session from the local copy when the invalidation channel is healthy and the copy is
     * within its expiry; otherwise reads Redis (one {@code HGETALL}) and, if the channel was healthy
     * throughout and no invalidation of this session arrived meanwhile, keeps the answer.
     *
     * @param handle the session's handle
     * @return the record and whether the local copy supplied it, or empty
     * @throws StoreUnavailableException if Redis had to be read and could not be
     * @throws dev.lanyard.session.UnreadableSessionException if the stored record cannot be decoded
     */
    @Override
    public Optional<CachedRecord> loadCached(SessionHandle handle) {
        Objects.requireNonNull(handle, "handle");
        long e = channel.epoch();
        boolean usable = channel.usable(e);
        Instant now = clock.instant();
        if (usable) {
            Entry entry = cache.getIfPresent(handle);
            if (entry != null) {
                if (entry.epoch() == e && live(entry.record(), now)) {
                    hits.increment();
                    return Optional.of(new CachedRecord(entry.record(), true));
                }
                cache.asMap().remove(handle, entry);
            }
        }
        misses.increment();
        int stripe = stripe(handle);
        long ticket = stripes.get(stripe);
        long updateTicket = ownUpdates.get(stripe);
        long revocationTicket = userRevocations.get();
        Optional<SessionOperations.Loaded> loaded = store.operations().loadCounted(handle);
        if (usable && loaded.isPresent() && live(loaded.get().record(), now)) {
            Entry fresh = new Entry(loaded.get().record(), loaded.get().writes(), e);
            // Kept only if no invalidation of this stripe and no channel event happened since the ticket
            // (an invalidation either moved the counter before this runs, or removes the entry after it),
            // and only over an older copy: an update of this node may have stored a newer one meanwhile.
            cache.asMap()
                    .compute(
                            handle,
                            (k, old) -> stripes.get(stripe) == ticket
                                            && channel.unchangedSince(e)
                                            && userRevocations.get() == revocationTicket
                                    ? newer(old, fresh, ownUpdates.get(stripe) == updateTicket)
                                    : old);
        }
        return loaded.map(l -> new CachedRecord(l.record(), false));
    }

    /** Always reads Redis, as {@link RedisSessionStore#load} does. */
    @Override
    public Optional<SessionRecord> load(SessionHandle handle) {
        return store.load(handle);
    }

    /**
     * The copy to keep when a read or an update of this node stores {@code fresh} and no invalidation
     * came since its ticket: the one with the higher write counter (Redis counts a session's updates,
     * so this is the one Redis applied last) when a copy of the same epoch is there; with none, {@code
     * fresh} only if no update of this node in the stripe came since the ticket (that update's copy
     * may have been evicted, and {@code fresh} may be older than it), else nothing.
     */
    private static Entry newer(Entry old, Entry fresh, boolean noUpdateSince) {
        if (old != null && old.epoch() == fresh.epoch()) {
            return old.writes() > fresh.writes() ? old : fresh;
        }
        return noUpdateSince ? fresh : null;
    }

    private static boolean live(SessionRecord record, Instant now) {
        return now.isBefore(record.absoluteExpiry())
                && now.isBefore(record.lastAccessedAt().plus(record.idleTimeout()));
    }

    // ------------------------------------------------------------------ writes: Redis first, then
    // drop the copy

    @Override
    public boolean create(SessionRecord record, Duration ttl) {
        try {
            return store.create(record, ttl);
        } finally {
            invalidate(record.handle());
        }
    }

    /**
     * Updates the session in Redis in one round trip and, while the invalidation channel is healthy,
     * keeps the session as the update left it (the script returns it), so that the next read is a
     * hit. The copy is kept only if no invalidation of its stripe, no user revocation and no channel
     * event happened between sending the update and its answer; otherwise the copy is dropped. When
     * this node's own updates of the session race, the copy of the one Redis applied last stays (the
     * session's write counter orders them).
     */
    @Override
    public UpdateResult update(SessionHandle handle, SessionDelta delta) {
        Objects.requireNonNull(handle, "handle");
        long e = channel.epoch();
        if (!channel.usable(e)) {
            try {
                return store.update(handle, delta);
            } finally {
                invalidate(handle);
            }
        }
        int stripe = stripe(handle);
        long ticket = stripes.get(stripe);
        long updateTicket = ownUpdates.get(stripe);
        long revocationTicket = userRevocations.get();
        SessionOperations.Updated updated;
        try {
            updated = store.operations().updateReturning(handle, delta);
        } catch (RuntimeException ex) {
            invalidate(handle);
            throw ex;
        }
        SessionRecord record = updated.record();
        if (record == null || !live(record, clock.instant())) {
            invalidate(handle);
            return updated.result();
        }
        // This node's own write sends it no invalidation (NOLOOP). Moving ownUpdates here stops a read
        // that was in flight from storing what it read before the write, unless its copy is newer. The
        // copy is dropped if an invalidation or a channel event came since the ticket (another node's
        // write may have raced); against this node's concurrent updates the highest counter wins.
        Entry fresh = new Entry(record, updated.writes(), e);
        cache.asMap().compute(handle, (k, old) -> {
            boolean noUpdateSince = ownUpdates.getAndIncrement(stripe) == updateTicket;
            boolean unchanged = stripes.get(stripe) == ticket
                    && channel.unchangedSince(e)
                    && userRevocations.get() == revocationTicket;
            return unchanged ? newer(old, fresh, noUpdateSince) : null;
        });
        return updated.result();
    }

    @Override
    public Optional<SessionRecord> rotate(SessionHandle from, Rotation rotation) {
        try {
            return store.rotate(from, rotation);
        } finally {
            invalidate(from);
            invalidate(rotation.newHandle());
        }
    }

    @Override
    public boolean delete(SessionHandle handle) {
        try {
            return store.delete(handle);
        } finally {
            invalidate(handle);
        }
    }

    @Override
    public Admission admit(String userId, SessionHandle handle, SessionLimit limit, Duration ttl) {
        Admission admission = store.admit(userId, handle, limit, ttl);
        admission.evicted().forEach(this::invalidate);
        return admission;
    }

    @Override
    public List<SessionRecord> sessionsOf(String userId) {
        return store.sessionsOf(userId);
    }

    @Override
    public List<SessionHandle> revokeAll(String userId, Duration sessionLifetime) {
        List<SessionHandle> revoked = store.revokeAll(userId, sessionLifetime);
        revoked.forEach(this::invalidate);
        invalidateUser(userId);
        return revoked;
    }

    @Override
    public List<SessionHandle> revokeOthers(String userId, SessionHandle keep, Duration sessionLifetime) {
        List<SessionHandle> revoked = store.revokeOthers(userId, keep, sessionLifetime);
        revoked.forEach(this::invalidate);
        invalidateUser(userId);
        invalidate(keep);
        return revoked;
    }

    @Override
    public long userVersion(String userId) {
        return store.userVersion(userId);
    }

    /**
     * @return whether the wrapped store reports timeouts
     */
    @Override
    public boolean reportsTimeouts() {
        return store.reportsTimeouts();
    }

    /** Subscribes through the wrapped store; a reported session's local copy is dropped first. */
    @Override
    public Subscription onTimeout(Consumer<SessionRecord> subscriber) {
        Objects.requireNonNull(subscriber, "subscriber");
        return store.onTimeout(record -> {
            invalidate(record.handle());
            subscriber.accept(record);
        });
    }

    @Override
    public Optional<byte[]> get(String key) {
        return store.get(key);
    }

    @Override
    public boolean putIfAbsent(String key, byte[] value, Duration ttl) {
        return store.putIfAbsent(key, value, ttl);
    }

    @Override
    public boolean compareAndSet(String key, byte[] expected, byte[] replacement, Duration ttl) {
        return store.compareAndSet(key, expected, replacement, ttl);
    }

    @Override
    public boolean remove(String key) {
        return store.remove(key);
    }

    /** Closes the invalidation connection, drops the copy, and closes the wrapped store. */
    @Override
    public void close() {
        try {
            channel.close();
        } finally {
            store.close();
        }
    }

    @Override
    public String toString() {
        return "NearCachedRedisStore["
                + store
                + ", maximumSize="
                + options.maximumSize()
                + ", maximumEntryAge="
                + options.maximumEntryAge()
                + "]";
    }

    // ------------------------------------------------------------------ invalidation

    private static int stripe(SessionHandle handle) {
        int h = handle.hashCode();
        return (h ^ (h >>> 16)) & (STRIPES - 1);
    }

    /** Drops one session's copy; moving the stripe first stops a read in flight from storing it. */
    private void invalidate(SessionHandle handle) {
        stripes.incrementAndGet(stripe(handle));
        cache.invalidate(handle);
        invalidations.increment();
    }

    /**
     * Drops every copy of the user's sessions; moving the counter first stops reads in flight from
     * storing one.
     */
    private void invalidateUser(String userId) {
        userRevocations.incrementAndGet();
        cache.asMap().values().removeIf(entry -> userId.equals(entry.record().userId()));
        invalidations.increment();
    }
}
