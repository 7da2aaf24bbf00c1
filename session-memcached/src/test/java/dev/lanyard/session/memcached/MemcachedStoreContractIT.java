package dev.lanyard.session.memcached;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lanyard.session.SessionHandle;
import dev.lanyard.session.spi.SessionStore;
import dev.lanyard.session.tck.MutableClock;
import dev.lanyard.session.tck.SessionStoreContract;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The whole store contract on two real memcached servers (so both shards are exercised); the hooks
 * read the servers directly.
 */
class MemcachedStoreContractIT extends SessionStoreContract {

  private static MemcachedSupport support;

  @BeforeAll
  static void startMemcached() {
    support = MemcachedSupport.servers(2);
  }

  @AfterAll
  static void stopMemcached() {
    if (support != null) {
      support.close();
    }
  }

  @Override
  protected SessionStore createStore(MutableClock clock) {
    return support.store(clock);
  }

  @Override
  protected boolean backendHolds(SessionHandle handle) {
    return support.holds(handle);
  }

  @Override
  protected Optional<Duration> backendTtl(SessionHandle handle) {
    return support.direct.ttl(support.key(handle));
  }

  @Override
  protected void corrupt(SessionHandle handle) {
    support.direct.corrupt(support.key(handle));
  }

  @Override
  protected void awaitExpiry(SessionHandle handle, Duration ttl) {
    clock.advance(ttl.plusMillis(1));
    support.awaitGone(handle, ttl);
  }

  @Test
  void theStoreIsFoundByItsScheme() {
    String location = "memcached://" + String.join(",", support.servers) + "?keyPrefix=scheme-test:&timeout=2s";
    try (SessionStore opened = dev.lanyard.session.SessionStores.open(location, clock)) {
      assertThat(opened).isInstanceOf(MemcachedSessionStore.class);
      SessionHandle handle = newHandle();
      assertThat(opened.create(record(handle, null, Map.of("a", bytes("1"))), TTL)).isTrue();
      assertThat(opened.load(handle)).isPresent();
    }
  }

  @Test
  void everyItemAStoreWritesExpires() {
    SessionHandle handle = newHandle();
    assertThat(store.create(record(handle, "alice", Map.of()), TTL)).isTrue();
    assertThat(backendTtl(handle)).hasValueSatisfying(ttl -> assertThat(ttl).isPositive().isLessThanOrEqualTo(TTL));
  }
}
