package dev.lanyard.session.memory;

import dev.lanyard.session.spi.SessionStore;
import dev.lanyard.session.spi.SessionStoreProvider;
import java.net.URI;
import java.time.Clock;
import java.util.Set;

/**
 * Opens an {@link InMemorySessionStore} for the {@code memory:} scheme. Registered with
 * {@link java.util.ServiceLoader}; applications do not use it directly.
 *
 * @since 0.1.0
 */
public final class InMemoryStoreProvider implements SessionStoreProvider {

    /** Creates the provider; called by {@link java.util.ServiceLoader}. */
    public InMemoryStoreProvider() {}

    @Override
    public Set<String> schemes() {
        return Set.of("memory");
    }

    @Override
    public SessionStore open(URI uri, Clock clock) {
        return InMemorySessionStore.create(clock);
    }
}
