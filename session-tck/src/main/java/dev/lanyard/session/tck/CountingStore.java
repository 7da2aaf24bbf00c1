package dev.lanyard.session.tck;

import dev.lanyard.session.spi.SessionStore;
import java.util.concurrent.atomic.AtomicInteger;

/** Passes every call to a store and counts them, to prove what the manager does not call. */
final class CountingStore extends ForwardingSessionStore {

    private final AtomicInteger calls = new AtomicInteger();
    private final AtomicInteger writes = new AtomicInteger();

    CountingStore(SessionStore delegate) {
        super(delegate);
    }

    int calls() {
        return calls.get();
    }

    int writes() {
        return writes.get();
    }

    @Override
    protected void beforeCall(String operation) {
        calls.incrementAndGet();
        if (!operation.equals("load")) {
            writes.incrementAndGet();
        }
    }
}
