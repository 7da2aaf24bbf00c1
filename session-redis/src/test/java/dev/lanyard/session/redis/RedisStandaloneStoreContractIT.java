package dev.lanyard.session.redis;


import dev.lanyard.session.redis.testing.RedisEndpoint;
import dev.lanyard.session.redis.testing.TestRedis;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The whole store contract against a standalone Redis, then a scan for keys without a TTL. */
class RedisStandaloneStoreContractIT extends RedisStoreContract {

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
  RedisStoreSupport support() {
    return support;
  }
}
