package dev.lanyard.session.redis;

import static org.awaitility.Awaitility.await;

import dev.lanyard.session.SessionHandle;
import dev.lanyard.session.UnreadableSessionException;
import dev.lanyard.session.spi.NearCachingStore.CachedRecord;
import dev.lanyard.session.spi.SessionStore;
import dev.lanyard.session.tck.MutableClock;
import java.time.Duration;
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

    /**
     * Corrupts the record behind the cache's back, then waits until the cache no longer serves its
     * copy: the cache learns of a write it did not make from Redis's invalidation message, which may
     * land after the next read, and the contract speaks of what a read sees once it has. Only an
     * active cache says whether it holds a copy: one whose heartbeat lease lapsed for a moment reads
     * Redis but keeps its copies, and serves them again once the next heartbeat is answered.
     */
    @Override
    protected void corrupt(SessionHandle handle) {
        super.corrupt(handle);
        NearCachedRedisStore cached = (NearCachedRedisStore) store;
        await().atMost(Duration.ofSeconds(5))
                .pollInterval(Duration.ofMillis(5))
                .until(() -> cached.isActive() && !servedFromCopy(cached, handle));
    }

    private static boolean servedFromCopy(NearCachedRedisStore cached, SessionHandle handle) {
        try {
            return cached.loadCached(handle).map(CachedRecord::fromCache).orElse(false);
        } catch (UnreadableSessionException e) {
            return false;
        }
    }
}
