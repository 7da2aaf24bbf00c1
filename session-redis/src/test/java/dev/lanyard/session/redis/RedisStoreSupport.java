package dev.lanyard.session.redis;

import static org.awaitility.Awaitility.await;

import dev.lanyard.session.SessionHandle;
import dev.lanyard.session.redis.testing.RedisEndpoint;
import dev.lanyard.session.redis.testing.TestRedis;
import io.lettuce.core.resource.ClientResources;
import java.time.Clock;
import java.time.Duration;
import java.util.UUID;

/**
 * What the Redis contract tests share: a store per test on shared client resources, direct reads,
 * and the Redis itself, which {@link #close()} stops last.
 */
final class RedisStoreSupport implements AutoCloseable {

    final String location;
    /** The prefix of every key any store of this support writes. */
    final String prefix;

    final DirectRedis direct;
    /** The prefix of the latest store: each test gets its own, as the contract reuses user IDs. */
    private volatile String current;

    private final java.util.concurrent.atomic.AtomicInteger stores = new java.util.concurrent.atomic.AtomicInteger();
    private final ClientResources resources;
    private final Runnable stopRedis;

    /**
     * @param location the Redis to use
     * @param stopRedis stops that Redis; run by {@link #close()}
     */
    RedisStoreSupport(String location, Runnable stopRedis) {
        this.stopRedis = stopRedis;
        this.location = location;
        this.prefix = "lanyard-it-" + UUID.randomUUID().toString().substring(0, 8) + ":";
        this.direct = DirectRedis.connect(location);
        this.resources = Connection.defaultResources();
        this.current = prefix;
    }

    /** @return support on a standalone Redis from {@link TestRedis#standalone()}, stopped on close */
    static RedisStoreSupport standalone() {
        RedisEndpoint redis = TestRedis.standalone();
        try {
            return new RedisStoreSupport(redis.uri(), redis::close);
        } catch (RuntimeException e) {
            redis.close();
            throw e;
        }
    }

    /** A builder for a store with a fresh prefix under {@link #prefix}. */
    RedisSessionStore.Builder builder(Clock clock) {
        current = prefix + "t" + stores.incrementAndGet() + ":";
        return RedisSessionStore.builder()
                .location(location)
                .keyPrefix(current)
                .clock(clock)
                .clientResources(resources);
    }

    String currentPrefix() {
        return current;
    }

    /** A store with a generous timeout: the contract is about behaviour, on two shared cores. */
    RedisSessionStore store(Clock clock) {
        return builder(clock).commandTimeout(Duration.ofSeconds(2)).build();
    }

    String sessionKey(SessionHandle handle) {
        return DirectRedis.sessionKey(current, handle);
    }

    boolean holds(SessionHandle handle) {
        return direct.exists(sessionKey(handle));
    }

    void corrupt(SessionHandle handle) {
        direct.sync().hset(sessionKey(handle), RedisSchema.Field.META.name, "not packed metadata");
    }

    void awaitGone(String key, Duration ttl) {
        await().atMost(ttl.plusSeconds(10)).pollInterval(Duration.ofMillis(50)).until(() -> !direct.exists(key));
    }

    @Override
    public void close() {
        try {
            direct.close();
            resources.shutdown(0, 2, java.util.concurrent.TimeUnit.SECONDS).awaitUninterruptibly(3000);
        } finally {
            stopRedis.run();
        }
    }
}
