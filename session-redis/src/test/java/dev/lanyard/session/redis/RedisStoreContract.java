package dev.lanyard.session.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lanyard.session.SessionHandle;
import dev.lanyard.session.spi.SessionStore;
import dev.lanyard.session.tck.MutableClock;
import dev.lanyard.session.tck.UserIndexedStoreContract;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The store contract on a Redis: the hooks read Redis directly, and after the whole contract a
 * scan finds no key the suite wrote without a TTL. Subclasses start the Redis (standalone,
 * Cluster) and say which store runs on it.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
abstract class RedisStoreContract extends UserIndexedStoreContract {

  /** @return the support of the Redis this class runs on */
  abstract RedisStoreSupport support();

  @Override
  protected SessionStore createStore(MutableClock clock) {
    return support().store(clock);
  }

  @Override
  protected boolean backendHolds(SessionHandle handle) {
    return support().holds(handle);
  }

  @Override
  protected Optional<Duration> backendTtl(SessionHandle handle) {
    return support().direct.ttl(support().sessionKey(handle));
  }

  @Override
  protected void corrupt(SessionHandle handle) {
    support().corrupt(handle);
  }

  @Override
  protected void awaitExpiry(SessionHandle handle, Duration ttl) {
    support().awaitGone(support().sessionKey(handle), ttl);
  }

  @Test
  @Order(Integer.MAX_VALUE)
  void noKeyWrittenBySuiteLacksATtl() {
    assertThat(support().direct.keys(support().prefix)).as("keys the suite left").isNotEmpty();
    assertThat(support().direct.keysWithoutTtl(support().prefix)).isEmpty();
  }
}
