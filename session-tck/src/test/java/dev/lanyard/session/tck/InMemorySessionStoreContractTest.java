package dev.lanyard.session.tck;

import dev.lanyard.session.SessionHandle;
import dev.lanyard.session.memory.InMemorySessionStore;
import dev.lanyard.session.spi.SessionDelta;
import dev.lanyard.session.spi.SessionStore;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** The in-memory store passes the whole contract. */
class InMemorySessionStoreContractTest extends UserIndexedStoreContract {

    private InMemorySessionStore memory;

    @Override
    protected SessionStore createStore(MutableClock clock) {
        memory = InMemorySessionStore.create(clock);
        return memory;
    }

    @Override
    protected boolean backendHolds(SessionHandle handle) {
        return memory.expiryOf(handle).isPresent();
    }

    @Override
    protected Optional<Duration> backendTtl(SessionHandle handle) {
        return memory.expiryOf(handle).map(expiry -> Duration.between(clock.instant(), expiry));
    }

    @Override
    protected void corrupt(SessionHandle handle) {
        // Memory holds records as objects, so the only bytes to damage are an attribute's encoding.
        memory.update(
                handle,
                new SessionDelta(
                        Map.of("cart", new byte[] {99, 1, 2}),
                        Set.of(),
                        clock.instant(),
                        null,
                        null,
                        TTL,
                        Long.MAX_VALUE));
    }
}
