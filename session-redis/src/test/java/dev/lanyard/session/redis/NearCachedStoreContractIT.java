package dev.lanyard.session.redis;


import dev.lanyard.session.redis.testing.RedisEndpoint;
import dev.lanyard.session.redis.testing.TestRedis;
import dev.lanyard.session.spi.SessionStore;
import dev.lanyard.session.tck.MutableClock;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The whole store contract against the near-cached store on a standalone Redis: the cache changes no write. */
class NearCachedStoreContractIT extends RedisStoreContract {

  private static RedisEndpoint redis;
  private static RedisStoreSupport support;

  @BeforeAll
  static void startRedis() {
    redis = TestRedis.standalone();
    support = new RedisStoreSupport(redis.uri());
  }

  @AfterAll
  static void stopRedis() {
    if (support != null) {
      support.close();
    }
    if (redis != null) {
      redis.close();
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
