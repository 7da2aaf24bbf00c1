package dev.lanyard.session.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.lanyard.session.ClientInfo;
import dev.lanyard.session.NewSession;
import dev.lanyard.session.Session;
import dev.lanyard.session.SessionHandle;
import dev.lanyard.session.SessionId;
import dev.lanyard.session.SessionManager;
import dev.lanyard.session.SessionUpdate;
import dev.lanyard.session.redis.testing.RedisProcess;
import dev.lanyard.session.redis.testing.TestRedis;
import dev.lanyard.session.spi.ExpiryNotifyingStore;
import dev.lanyard.session.spi.SessionDelta;
import dev.lanyard.session.spi.SessionRecord;
import dev.lanyard.session.spi.UpdateResult;
import dev.lanyard.session.tck.ExpiryNotifyingStoreContract;
import dev.lanyard.session.tck.MutableClock;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Expiry notifications on a private redis-server that publishes expired-key events: the store
 * contract for timeout reports, then what is Redis's own: two nodes never both report a session,
 * a session past its timeout is dead within the grace, the start-up check, and the options.
 */
class RedisExpiryNotificationIT extends ExpiryNotifyingStoreContract {

    private static final Logger LOG = LoggerFactory.getLogger(RedisExpiryNotificationIT.class);
    private static final SecureRandom RANDOM = new SecureRandom();

    private static RedisProcess redis;
    private static final AtomicInteger PREFIXES = new AtomicInteger();
    private String prefix;

    @BeforeAll
    static void startRedis() {
        redis = TestRedis.localServer("--notify-keyspace-events", "Ex");
    }

    @AfterAll
    static void stopRedis() {
        if (redis != null) {
            redis.close();
        }
    }

    private RedisSessionStore.Builder builder(MutableClock clock) {
        return RedisSessionStore.builder()
                .location(redis.uri())
                .keyPrefix(prefix)
                .clock(clock)
                .commandTimeout(Duration.ofSeconds(2))
                .expiryNotifications();
    }

    @Override
    protected ExpiryNotifyingStore createStore(MutableClock clock) {
        prefix = "expiry-it-" + PREFIXES.incrementAndGet() + ":";
        return builder(clock).build();
    }

    @Override
    protected void timePasses(Duration ttl) {
        // Redis keeps the time: the tests wait for the reports.
    }

    private SessionRecord written(RedisSessionStore on, Duration ttl) {
        Instant now = clock.instant();
        SessionRecord r = SessionRecord.builder()
                .handle(SessionId.generate(RANDOM).handle())
                .createdAt(now)
                .lastAccessedAt(now)
                .idleTimeout(ttl)
                .absoluteExpiry(now.plus(LONG_TTL))
                .attributes(Map.of("a", "1".getBytes(StandardCharsets.UTF_8)))
                .build();
        assertThat(on.create(r, ttl)).isTrue();
        return r;
    }

    @Test
    void twoNodesOnOneRedisReportEachTimeoutOnceBetweenThem() {
        ConcurrentLinkedQueue<SessionHandle> reports = new ConcurrentLinkedQueue<>();
        try (RedisSessionStore nodeA = builder(clock).build();
                RedisSessionStore nodeB = builder(clock).build();
                var a = nodeA.onTimeout(r -> reports.add(r.handle()));
                var b = nodeB.onTimeout(r -> reports.add(r.handle()))) {
            List<SessionHandle> written = new java.util.ArrayList<>();
            for (int i = 0; i < 40; i++) {
                written.add(written(i % 2 == 0 ? nodeA : nodeB, Duration.ofMillis(500))
                        .handle());
            }
            await("every timeout reported")
                    .atMost(Duration.ofSeconds(20))
                    .pollInterval(Duration.ofMillis(50))
                    .until(() -> reports.containsAll(written));
            // Give a duplicate every chance to arrive: a later timeout is reported after all of them.
            SessionHandle marker = written(nodeA, Duration.ofMillis(500)).handle();
            await().atMost(Duration.ofSeconds(20)).until(() -> reports.contains(marker));
            assertThat(reports).hasSize(41).doesNotHaveDuplicates();
        }
    }

