package dev.lanyard.session.servlet;

import dev.lanyard.session.redis.NearCacheOptions;
import dev.lanyard.session.redis.NearCachedRedisStore;
import dev.lanyard.session.redis.RedisSessionStore;
import dev.lanyard.session.redis.testing.RedisProcess;
import dev.lanyard.session.redis.testing.TestRedis;
import dev.lanyard.session.spi.UserIndexedStore;
import java.time.Clock;
import java.time.Duration;

/**
 * A private redis-server for one run of the suite, and the store on it (reporting timeouts): plain,
 * or with its near cache. The suites that use it differ only in that choice, which is how "the cache changes
 * nothing but speed" is tested.
 */
final class RedisBacking implements AutoCloseable {

    /** Publishes expired-key events, which the stores' expiry notifications need. */
    private final RedisProcess redis = TestRedis.localServer("--notify-keyspace-events", "Ex");

    /**
     * @param clock the suite's clock
     * @param nearCache whether to add the near cache
     * @return a store on this server; the suite closes it
     */
    UserIndexedStore store(Clock clock, boolean nearCache) {
        RedisSessionStore store = RedisSessionStore.builder()
                .location(redis.uri())
                .clock(clock)
                .commandTimeout(Duration.ofSeconds(2))
                .expiryNotifications()
                .build();
        return nearCache ? NearCachedRedisStore.wrap(store, NearCacheOptions.defaults()) : store;
    }

    /** @return the server's URI, for deployments configured by init-parameters */
    String uri() {
        return redis.uri();
    }

    @Override
    public void close() {
        redis.close();
    }
}
