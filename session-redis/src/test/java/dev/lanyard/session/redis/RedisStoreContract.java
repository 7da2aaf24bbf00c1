package dev.lanyard.session.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.lanyard.session.ClientInfo;
import dev.lanyard.session.NewSession;
import dev.lanyard.session.SessionHandle;
import dev.lanyard.session.SessionManager;
import dev.lanyard.session.SessionPolicy;
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
 * scan finds no key the suite wrote without a TTL. Also the half states a crash leaves around the
 * user's version, set up directly in Redis. Subclasses start the Redis (standalone, Cluster) and
 * say which store runs on it.
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

    private String indexKey(String userId) {
        return DirectRedis.indexKey(support().currentPrefix(), userId);
    }

    private String userVersionKey(String userId) {
        return DirectRedis.userVersionKey(support().currentPrefix(), userId);
    }

    @Test
    void revokeAllDecidesWithItsFirstWriteEvenWhenTheDeletionsAreLost() {
        SessionManager manager = manager();
        NewSession phone = manager.login(null, "crash-user", ClientInfo.UNKNOWN);
        NewSession laptop = manager.login(null, "crash-user", ClientInfo.UNKNOWN);
        NewSession other = manager.login(null, "other-user", ClientInfo.UNKNOWN);
        assertThat(manager.resolve(phone.id()).isFound()).isTrue();
        assertThat(manager.resolve(laptop.id()).isFound()).isTrue();

        // revokeAll's one write, and nothing after it: the node crashed before deleting the sessions.
        support().direct.revokeAllFirstWriteOnly(support().currentPrefix(), "crash-user", clock.millis(), TTL);
        assertThat(backendHolds(phone.session().handle()))
                .as("the session was not deleted")
                .isTrue();

        // A near cache learns of the version asynchronously; a plain store answers at once.
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            assertThat(manager.resolve(phone.id()).isFound()).isFalse();
            assertThat(manager.resolve(laptop.id()).isFound()).isFalse();
        });
        assertThat(store.load(phone.session().handle())).isEmpty();
        assertThat(manager.sessionsOf("crash-user")).isEmpty();
        assertThat(manager.changeId(laptop.session()))
                .as("no rotation brings one back")
                .isEmpty();
        assertThat(manager.resolve(other.id()).isFound()).isTrue();
        NewSession fresh = manager.login(null, "crash-user", ClientInfo.UNKNOWN);
        assertThat(manager.resolve(fresh.id()).isFound()).isTrue();
    }

    @Test
    void revokeAllEndsASessionWhoseIndexEntryACrashLost() {
        SessionManager manager = manager();
        NewSession s = manager.login(null, "lost-index", ClientInfo.UNKNOWN);
        // The index step of the login, lost: the session exists but the index does not list it.
        support()
                .direct
                .sync()
                .zrem(indexKey("lost-index"), s.session().handle().value());

        assertThat(manager.revokeAll("lost-index"))
                .as("nothing the index knew of")
                .isZero();

        assertThat(backendHolds(s.session().handle())).isTrue();
        assertThat(manager.resolve(s.id()).isFound()).isFalse();
        assertThat(store.load(s.session().handle())).isEmpty();
    }

    @Test
    void theUsersVersionLivesAsLongAsTheSessionsItEnded() {
        SessionManager manager = manager();
        NewSession s = manager.login(null, "long-lived", ClientInfo.UNKNOWN);
        // The index entry lost (here with the whole index): only the session lifetime bounds the version's life.
        support().direct.sync().del(indexKey("long-lived"));

        manager.revokeAll("long-lived");

        assertThat(support().direct.ttl(userVersionKey("long-lived")))
                .hasValueSatisfying(
                        ttl -> assertThat(ttl).isGreaterThan(SessionPolicy.DEFAULT_ABSOLUTE_TIMEOUT.minusMinutes(1)));
        assertThat(manager.resolve(s.id()).isFound()).isFalse();
        assertThat(support()
                        .direct
                        .sync()
                        .hget(support().sessionKey(s.session().handle()), RedisSchema.Field.USER_VERSION.name))
                .as("a session bound before any revocation carries no stamp field")
                .isNull();
        NewSession next = manager.login(null, "long-lived", ClientInfo.UNKNOWN);
        assertThat(support()
                        .direct
                        .sync()
                        .hget(support().sessionKey(next.session().handle()), RedisSchema.Field.USER_VERSION.name))
                .isEqualTo("1");
    }

    @Test
    void aUsersKeysShareOneFixedLengthHashTagThatNoUserIdCanShape() {
        SessionManager manager = manager();
        String kilobyte =
                "\u20ac".repeat(85) + "a"; // the manager takes 256 characters at most; the store contract takes 1 KB
        for (String user : java.util.List.of("}x", "{a}", "a}b", "{}", "a", kilobyte)) {
            NewSession s = manager.login(null, user, ClientInfo.UNKNOWN);
            manager.revokeAll(user);
            java.util.List<String> keys = support().direct.keys(support().currentPrefix()).stream()
                    .filter(k -> k.startsWith(support().currentPrefix() + "u:")
                            || k.startsWith(support().currentPrefix() + "uv:"))
                    .filter(k -> k.endsWith(user) || k.endsWith(user + "}"))
                    .toList();
            assertThat(keys).as(user).isNotEmpty();
            for (String key : keys) {
                int open = key.indexOf('{');
                int close = key.indexOf('}', open + 1);
                assertThat(close - open - 1).as("the hash tag of " + key).isEqualTo(40);
                assertThat(key.substring(open + 1, close)).as(key).matches("[0-9a-f]{40}");
            }
            assertThat(manager.resolve(s.id()).isFound()).isFalse();
        }
    }

    @Test
    void underTheDefaultLimitALoginCostsTheSameHoweverManyCameBefore() {
        int limit = SessionPolicy.DEFAULT_SESSION_LIMIT.maxSessions();
        long[] bounded = loginCosts(manager(), "bounded-user", 3 * limit);
        long[] unbounded = loginCosts(
                manager(SessionPolicy.builder()
                        .sessionLimit(dev.lanyard.session.SessionLimit.unlimited())
                        .build()),
                "unbounded-user",
                3 * limit);

        // Redis commands per login (scripts' own commands included), at N = limit + 1 and N = 3 * limit.
        String figures = "default limit: " + bounded[limit] + " -> " + bounded[3 * limit - 1] + "; unlimited: "
                + unbounded[limit] + " -> " + unbounded[3 * limit - 1];
        System.out.println("login cost (Redis commands per login, N = limit+1 -> 3*limit): " + figures);
        // Unlimited, each login reads every session the user ever had: the cost grows by more than one
        // command per earlier login. Under the default limit it stays put, give or take a few commands
        // of other traffic counted in the same window (a near cache's heartbeat and tracking).
        assertThat(unbounded[3 * limit - 1] - unbounded[limit])
                .as("positive control, " + figures)
                .isGreaterThan(limit);
        assertThat(bounded[3 * limit - 1] - bounded[limit]).as(figures).isLessThanOrEqualTo(limit / 2);
        assertThat(support().direct.sync().zcard(indexKey("bounded-user"))).isLessThanOrEqualTo(limit + 1L);
    }

    /**
     * Commands no login sends, which other traffic in the same window does: the test's own reset,
     * connection set-up and heartbeats, a near cache's tracking, and the Cluster client's periodic
     * topology refresh ({@code CLUSTER NODES} and {@code INFO} on every node, every 30 s), which alone
     * is more than the tolerance when it lands in a measured login.
     */
    private static final java.util.List<String> HOUSEKEEPING =
            java.util.List.of("config", "ping", "client", "hello", "cluster", "info");

    /** Logs one user in {@code n} times, 31 s apart (past the reservation grace), counting Redis commands per login. */
    private long[] loginCosts(SessionManager manager, String user, int n) {
        long[] costs = new long[n];
        for (int i = 0; i < n; i++) {
            clock.advance(Duration.ofSeconds(31));
            support().direct.resetStats();
            manager.login(null, user, ClientInfo.UNKNOWN);
            costs[i] = support().direct.commandCalls().entrySet().stream()
                    .filter(e -> HOUSEKEEPING.stream().noneMatch(e.getKey()::startsWith))
                    .mapToLong(java.util.Map.Entry::getValue)
                    .sum();
        }
        return costs;
    }

    @Test
    @Order(Integer.MAX_VALUE)
    void noKeyWrittenBySuiteLacksATtl() {
        assertThat(support().direct.keys(support().prefix))
                .as("keys the suite left")
                .isNotEmpty();
        assertThat(support().direct.keysWithoutTtl(support().prefix)).isEmpty();
    }
}
