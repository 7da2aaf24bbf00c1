package dev.lanyard.session.redis;

import dev.lanyard.session.spi.SessionStore;
import dev.lanyard.session.tck.MutableClock;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The whole store contract against the near-cached store on a standalone Redis: the cache changes no write. */
class NearCachedStoreContractIT extends RedisStoreContract {

    private static RedisStoreSupport support;

    @BeforeAll
    static void startRedis() {
        support = RedisStoreSupport.standalone();
    }

    @AfterAll
    static void stopRedis() {
        if (support != null) {
            support.close();
        }
    }

    @Override
    protected SessionStore createStore(MutableClock clock) {
        return NearCachedRedisStore.wrap(support.store(clock), NearCacheOptions.defaults());
    }

    @Override
    RedisStoreSupport support() {
        return support;
    }
}
