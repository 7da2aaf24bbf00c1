package dev.lanyard.session.jwt;

import dev.lanyard.session.redis.RedisSessionStore;
import dev.lanyard.session.redis.testing.RedisEndpoint;
import dev.lanyard.session.redis.testing.TestRedis;
import dev.lanyard.session.tck.MutableClock;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Runs the refresh-token contract on a real Redis: families, rotation by compare-and-set, the
 * grace period and reuse detection against the production store.
 */
class RedisRefreshTokenIT extends RefreshTokenContract {

    private static RedisEndpoint redis;

    @BeforeAll
    static void startRedis() {
        redis = TestRedis.standalone();
    }

    @AfterAll
    static void stopRedis() throws Exception {
        if (redis != null) {
            redis.close();
        }
    }

    @Override
    protected StoreUnderTest createStore(MutableClock clock) {
        // A fresh prefix per test: the contract reuses user IDs. A generous timeout: two shared cores.
        RedisSessionStore store = RedisSessionStore.builder()
                .location(redis.uri())
                .keyPrefix("jwt-it-" + UUID.randomUUID().toString().substring(0, 8) + ":")
                .commandTimeout(Duration.ofSeconds(2))
                .clock(clock)
                .build();
        return new StoreUnderTest(store, store);
    }
}
