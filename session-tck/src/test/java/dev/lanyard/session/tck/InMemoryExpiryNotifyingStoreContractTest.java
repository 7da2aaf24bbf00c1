package dev.lanyard.session.tck;

import dev.lanyard.session.memory.InMemorySessionStore;
import dev.lanyard.session.spi.ExpiryNotifyingStore;
import java.time.Duration;

/** The in-memory store reports timeouts from its sweep: the test clock moves and the sweep runs. */
class InMemoryExpiryNotifyingStoreContractTest extends ExpiryNotifyingStoreContract {

    private InMemorySessionStore memory;

    @Override
    protected ExpiryNotifyingStore createStore(MutableClock clock) {
        memory = InMemorySessionStore.create(clock);
        return memory;
    }

    @Override
    protected void timePasses(Duration ttl) {
        clock.advance(ttl.plusMillis(1));
        memory.purgeExpired();
    }
}