    @Test
    void aSessionPastItsTimeoutIsDeadAtOnceThoughItsHashWaitsForTheClaim() {
        RedisSessionStore redisStore = (RedisSessionStore) store;
        SessionRecord r = written(redisStore, LONG_TTL);
        // What the marker's expiry does, without its event (a DEL publishes no "expired"): nobody claims it.
        redis.call("DEL", DirectRedis.timeoutKey(prefix, r.handle()));

        assertThat(store.load(r.handle())).isEmpty();
        assertThat(store.update(
                                r.handle(),
                                new SessionDelta(
                                        Map.of("b", new byte[] {1}),
                                        Set.of(),
                                        clock.instant(),
                                        null,
                                        null,
                                        LONG_TTL,
                                        Long.MAX_VALUE))
                        .status())
                .isEqualTo(UpdateResult.Status.NOT_FOUND);
        assertThat(store.delete(r.handle()))
                .as("left for the claim, which reports it")
                .isFalse();
        assertThat(redis.call("EXISTS", DirectRedis.sessionKey(prefix, r.handle())))
                .isEqualTo(1L);
        assertThat(redis.call("EXISTS", DirectRedis.timeoutKey(prefix, r.handle())))
                .as("the update did not bring the marker back")
                .isEqualTo(0L);
    }

    @Test
    void theMarkerHasTheSessionsTtlAndTheHashTheGraceMore() {
        SessionRecord r = written((RedisSessionStore) store, Duration.ofMinutes(10));
        long marker = (Long) redis.call("PTTL", DirectRedis.timeoutKey(prefix, r.handle()));
        long hash = (Long) redis.call("PTTL", DirectRedis.sessionKey(prefix, r.handle()));
        assertThat(marker)
                .isBetween(
                        Duration.ofMinutes(9).toMillis(), Duration.ofMinutes(10).toMillis());
        assertThat(hash - marker)
                .isBetween(
                        RedisSessionStore.TIMEOUT_GRACE.toMillis() - 1_000,
                        RedisSessionStore.TIMEOUT_GRACE.toMillis() + 1_000);
        LOG.info(
                "expiry notifications: the timeout marker of a session takes {} bytes (MEMORY USAGE)",
                redis.call("MEMORY", "USAGE", DirectRedis.timeoutKey(prefix, r.handle())));
    }

    @Test
    void aManagerReportsTheTimedOutSessionWithDecodedAttributes() {
        ConcurrentLinkedQueue<Session> ended = new ConcurrentLinkedQueue<>();
        SessionManager manager = SessionManager.builder(store)
                .logEvents(false)
                .policy(dev.lanyard.session.SessionPolicy.builder()
                        .anonymousIdleTimeout(Duration.ofSeconds(1))
                        .touchInterval(Duration.ofMillis(100))
                        .build())
                .build();
        try (var subscription = manager.onTimeout(ended::add)) {
            NewSession s = manager.create(ClientInfo.UNKNOWN);
            manager.save(
                    s.session(), SessionUpdate.builder().put("cart", "2 pears").build());
            await().atMost(Duration.ofSeconds(15)).until(() -> !ended.isEmpty());
            assertThat(ended).singleElement().satisfies(e -> {
                assertThat(e.handle()).isEqualTo(s.session().handle());
                assertThat(e.attribute("cart")).contains("2 pears");
            });
            assertThat(manager.resolve(s.id()).isFound()).isFalse();
        }
    }

    @Test
    void aSubscriptionMadeWhileRedisIsDownStartsWhenRedisIsBack() {
        ConcurrentLinkedQueue<SessionHandle> reports = new ConcurrentLinkedQueue<>();
        try (RedisProcess own = TestRedis.localServer("--notify-keyspace-events", "Ex");
                RedisSessionStore s = RedisSessionStore.builder()
                        .location(own.uri())
                        .clock(clock)
                        .commandTimeout(Duration.ofMillis(500))
                        .expiryNotifications()
                        .build()) {
            own.stop();
            try (var subscription = s.onTimeout(r -> reports.add(r.handle()))) {
                own.restart();
                SessionHandle[] written = new SessionHandle[1];
                await("a write once Redis is back")
                        .atMost(Duration.ofSeconds(15))
                        .pollInterval(Duration.ofMillis(100))
                        .ignoreException(dev.lanyard.session.StoreUnavailableException.class)
                        .until(() ->
                                (written[0] = written(s, Duration.ofSeconds(3)).handle()) != null);
                // The store tries to subscribe again every second; the session outlives that.
                await("its timeout is reported")
                        .atMost(Duration.ofSeconds(15))
                        .until(() -> reports.contains(written[0]));
            }
        }
    }

