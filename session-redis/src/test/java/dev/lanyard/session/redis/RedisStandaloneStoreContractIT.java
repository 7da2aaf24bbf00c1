package dev.lanyard.session.redis;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The whole store contract against a standalone Redis, then a scan for keys without a TTL. */
class RedisStandaloneStoreContractIT extends RedisStoreContract {

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
    RedisStoreSupport support() {
        return support;
    }
}
