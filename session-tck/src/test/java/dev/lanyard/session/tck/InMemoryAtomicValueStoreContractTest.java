package dev.lanyard.session.tck;

import dev.lanyard.session.memory.InMemorySessionStore;
import dev.lanyard.session.spi.AtomicValueStore;

/** The in-memory store passes the atomic value contract. */
class InMemoryAtomicValueStoreContractTest extends AtomicValueStoreContract {

    @Override
    protected AtomicValueStore createValueStore(MutableClock clock) {
        return InMemorySessionStore.create(clock);
    }
}
