package dev.lanyard.session.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.lanyard.session.ClientInfo;
import dev.lanyard.session.NewSession;
import dev.lanyard.session.RevocationReason;
import dev.lanyard.session.SessionManager;
import dev.lanyard.session.StoreUnavailableException;
import dev.lanyard.session.event.SessionEvent;
import dev.lanyard.session.redis.testing.LocalSentinelSet;
import dev.lanyard.session.redis.testing.RedisProcess;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A Sentinel failover under the near cache. After {@code SENTINEL FAILOVER} the old master stays
 * up and writable for about ten seconds, so an invalidation channel left on it would stay healthy
 * while the writes go elsewhere: the cache must follow the switch, not wait for a disconnect.
 */
class NearCacheSentinelIT {

    @Test
    void aRevocationAfterAFailoverIsHonouredBecauseTheCacheFollowsTheNewMaster() {
        try (LocalSentinelSet sentinels = LocalSentinelSet.start();
                NearCachedRedisStore storeA = open(sentinels);
                NearCachedRedisStore storeB = open(sentinels)) {
            AtomicInteger hitsOnB = new AtomicInteger();
            SessionManager nodeA =
                    SessionManager.builder(storeA).logEvents(false).build();
            SessionManager nodeB = SessionManager.builder(storeB)
                    .logEvents(false)
                    .listener(e -> {
                        if (e instanceof SessionEvent.Resolved r && r.source() == SessionEvent.Source.NEAR_CACHE) {
                            hitsOnB.incrementAndGet();
                        }
                    })
                    .build();
            await().atMost(Duration.ofSeconds(5)).until(() -> storeA.isActive() && storeB.isActive());
            NewSession session = nodeA.create(ClientInfo.UNKNOWN);
            String id = session.id().value();
            await().atMost(Duration.ofSeconds(3))
                    .pollInterval(Duration.ofMillis(5))
                    .until(() -> {
                        int before = hitsOnB.get();
                        return nodeB.resolve(id).isFound() && hitsOnB.get() > before;
                    });
            RedisProcess replica = sentinels.replica();
            String key = DirectRedis.sessionKey(
                    storeA.delegate().keyPrefix(), session.id().handle());
            await("the session reached the replica")
                    .atMost(Duration.ofSeconds(5))
                    .until(() -> Long.valueOf(1L).equals(replica.call("EXISTS", key)));

            sentinels.failover();
            await().atMost(Duration.ofSeconds(30)).until(() -> sentinels.currentMasterPort() == replica.port());
            // Node A revokes on the new master as soon as it follows the switch.
            await().atMost(Duration.ofSeconds(10))
                    .pollInterval(Duration.ofMillis(20))
                    .ignoreException(StoreUnavailableException.class)
                    .until(() -> {
                        nodeA.revoke(session.id().handle(), RevocationReason.ADMIN);
                        return Long.valueOf(0L).equals(replica.call("EXISTS", key));
                    });

            await("node B rejects the revoked session")
                    .atMost(Duration.ofSeconds(1))
                    .pollInterval(Duration.ofMillis(5))
                    .ignoreException(StoreUnavailableException.class)
                    .until(() -> !nodeB.resolve(id).isFound());
            await("node B's cache is active again, on the new master")
                    .atMost(Duration.ofSeconds(5))
                    .until(storeB::isActive);
            assertThat(storeB.stats().resets()).isPositive();
        }
    }

    private static NearCachedRedisStore open(LocalSentinelSet sentinels) {
        return NearCachedRedisStore.wrap(
                RedisSessionStore.builder()
                        .location(sentinels.uri())
                        .commandTimeout(Duration.ofSeconds(1))
                        .build(),
                NearCacheOptions.builder()
                        .heartbeatInterval(Duration.ofMillis(200))
                        .build());
    }
}
