package dev.lanyard.session.jwt;

import dev.lanyard.session.memory.InMemorySessionStore;
import dev.lanyard.session.tck.MutableClock;

/** Runs the refresh-token contract on the in-memory store. */
class InMemoryRefreshTokenTest extends RefreshTokenContract {

    @Override
    protected StoreUnderTest createStore(MutableClock clock) {
        InMemorySessionStore memory = InMemorySessionStore.create(clock);
        return new StoreUnderTest(memory, memory);
    }
}
