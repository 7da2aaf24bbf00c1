package dev.lanyard.session.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lanyard.session.ClientInfo;
import dev.lanyard.session.NewSession;
import dev.lanyard.session.SessionManager;
import dev.lanyard.session.redis.testing.RedisProcess;
import dev.lanyard.session.redis.testing.TestRedis;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A node reads a session whose user it knows without the load script ({@link KnownUsers}): these
 * tests change the session behind the node's back so that what the node knows is wrong or not
 * enough, and check that it still answers as the script would (revoked and timed-out sessions are
 * absent), on a private Redis.
 */
class RedisKnownUserReadIT {

    private static RedisProcess redis;
    private static DirectRedis direct;
    private static CommandMonitor monitor;

    @BeforeAll
    static void start() {
        redis = TestRedis.localServer();
        direct = DirectRedis.connect(redis.uri());
        monitor = CommandMonitor.start(redis.port());
    }

    @AfterAll
    static void stop() {
        if (monitor != null) {
            monitor.close();
        }
        if (direct != null) {
            direct.close();
        }
        if (redis != null) {
            redis.close();
        }
    }

    private static RedisSessionStore store(boolean expiryNotifications) {
        RedisSessionStore.Builder builder =
                RedisSessionStore.builder().location(redis.uri()).commandTimeout(Duration.ofSeconds(2));
        return expiryNotifications ? builder.expiryNotifications().build() : builder.build();
    }

    private static SessionManager manager(RedisSessionStore store, String node) {
        return SessionManager.builder(store).logEvents(false).nodeId(node).build();
    }

    @Test
    void aSessionGivenAUserBehindTheNodesBackIsCheckedAgainstThatUsersVersion() {
        try (RedisSessionStore store = store(false)) {
            SessionManager node = manager(store, "node-a");
            NewSession s = node.create(ClientInfo.UNKNOWN);
            assertThat(node.resolve(s.id()).isFound()).isTrue(); // the node now reads it as anonymous
            String key = DirectRedis.sessionKey(store.keyPrefix(), s.session().handle());
            direct.sync().hset(key, RedisSchema.Field.USER.name, "mallory");
            direct.sync().hset(key, RedisSchema.Field.USER_VERSION.name, "1");
            direct.sync().set(DirectRedis.userVersionKey(store.keyPrefix(), "mallory"), "2");

            assertThat(node.resolve(s.id()).isFound())
                    .as("the hash names a user whose version revoked it")
                    .isFalse();
        }
    }

    @Test
    void aRevocationOnAnotherNodeIsSeenByANodeThatKnowsTheUser() {
        try (RedisSessionStore storeA = store(false);
                RedisSessionStore storeB = store(false)) {
            SessionManager a = manager(storeA, "node-a");
            NewSession s = a.login(null, "revoked-elsewhere", ClientInfo.UNKNOWN);
            assertThat(monitor.roundTrips(
                            () -> assertThat(a.resolve(s.id()).isFound()).isTrue()))
                    .containsExactly("hgetall", "get");

            manager(storeB, "node-b").revokeAll("revoked-elsewhere");

            assertThat(a.resolve(s.id()).isFound()).isFalse();
        }
    }

    @Test
    void aMarkedSessionReadByANodeThatDoesNotReportTimeoutsEndsWithItsMarker() {
        try (RedisSessionStore reporting = store(true);
                RedisSessionStore plain = store(false)) {
            NewSession s = manager(reporting, "node-a").login(null, "marked-user", ClientInfo.UNKNOWN);
            SessionManager b = manager(plain, "node-b");
            assertThat(b.resolve(s.id()).isFound()).isTrue();
            assertThat(b.resolve(s.id()).isFound()).isTrue(); // known now, and found marked: the script again

            direct.sync()
                    .del(DirectRedis.timeoutKey(plain.keyPrefix(), s.session().handle()));

            assertThat(b.resolve(s.id()).isFound())
                    .as("the marker is gone: the session timed out")
                    .isFalse();
        }
    }

    @Test
    void aNodeThatReportsTimeoutsAsksForTheMarkerWithTheHash() {
        try (RedisSessionStore reporting = store(true)) {
            SessionManager node = manager(reporting, "node-a");
            NewSession s = node.login(null, "marker-reader", ClientInfo.UNKNOWN);
            assertThat(monitor.roundTrips(
                            () -> assertThat(node.resolve(s.id()).isFound()).isTrue()))
                    .containsExactly("hgetall", "exists", "get");

            direct.sync()
                    .del(DirectRedis.timeoutKey(
                            reporting.keyPrefix(), s.session().handle()));

            assertThat(node.resolve(s.id()).isFound()).isFalse();
        }
    }
}