    private SessionRecord writtenFor(RedisSessionStore on, String userId, Duration ttl) {
        Instant now = clock.instant();
        SessionHandle handle = SessionId.generate(RANDOM).handle();
        on.admit(userId, handle, dev.lanyard.session.SessionLimit.refuseBeyond(1), LONG_TTL);
        SessionRecord r = SessionRecord.builder()
                .handle(handle)
                .userId(userId)
                .userVersion(on.userVersion(userId))
                .createdAt(now)
                .lastAccessedAt(now)
                .idleTimeout(ttl)
                .absoluteExpiry(now.plus(LONG_TTL))
                .authenticatedAt(now)
                .build();
        assertThat(on.create(r, ttl)).isTrue();
        return r;
    }

    private Object call(String... args) {
        return redis.call(args);
    }

    @Test
    void turningTheOptionOnKeepsEarlierSessionsAliveAndGivesThemAMarkerAtTheirNextWrite() {
        try (RedisSessionStore plain = RedisSessionStore.builder()
                .location(redis.uri())
                .keyPrefix(prefix)
                .clock(clock)
                .commandTimeout(Duration.ofSeconds(2))
                .build()) {
            SessionRecord before = written(plain, LONG_TTL);
            assertThat(call("EXISTS", DirectRedis.timeoutKey(prefix, before.handle())))
                    .isEqualTo(0L);

            assertThat(store.load(before.handle()))
                    .as("written without the option, read with it")
                    .isPresent();
            assertThat(store.update(
                                    before.handle(),
                                    new SessionDelta(
                                            Map.of("b", new byte[] {1}),
                                            Set.of(),
                                            clock.instant(),
                                            null,
                                            null,
                                            LONG_TTL,
                                            Long.MAX_VALUE))
                            .status())
                    .isEqualTo(UpdateResult.Status.APPLIED);
            assertThat(call("EXISTS", DirectRedis.timeoutKey(prefix, before.handle())))
                    .isEqualTo(1L);
            assertThat(call("HEXISTS", DirectRedis.sessionKey(prefix, before.handle()), RedisSchema.Field.MARKED.name))
                    .isEqualTo(1L);
        }
    }

    @Test
    void aStoreWithoutTheOptionHonoursAndRenewsTheMarkersOfOthers() {
        try (RedisSessionStore plain = RedisSessionStore.builder()
                .location(redis.uri())
                .keyPrefix(prefix)
                .clock(clock)
                .commandTimeout(Duration.ofSeconds(2))
                .build()) {
            SessionRecord kept = written((RedisSessionStore) store, Duration.ofSeconds(20));
            assertThat(plain.update(
                                    kept.handle(),
                                    new SessionDelta(
                                            Map.of(), Set.of(), clock.instant(), null, null, LONG_TTL, Long.MAX_VALUE))
                            .status())
                    .isEqualTo(UpdateResult.Status.APPLIED);
            assertThat((Long) call("PTTL", DirectRedis.timeoutKey(prefix, kept.handle())))
                    .as("the marker follows the new TTL")
                    .isGreaterThan(Duration.ofMinutes(29).toMillis());

            SessionRecord timedOut = written((RedisSessionStore) store, LONG_TTL);
            call("DEL", DirectRedis.timeoutKey(prefix, timedOut.handle()));
            assertThat(plain.load(timedOut.handle())).isEmpty();
            assertThat(plain.delete(timedOut.handle())).isFalse();
        }
    }

