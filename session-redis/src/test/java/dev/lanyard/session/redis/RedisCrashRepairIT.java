package dev.lanyard.session.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.lanyard.session.SessionHandle;
import dev.lanyard.session.SessionId;
import dev.lanyard.session.SessionLimit;
import dev.lanyard.session.spi.Rotation;
import dev.lanyard.session.spi.SessionRecord;
import dev.lanyard.session.tck.MutableClock;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The ordering across slots, step by step: the half states a crash (or a concurrent operation)
 * leaves between the steps of an operation are set up directly in Redis, and the store must repair
 * them and never bring back a revoked session. The same code runs on Cluster, where these steps
 * really are in different slots.
 */
class RedisCrashRepairIT {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Duration TTL = Duration.ofMinutes(30);

    private static RedisStoreSupport support;

    private MutableClock clock;
    private RedisSessionStore store;
    private String prefix;

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

    @BeforeEach
    void openStore() {
        clock = MutableClock.startingNow();
        store = support.store(clock);
        prefix = support.currentPrefix();
    }

    @AfterEach
    void closeStore() {
        store.close();
    }

    private static SessionHandle handle() {
        return SessionId.generate(RANDOM).handle();
    }

    private SessionRecord record(SessionHandle handle, String userId) {
        Instant now = clock.instant();
        return SessionRecord.builder()
                .handle(handle)
                .userId(userId)
                .createdAt(now)
                .lastAccessedAt(now)
                .idleTimeout(TTL)
                .absoluteExpiry(now.plus(Duration.ofHours(12)))
                .authenticatedAt(userId == null ? null : now)
                .lastNode("node-a")
                .attributes(Map.of("a", new byte[] {1}))
                .build();
    }

    private String sessionKey(SessionHandle h) {
        return DirectRedis.sessionKey(prefix, h);
    }

    private String indexKey(String userId) {
        return DirectRedis.indexKey(prefix, userId);
    }

    /** What revokeAll or an eviction writes before it deletes the sessions. */
    private void markRevoked(String userId, SessionHandle h) {
        support.direct.sync().zadd(indexKey(userId), -clock.millis(), h.value());
    }

    @Test
    void aRevocationMarkLeftByACrashIsFinishedByTheNextAdmit() {
        SessionHandle victim = handle();
        store.create(record(victim, "alice"), TTL);
        markRevoked("alice", victim);
        assertThat(store.load(victim))
                .as("the half state: marked, not yet deleted")
                .isPresent();
        assertThat(store.sessionsOf("alice"))
                .as("a marked session is never listed")
                .isEmpty();

        assertThat(store.admit("alice", handle(), SessionLimit.unlimited(), TTL).admitted())
                .isTrue();

        assertThat(store.load(victim)).isEmpty();
        assertThat(support.direct.exists(sessionKey(victim))).isFalse();
    }

    @Test
    void aRevocationMarkLeftByACrashIsFinishedByRevokeAllAgain() {
        SessionHandle victim = handle();
        store.create(record(victim, "alice"), TTL);
        markRevoked("alice", victim);

        assertThat(store.revokeAll("alice", TTL)).containsExactly(victim);
        assertThat(support.direct.exists(sessionKey(victim))).isFalse();
    }

    @Test
    void aMarkedSessionDoesNotCountAgainstTheLimit() {
        SessionHandle victim = handle();
        store.create(record(victim, "alice"), TTL);
        markRevoked("alice", victim);
        assertThat(store.admit("alice", handle(), SessionLimit.refuseBeyond(1), TTL)
                        .admitted())
                .isTrue();
    }

    @Test
    void rotatingASessionRevokedMeanwhileWritesNothing() {
        SessionHandle old = handle();
        store.create(record(old, "alice"), TTL);
        markRevoked("alice", old);
        SessionHandle next = handle();

        assertThat(store.rotate(
                        old,
                        Rotation.builder()
                                .newHandle(next)
                                .bumpVersion(true)
                                .lastAccessedAt(clock.instant())
                                .ttl(TTL)
                                .build()))
                .isEmpty();

        assertThat(support.direct.exists(sessionKey(old))).isFalse();
        assertThat(support.direct.exists(sessionKey(next))).isFalse();
    }

    @Test
    void aLoginWhoseNewHandleWasRevokedMeanwhileLeavesNoSession() {
        SessionHandle anonymous = handle();
        store.create(record(anonymous, null), TTL);
        SessionHandle next = handle();
        store.admit("alice", next, SessionLimit.unlimited(), TTL);
        markRevoked("alice", next);

        assertThat(store.rotate(
                        anonymous,
                        Rotation.builder()
                                .newHandle(next)
                                .userId("alice")
                                .bumpVersion(true)
                                .authenticatedAt(clock.instant())
                                .lastAccessedAt(clock.instant())
                                .ttl(TTL)
                                .build()))
                .isEmpty();

        assertThat(support.direct.exists(sessionKey(next))).isFalse();
        assertThat(support.direct.exists(sessionKey(anonymous))).isFalse();
    }

    @Test
    void aCreateForAHandleEvictedBeforeItWasWrittenDoesNotSurvive() {
        SessionHandle reserved = handle();
        store.admit("alice", reserved, SessionLimit.unlimited(), TTL);
        markRevoked("alice", reserved);

        store.create(record(reserved, "alice"), TTL);

        assertThat(store.load(reserved)).isEmpty();
        assertThat(support.direct.exists(sessionKey(reserved))).isFalse();
    }

    @Test
    void anAdmittedHandleCountsUntilWrittenAndNotAfterTheGrace() {
        store.admit("alice", handle(), SessionLimit.refuseBeyond(1), TTL);
        assertThat(store.admit("alice", handle(), SessionLimit.refuseBeyond(1), TTL)
                        .admitted())
                .isFalse();
        clock.advance(RedisSessionStore.RESERVATION_GRACE);
        assertThat(store.admit("alice", handle(), SessionLimit.refuseBeyond(1), TTL)
                        .admitted())
                .isTrue();
    }

    @Test
    void indexEntriesOfExpiredSessionsAreRemovedWhenRead() {
        SessionHandle shortLived = handle();
        store.create(record(shortLived, "alice"), Duration.ofMillis(300));
        await().atMost(Duration.ofSeconds(10)).until(() -> !support.direct.exists(sessionKey(shortLived)));
        assertThat(support.direct.sync().zscore(indexKey("alice"), shortLived.value()))
                .isNotNull();

        assertThat(store.sessionsOf("alice")).isEmpty();

        assertThat(support.direct.sync().zscore(indexKey("alice"), shortLived.value()))
                .isNull();
    }

    @Test
    void theIndexLivesAtLeastAsLongAsTheSessionsAbsoluteExpiry() {
        SessionHandle h = handle();
        store.create(record(h, "alice"), TTL);
        assertThat(support.direct.ttl(indexKey("alice")))
                .hasValueSatisfying(ttl -> assertThat(ttl).isGreaterThan(Duration.ofHours(11)));
        assertThat(support.direct.ttl(sessionKey(h)))
                .hasValueSatisfying(ttl -> assertThat(ttl).isLessThanOrEqualTo(TTL));
    }
}
