package dev.lanyard.session.jwt;

import dev.lanyard.session.StoreUnavailableException;
import dev.lanyard.session.spi.AtomicValueStore;
import dev.lanyard.session.spi.SessionStore;
import dev.lanyard.session.tck.ForwardingSessionStore;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/** Passes every call to a real store and counts them, to prove how many calls an operation costs. */
final class CountingStore extends ForwardingSessionStore implements AtomicValueStore {

    private final AtomicValueStore values;
    final AtomicInteger calls = new AtomicInteger();
    /** While true, every call fails as a store that cannot be reached does. */
    final AtomicBoolean down = new AtomicBoolean();

    <S extends SessionStore & AtomicValueStore> CountingStore(S delegate) {
        this(delegate, delegate);
    }

    CountingStore(SessionStore sessions, AtomicValueStore values) {
        super(sessions);
        this.values = values;
    }

    @Override
    protected void beforeCall(String operation) {
        calls.incrementAndGet();
        if (down.get()) {
            throw new StoreUnavailableException("store down (test)", null);
        }
    }

    @Override
    public Optional<byte[]> get(String key) {
        beforeCall("get");
        return values.get(key);
    }

    @Override
    public boolean putIfAbsent(String key, byte[] value, Duration ttl) {
        beforeCall("putIfAbsent");
        return values.putIfAbsent(key, value, ttl);
    }

    @Override
    public boolean compareAndSet(String key, byte[] expected, byte[] replacement, Duration ttl) {
        beforeCall("compareAndSet");
        return values.compareAndSet(key, expected, replacement, ttl);
    }

    @Override
    public boolean remove(String key) {
        beforeCall("remove");
        return values.remove(key);
    }
}