    @Test
    void aTimedOutSessionAwaitingItsClaimCountsNowhere() {
        RedisSessionStore redisStore = (RedisSessionStore) store;
        SessionRecord timedOut = writtenFor(redisStore, "limited", LONG_TTL);
        call("DEL", DirectRedis.timeoutKey(prefix, timedOut.handle()));

        assertThat(redisStore.sessionsOf("limited")).isEmpty();
        assertThat(redisStore
                        .admit(
                                "limited",
                                SessionId.generate(RANDOM).handle(),
                                dev.lanyard.session.SessionLimit.refuseBeyond(1),
                                LONG_TTL)
                        .admitted())
                .as("not held against the limit")
                .isTrue();
        assertThat(redisStore.revokeAll("limited", LONG_TTL))
                .as("not revoked: it timed out")
                .isEmpty();
        assertThat(call("EXISTS", DirectRedis.sessionKey(prefix, timedOut.handle())))
                .as("left for its claim")
                .isEqualTo(1L);
    }

    @Test
    void aSessionRevokedThroughItsUsersVersionIsNeverReportedAsTimedOut() {
        ConcurrentLinkedQueue<SessionHandle> reports = new ConcurrentLinkedQueue<>();
        RedisSessionStore redisStore = (RedisSessionStore) store;
        try (var subscription = store.onTimeout(r -> reports.add(r.handle()))) {
            SessionRecord revoked = writtenFor(redisStore, "revoked-user", Duration.ofMillis(700));
            // Only revokeAll's first write: the session itself survives, stamped with the old version.
            try (DirectRedis direct = DirectRedis.connect(redis.uri())) {
                direct.revokeAllFirstWriteOnly(prefix, "revoked-user", clock.millis(), LONG_TTL);
            }
            SessionRecord marker = written(redisStore, Duration.ofMillis(700));

            await().atMost(Duration.ofSeconds(15)).until(() -> reports.contains(marker.handle()));
            await("the claim deleted it")
                    .atMost(Duration.ofSeconds(15))
                    .until(() ->
                            Long.valueOf(0L).equals(call("EXISTS", DirectRedis.sessionKey(prefix, revoked.handle()))));
            assertThat(reports).doesNotContain(revoked.handle());
        }
    }

    @Test
    void aServerThatPublishesNoExpiredEventsIsReportedAtStartUp() {
        try (RedisProcess silent = TestRedis.localServer();
                LogCapture logs = new LogCapture("dev.lanyard");
                RedisSessionStore s = RedisSessionStore.builder()
                        .location(silent.uri())
                        // The check reads CONFIG once, with the command timeout: the default 250 ms may run out
                        // on a loaded machine, and the check would then only say it could not read it.
                        .commandTimeout(Duration.ofSeconds(2))
                        .expiryNotifications()
                        .build()) {
            assertThat(s.reportsTimeouts()).isTrue();
            // At once when the first handshake was answered in time, else on the connection that follows.
            await().atMost(Duration.ofSeconds(20))
                    .pollInterval(Duration.ofMillis(50))
                    .until(() -> logs.text().contains("notify-keyspace-events"));
            assertThat(logs.text()).contains("notify-keyspace-events").contains("Ex");
        }
        try (LogCapture logs = new LogCapture("dev.lanyard");
                RedisSessionStore s = RedisSessionStore.builder()
                        .location(redis.uri())
                        .commandTimeout(Duration.ofSeconds(2))
                        .expiryNotifications()
                        .build()) {
            assertThat(logs.text()).doesNotContain("notify-keyspace-events");
        }
    }

    @Test
    void theOptionComesByUriAndIsRefusedOnClusterAndWithoutItNothingIsReported() {
        try (RedisSessionStore viaUri = RedisSessionStore.open(redis.uri() + "?expiryNotifications=true");
                RedisSessionStore without = RedisSessionStore.open(redis.uri())) {
            assertThat(viaUri.reportsTimeouts()).isTrue();
            assertThat(viaUri.toString()).endsWith(", expiry notifications]");
            assertThat(without.reportsTimeouts()).isFalse();
            assertThatThrownBy(() -> without.onTimeout(r -> {}))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("expiryNotifications()");
        }
        assertThatThrownBy(() -> RedisSessionStore.builder()
                        .cluster("127.0.0.1:" + redis.port())
                        .expiryNotifications()
                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("standalone and Sentinel");
    }
}
