package dev.lanyard.session.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.lanyard.session.SessionHandle;
import dev.lanyard.session.SessionId;
import dev.lanyard.session.StoreUnavailableException;
import dev.lanyard.session.redis.testing.LocalSentinelSet;
import dev.lanyard.session.redis.testing.RedisProcess;
import dev.lanyard.session.spi.SessionRecord;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.Test;

/**
 * Expiry notifications across a Sentinel failover: the old master is demoted and stops expiring
 * keys, so the subscription must move to the new master for timeouts to go on being reported.
 */
class RedisSentinelExpiryNotificationIT {

    private static final SecureRandom RANDOM = new SecureRandom();

    private static SessionRecord written(RedisSessionStore store, Duration ttl) {
        Instant now = Instant.now();
        SessionRecord r = SessionRecord.builder()
                .handle(SessionId.generate(RANDOM).handle())
                .createdAt(now)
                .lastAccessedAt(now)
                .idleTimeout(ttl)
                .absoluteExpiry(now.plus(Duration.ofHours(1)))
                .build();
        assertThat(store.create(r, ttl)).isTrue();
        return r;
    }

    @Test
    void timeoutsAreReportedFromTheNewMasterAfterAFailover() {
        ConcurrentLinkedQueue<SessionHandle> reports = new ConcurrentLinkedQueue<>();
        try (LocalSentinelSet sentinels = LocalSentinelSet.start("--notify-keyspace-events", "Ex");
                RedisSessionStore store = RedisSessionStore.builder()
                        .location(sentinels.uri())
                        .commandTimeout(Duration.ofSeconds(1))
                        .expiryNotifications()
                        .build();
                var subscription = store.onTimeout(r -> reports.add(r.handle()))) {
            SessionHandle before = written(store, Duration.ofMillis(500)).handle();
            await("a timeout before the failover")
                    .atMost(Duration.ofSeconds(15))
                    .until(() -> reports.contains(before));

            RedisProcess replica = sentinels.replica();
            sentinels.failover();
            await().atMost(Duration.ofSeconds(30)).until(() -> sentinels.currentMasterPort() == replica.port());
            // Once the store follows the switch its writes land on the new master.
            SessionHandle[] after = new SessionHandle[1];
            await("a write on the new master")
                    .atMost(Duration.ofSeconds(15))
                    .pollInterval(Duration.ofMillis(50))
                    .ignoreException(StoreUnavailableException.class)
                    .until(() -> {
                        SessionHandle h = written(store, Duration.ofSeconds(1)).handle();
                        if (Long.valueOf(1L)
                                .equals(replica.call("EXISTS", DirectRedis.sessionKey(store.keyPrefix(), h)))) {
                            after[0] = h;
                            return true;
                        }
                        return false;
                    });

            await("a timeout on the new master is reported")
                    .atMost(Duration.ofSeconds(20))
                    .until(() -> reports.contains(after[0]));
        }
    }
}
