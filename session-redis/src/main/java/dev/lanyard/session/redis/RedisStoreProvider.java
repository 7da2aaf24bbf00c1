package dev.lanyard.session.redis;

import dev.lanyard.session.spi.SessionStore;
import dev.lanyard.session.spi.SessionStoreProvider;
import java.net.URI;
import java.time.Clock;
import java.util.Objects;
import java.util.Set;

/**
 * Registers the Redis schemes with {@link dev.lanyard.session.SessionStores#open(String)}:
 * {@code redis}, {@code rediss}, {@code redis-sentinel}, {@code rediss-sentinel},
 * {@code redis-cluster} and {@code rediss-cluster}. Found by {@link java.util.ServiceLoader};
 * applications do not use it directly. Stateless and thread-safe.
 *
 * @since 0.1.0
 */
public final class RedisStoreProvider implements SessionStoreProvider {

    /** Creates the provider; called by {@link java.util.ServiceLoader}. */
    public RedisStoreProvider() {}

    @Override
    public Set<String> schemes() {
        return RedisLocation.SCHEMES;
    }

    /**
     * Opens a {@link RedisSessionStore} on {@code uri} (see
     * {@link RedisSessionStore.Builder#location(String)}), connecting at once or, when Redis cannot
     * be reached yet, in the background (it never waits for Redis). With the option
     * {@code nearCache=true} (standalone and Sentinel only) it is wrapped in a
     * {@link NearCachedRedisStore} with {@link NearCacheOptions#defaults()}.
     *
     * @param uri the location
     * @param clock the clock for the store's own time stamps
     * @return the store, connected or connecting
     * @throws IllegalArgumentException if the URI is malformed, names an unknown option, or asks for
     *     a near cache on Cluster; the message never repeats it
     * @throws dev.lanyard.session.StoreUnavailableException if Redis is up and refuses the credentials
     */
    @Override
    public SessionStore open(URI uri, Clock clock) {
        Objects.requireNonNull(uri, "uri");
        String location = uri.toString();
        boolean nearCache = RedisLocation.parse(location).nearCache;
        if (nearCache && RedisLocation.parse(location).topology == RedisSessionStore.Topology.CLUSTER) {
            throw new IllegalArgumentException(
                    "nearCache: Redis Cluster is not supported yet (standalone and Sentinel are)");
        }
        RedisSessionStore store = RedisSessionStore.builder()
                .location(location)
                .clock(Objects.requireNonNull(clock, "clock"))
                .build();
        return nearCache ? NearCachedRedisStore.wrap(store, NearCacheOptions.defaults()) : store;
    }
}
