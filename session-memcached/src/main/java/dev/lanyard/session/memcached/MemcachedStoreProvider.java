package dev.lanyard.session.memcached;

import dev.lanyard.session.spi.SessionStore;
import dev.lanyard.session.spi.SessionStoreProvider;
import java.net.URI;
import java.time.Clock;
import java.util.Set;

/**
 * Opens a {@link MemcachedSessionStore} for {@code memcached://} locations (see
 * {@link MemcachedOptions#fromUri(URI)}). Registered with {@link java.util.ServiceLoader};
 * applications use {@link dev.lanyard.session.SessionStores#open(String)}.
 *
 * @since 0.1.0
 */
public final class MemcachedStoreProvider implements SessionStoreProvider {

    /** Creates the provider; called by {@link java.util.ServiceLoader}. */
    public MemcachedStoreProvider() {}

    @Override
    public Set<String> schemes() {
        return Set.of("memcached", "memcacheds");
    }

    /** Opens the store; {@code memcacheds} is refused with a message, as the client has no TLS. */
    @Override
    public SessionStore open(URI uri, Clock clock) {
        return MemcachedSessionStore.open(MemcachedOptions.fromUri(uri), clock);
    }
}
