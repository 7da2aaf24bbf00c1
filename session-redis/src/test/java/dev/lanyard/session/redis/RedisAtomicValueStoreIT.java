package dev.lanyard.session.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lanyard.session.spi.AtomicValueStore;
import dev.lanyard.session.tck.AtomicValueStoreContract;
import dev.lanyard.session.tck.MutableClock;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/** The atomic value contract against a standalone Redis, then a scan for keys without a TTL. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RedisAtomicValueStoreIT extends AtomicValueStoreContract {

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
    protected AtomicValueStore createValueStore(MutableClock clock) {
        return support.store(clock);
    }

    @Override
    protected void awaitExpiry(String key, Duration ttl) {
        support.awaitGone(DirectRedis.valueKey(support.currentPrefix(), key), ttl);
    }

    @Test
    @Order(Integer.MAX_VALUE)
    void noValueWrittenBySuiteLacksATtl() {
        assertThat(support.direct.keys(support.prefix))
                .as("keys the suite left")
                .isNotEmpty();
        assertThat(support.direct.keysWithoutTtl(support.prefix)).isEmpty();
    }
}
