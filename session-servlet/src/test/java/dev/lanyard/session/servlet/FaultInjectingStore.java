package dev.lanyard.session.servlet;

import dev.lanyard.session.SessionHandle;
import dev.lanyard.session.SessionLimit;
import dev.lanyard.session.StoreUnavailableException;
import dev.lanyard.session.spi.Admission;
import dev.lanyard.session.spi.AtomicValueStore;
import dev.lanyard.session.spi.ExpiryNotifyingStore;
import dev.lanyard.session.spi.NearCachingStore;
import dev.lanyard.session.spi.Rotation;
import dev.lanyard.session.spi.SessionDelta;
import dev.lanyard.session.spi.SessionRecord;
import dev.lanyard.session.spi.SessionStore;
import dev.lanyard.session.spi.UpdateResult;
import dev.lanyard.session.spi.UserIndexedStore;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A fault injector over a real store (the in-memory one here; a Redis or Memcached store for the
 * suites on those): while {@link #down} is set every operation
 * throws {@link StoreUnavailableException} at once, as a store whose backend is unreachable does.
 * It also counts calls, to prove how many the filter makes. Several servers may share one
 * instance: that is how a second node is started.
 */
class FaultInjectingStore implements SessionStore, ExpiryNotifyingStore {

    private final SessionStore delegate;
    volatile boolean down;
    final AtomicInteger loads = new AtomicInteger();
    final AtomicInteger writes = new AtomicInteger();

    FaultInjectingStore(SessionStore delegate) {
        this.delegate = delegate;
    }

    /**
     * Wraps a store, keeping its near cache visible to the manager: over a {@link NearCachingStore}
     * the wrapper is one too, so the cached and the uncached runs of the suite differ only in the
     * backing store. A cached read counts as a load, as an uncached one does.
     *
     * @param delegate the real store
     * @return the fault injector
     */
    static FaultInjectingStore over(SessionStore delegate) {
        if (!(delegate instanceof UserIndexedStore indexed)) {
            // A store without a user index (Memcached): the manager must not see one here either.
            return new FaultInjectingStore(delegate);
        }
        return delegate instanceof NearCachingStore caching ? new Caching(indexed, caching) : new Indexed(indexed);
    }

    /** The fault injector over a store that indexes users: it passes the index operations through. */
    static class Indexed extends FaultInjectingStore implements UserIndexedStore, AtomicValueStore {
        private final UserIndexedStore indexed;

        Indexed(UserIndexedStore delegate) {
            super(delegate);
            this.indexed = delegate;
        }

        @Override
        public Admission admit(String userId, SessionHandle handle, SessionLimit limit, Duration ttl) {
            writes.incrementAndGet();
            check();
            return indexed.admit(userId, handle, limit, ttl);
        }

        @Override
        public List<SessionRecord> sessionsOf(String userId) {
            loads.incrementAndGet();
            check();
            return indexed.sessionsOf(userId);
        }

        @Override
        public List<SessionHandle> revokeAll(String userId, java.time.Duration sessionLifetime) {
            writes.incrementAndGet();
            check();
            return indexed.revokeAll(userId, sessionLifetime);
        }

        @Override
        public List<SessionHandle> revokeOthers(String userId, SessionHandle keep, java.time.Duration sessionLifetime) {
            writes.incrementAndGet();
            check();
            return indexed.revokeOthers(userId, keep, sessionLifetime);
        }

        @Override
        public long userVersion(String userId) {
            check();
            return indexed.userVersion(userId);
        }
    }

    /** The fault injector over a store with a near cache. */
    static final class Caching extends Indexed implements NearCachingStore {
        private final NearCachingStore caching;

        Caching(UserIndexedStore delegate, NearCachingStore caching) {
            super(delegate);
            this.caching = caching;
        }

        @Override
        public Optional<CachedRecord> loadCached(SessionHandle handle) {
            loads.incrementAndGet();
            check();
            return caching.loadCached(handle);
        }
    }

    void check() {
        if (down) {
            throw new StoreUnavailableException("injected fault: the store is down", null);
        }
    }

    int calls() {
        return loads.get() + writes.get();
    }

    @Override
    public Optional<SessionRecord> load(SessionHandle handle) {
        loads.incrementAndGet();
        check();
        return delegate.load(handle);
    }

    @Override
    public boolean create(SessionRecord record, Duration ttl) {
        writes.incrementAndGet();
        check();
        return delegate.create(record, ttl);
    }

    @Override
    public UpdateResult update(SessionHandle handle, SessionDelta delta) {
        writes.incrementAndGet();
        check();
        return delegate.update(handle, delta);
    }

    @Override
    public Optional<SessionRecord> rotate(SessionHandle from, Rotation rotation) {
        writes.incrementAndGet();
        check();
        return delegate.rotate(from, rotation);
    }

    @Override
    public boolean delete(SessionHandle handle) {
        writes.incrementAndGet();
        check();
        return delegate.delete(handle);
    }

    private AtomicValueStore values() {
        if (!(delegate instanceof AtomicValueStore values)) {
            throw new UnsupportedOperationException("the real store keeps no values");
        }
        return values;
    }

    /**
     * Values (ID renewal's overlap) pass through to the real store, with faults like any call; only
     * {@link Indexed} claims {@link AtomicValueStore}, as every indexed store here has values and the
     * Memcached store has neither.
     */
    public Optional<byte[]> get(String key) {
        loads.incrementAndGet();
        check();
        return values().get(key);
    }

    public boolean putIfAbsent(String key, byte[] value, Duration ttl) {
        writes.incrementAndGet();
        check();
        return values().putIfAbsent(key, value, ttl);
    }

    public boolean compareAndSet(String key, byte[] expected, byte[] replacement, Duration ttl) {
        writes.incrementAndGet();
        check();
        return values().compareAndSet(key, expected, replacement, ttl);
    }

    public boolean remove(String key) {
        writes.incrementAndGet();
        check();
        return values().remove(key);
    }

    /** Timeouts are reported by the real store when it reports them; faults do not apply. */
    @Override
    public boolean reportsTimeouts() {
        return delegate instanceof ExpiryNotifyingStore expiring && expiring.reportsTimeouts();
    }

    @Override
    public Subscription onTimeout(java.util.function.Consumer<SessionRecord> subscriber) {
        if (!(delegate instanceof ExpiryNotifyingStore expiring)) {
            throw new IllegalStateException("the real store does not report timeouts");
        }
        return expiring.onTimeout(subscriber);
    }

    /** Sweeps the in-memory store now, which reports its timeouts on this thread; false for other stores. */
    boolean sweepTimeouts() {
        if (delegate instanceof dev.lanyard.session.memory.InMemorySessionStore memory) {
            memory.purgeExpired();
            return true;
        }
        if (delegate instanceof dev.lanyard.session.jdbc.JdbcSessionStore jdbc) {
            jdbc.sweep();
            return true;
        }
        return false;
    }

    @Override
    public void close() {
        delegate.close();
    }

    boolean holds(SessionHandle handle) {
        return delegate.load(handle).isPresent();
    }
}
