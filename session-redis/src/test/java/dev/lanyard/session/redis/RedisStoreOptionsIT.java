package dev.lanyard.session.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import dev.lanyard.session.ClientInfo;
import dev.lanyard.session.NewSession;
import dev.lanyard.session.SessionManager;
import dev.lanyard.session.SessionStores;
import dev.lanyard.session.StoreUnavailableException;
import dev.lanyard.session.redis.testing.RedisProcess;
import dev.lanyard.session.redis.testing.TestRedis;
import dev.lanyard.session.spi.SessionStore;
import dev.lanyard.session.tck.net.FaultProxy;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Configuration by URI and builder against real servers: auth, ACL, client name, prefix, start-up checks. */
class RedisStoreOptionsIT {

    private static String chain(Throwable t) {
        StringBuilder text = new StringBuilder();
        for (Throwable c = t; c != null; c = c.getCause()) {
            text.append(c).append('\n');
        }
        return text.toString();
    }

    @Test
    void theServiceLoaderOpensARedisStoreByScheme() {
        try (RedisProcess redis = TestRedis.localServer();
                SessionStore store = SessionStores.open(redis.uri() + "?keyPrefix=loader:")) {
            assertThat(store).isInstanceOf(RedisSessionStore.class);
            assertThat(((RedisSessionStore) store).keyPrefix()).isEqualTo("loader:");
            NewSession s =
                    SessionManager.builder(store).logEvents(false).build().create(ClientInfo.UNKNOWN);
            assertThat(call(redis, "EXISTS", "loader:s:{" + s.session().handle().value() + "}"))
                    .isEqualTo(1L);
        }
    }

    private static Object call(RedisProcess redis, String... args) {
        return redis.call(args);
    }

    @Test
    void aPasswordInTheUriAuthenticatesAndNeverShows() {
        String password = "pw-in-uri-7f3a91";
        try (RedisProcess redis = TestRedis.localServer("--requirepass", password);
                LogCapture logs = new LogCapture("dev.lanyard");
                RedisSessionStore store =
                        RedisSessionStore.open("redis://:" + password + "@127.0.0.1:" + redis.port())) {
            SessionManager manager = SessionManager.builder(store).build();
            NewSession s = manager.create(ClientInfo.UNKNOWN);
            assertThat(manager.resolve(s.id()).isFound()).isTrue();
            assertThat(store.toString())
                    .doesNotContain(password)
                    .isEqualTo("RedisSessionStore[STANDALONE 127.0.0.1:" + redis.port()
                            + ", prefix=lanyard:, timeout=250ms]");
            assertThat(logs.text()).doesNotContain(password);
        }
    }

    @Test
    void aWrongPasswordFailsTypedWithoutRevealingIt() {
        String wrong = "wrong-pw-c0ffee42";
        try (RedisProcess redis = TestRedis.localServer("--requirepass", "right-pw");
                LogCapture logs = new LogCapture("dev.lanyard", "io.lettuce")) {
            // The refusal reaches the caller only if the first handshake is answered within its timeout,
            // which follows the command timeout: on a loaded machine a handshake that timed out would start
            // the store as unreachable instead (as it should, for a timeout). Hence ten seconds.
            Throwable failure = catchThrowable(
                    () -> RedisSessionStore.open("redis://:" + wrong + "@127.0.0.1:" + redis.port() + "?timeout=10s"));
            assertThat(failure).isInstanceOf(StoreUnavailableException.class);
            assertThat(chain(failure)).doesNotContain(wrong);
            Throwable viaBuilder = catchThrowable(() -> RedisSessionStore.builder()
                    .standalone("127.0.0.1", redis.port())
                    .password(wrong.toCharArray())
                    .commandTimeout(Duration.ofSeconds(10))
                    .build());
            assertThat(viaBuilder).isInstanceOf(StoreUnavailableException.class);
            assertThat(chain(viaBuilder)).doesNotContain(wrong);
            assertThat(logs.text()).doesNotContain(wrong);
        }
    }

    @Test
    void anAclUserWithTheDocumentedRightsWorksAndTheEvictionCheckIsSkippedWithANote() {
        String password = "acl-pw-5e5e5e";
        try (RedisProcess redis = TestRedis.localServer(
                        "--user",
                        "app",
                        "on",
                        ">" + password,
                        "~lanyard:*",
                        "+@read",
                        "+@write",
                        "+@scripting",
                        "+@connection");
                LogCapture logs = new LogCapture("dev.lanyard");
                RedisSessionStore store = RedisSessionStore.builder()
                        .standalone("127.0.0.1", redis.port())
                        .credentials("app", password.toCharArray())
                        .clientName("lanyard-acl")
                        .build()) {
            SessionManager manager = SessionManager.builder(store)
                    .logEvents(false)
                    .policy(dev.lanyard.session.SessionPolicy.builder()
                            .sessionLimit(dev.lanyard.session.SessionLimit.evictBeyond(1))
                            .build())
                    .build();
            NewSession anonymous = manager.create(ClientInfo.UNKNOWN);
            NewSession first = manager.login(anonymous.session(), "alice", ClientInfo.UNKNOWN);
            NewSession second = manager.login(null, "alice", ClientInfo.UNKNOWN);
            assertThat(manager.resolve(first.id()).isFound()).isFalse();
            assertThat(manager.resolve(second.id()).isFound()).isTrue();
            assertThat(manager.privilegeChanged(second.session())).isPresent();
            assertThat(store.putIfAbsent("rt:x", new byte[] {1}, java.time.Duration.ofMinutes(1)))
                    .isTrue();
            assertThat(manager.revokeAll("alice")).isEqualTo(1);
            // Logged on the first connection, which a loaded machine may have made after the build returned.
            await().atMost(Duration.ofSeconds(20))
                    .pollInterval(Duration.ofMillis(50))
                    .until(() -> logs.text().contains("could not read Redis's maxmemory-policy (NOPERM)"));
            assertThat(logs.text()).doesNotContain(password);
        }
    }

    @Test
    void aNearCacheWhoseUserMayNotTurnOnTrackingStaysOffAndSaysSoOnceAtWarn() {
        String password = "acl-pw-7a7a7a";
        try (RedisProcess redis = TestRedis.localServer(
                        "--user", "app", "on", ">" + password, "~*", "&*", "+@all", "-client|tracking");
                LogCapture logs = new LogCapture("dev.lanyard");
                NearCachedRedisStore store = NearCachedRedisStore.wrap(
                        RedisSessionStore.builder()
                                .standalone("127.0.0.1", redis.port())
                                .credentials("app", password.toCharArray())
                                // About the warning, not speed: a loaded machine may take longer than 250 ms.
                                .commandTimeout(Duration.ofSeconds(2))
                                .build(),
                        NearCacheOptions.builder()
                                .heartbeatInterval(Duration.ofMillis(100))
                                .build())) {
            SessionManager manager =
                    SessionManager.builder(store).logEvents(false).build();
            NewSession created = manager.create(ClientInfo.UNKNOWN);
            // Several heartbeats try to turn tracking on again; each is refused, and one warning says why.
            await().atMost(Duration.ofSeconds(10))
                    .pollInterval(Duration.ofMillis(50))
                    .until(() -> logs.events().stream()
                                    .filter(e -> e.getFormattedMessage().contains("refused a command the near cache"))
                                    .count()
                            == 1);
            for (int i = 0; i < 5; i++) {
                assertThat(manager.resolve(created.id()).isFound()).isTrue();
            }
            assertThat(store.isActive()).isFalse();
            assertThat(store.stats().hits()).isZero();
            assertThat(logs.events())
                    .filteredOn(e -> e.getFormattedMessage().contains("refused a command the near cache"))
                    .singleElement()
                    .satisfies(e -> {
                        assertThat(e.getLevel()).isEqualTo(Level.WARN);
                        assertThat(e.getFormattedMessage())
                                .contains("NOPERM", "+client|tracking")
                                .doesNotContain(password)
                                .doesNotContain(created.id().toString());
                    });
        }
    }

    @Test
    void aPolicyThatEvictsLiveSessionsIsWarnedAtStartUp() {
        try (RedisProcess redis = TestRedis.localServer("--maxmemory-policy", "allkeys-lru");
                LogCapture logs = new LogCapture();
                RedisSessionStore store = RedisSessionStore.open(redis.uri())) {
            // The checks run on the first connection: at once when the first handshake is answered within
            // its timeout, else on the connection that follows (a loaded machine).
            await().atMost(Duration.ofSeconds(20))
                    .pollInterval(Duration.ofMillis(50))
                    .untilAsserted(() -> assertThat(logs.events()).anySatisfy(e -> {
                        assertThat(e.getLevel()).isEqualTo(Level.WARN);
                        assertThat(e.getFormattedMessage()).contains("maxmemory-policy allkeys-lru");
                    }));
            assertThat(store.topology()).isEqualTo(RedisSessionStore.Topology.STANDALONE);
        }
    }

    @Test
    void noevictionRaisesNoWarning() {
        try (RedisProcess redis = TestRedis.localServer("--maxmemory-policy", "noeviction");
                LogCapture logs = new LogCapture();
                RedisSessionStore store = RedisSessionStore.open(redis.uri())) {
            assertThat(logs.events()).noneMatch(e -> e.getFormattedMessage().contains("maxmemory-policy"));
            assertThat(store.keyPrefix()).isEqualTo(RedisSessionStore.DEFAULT_KEY_PREFIX);
        }
    }

    @Test
    void theClientNameIsSetOnTheConnection() {
        try (RedisProcess redis = TestRedis.localServer();
                RedisSessionStore store = RedisSessionStore.open(redis.uri() + "?clientName=lanyard-node-a")) {
            // Connected at once, unless a loaded machine let the first handshake time out: then a retry connects.
            await().atMost(Duration.ofSeconds(20))
                    .pollInterval(Duration.ofMillis(50))
                    .until(() -> String.valueOf(redis.call("CLIENT", "LIST")).contains("name=lanyard-node-a"));
            assertThat(store.commandTimeout()).isEqualTo(RedisSessionStore.DEFAULT_COMMAND_TIMEOUT);
        }
    }

    @Test
    void aTimeoutInTheUriIsUsed() {
        try (RedisProcess redis = TestRedis.localServer();
                RedisSessionStore store = RedisSessionStore.open(redis.uri() + "?timeout=400ms")) {
            assertThat(store.commandTimeout()).hasMillis(400);
        }
    }

    @Test
    void theLivenessOptionsInTheUriAreUsed() {
        try (RedisProcess redis = TestRedis.localServer();
                SessionStore store =
                        SessionStores.open(redis.uri() + "?tcpUserTimeout=5000&reconnectAfterTimeouts=4")) {
            ConnectionLiveness used =
                    ((RedisSessionStore) store).operations().connection().liveness();
            assertThat(used.tcpUserTimeout())
                    .isEqualTo(ConnectionLiveness.nativeTransport() ? Duration.ofSeconds(5) : null);
            assertThat(used.timeoutsBeforeReconnect()).isEqualTo(4);
        }
    }

    @Test
    void withReconnectAfterTimeoutsOneASilentConnectionIsReplacedAfterOneTimeout() {
        try (RedisProcess redis = TestRedis.localServer();
                FaultProxy proxy = FaultProxy.start("127.0.0.1", redis.port());
                SessionStore store = SessionStores.open(
                        proxy.uri() + "?timeout=300ms&clientName=liveness-a&reconnectAfterTimeouts=1")) {
            SessionManager manager =
                    SessionManager.builder(store).logEvents(false).build();
            NewSession s = FaultSetUp.created(manager);
            String silenced = client(redis, "liveness-a");
            // The proxy's kernel keeps acknowledging: only the store's own count can notice the silence.
            assertThat(proxy.silence(port(silenced))).isTrue();

            assertThatThrownBy(() -> manager.resolve(s.id())).isInstanceOf(StoreUnavailableException.class);
            // One timeout, no further call: the store opens its new connection by itself.
            await("a new connection after one timeout")
                    .atMost(Duration.ofSeconds(5))
                    .pollInterval(Duration.ofMillis(20))
                    .until(() -> id(client(redis, "liveness-a")) > id(silenced));
            await().atMost(Duration.ofSeconds(5))
                    .pollInterval(Duration.ofMillis(20))
                    .ignoreException(StoreUnavailableException.class)
                    .until(() -> manager.resolve(s.id()).isFound());
        }
    }

    /** The newest {@code CLIENT LIST} line of the connection named {@code name}. */
    private static String client(RedisProcess redis, String name) {
        String newest = null;
        for (String line : String.valueOf(redis.call("CLIENT", "LIST")).split("\n")) {
            if (line.contains(" name=" + name + " ") && (newest == null || id(line) > id(newest))) {
                newest = line;
            }
        }
        if (newest == null) {
            throw new AssertionError("no client named " + name + " in CLIENT LIST");
        }
        return newest;
    }

    private static long id(String clientLine) {
        return Long.parseLong(field(clientLine, "id"));
    }

    /** The local port of the proxy's socket to Redis, as Redis sees the client. */
    private static int port(String clientLine) {
        String addr = field(clientLine, "addr");
        return Integer.parseInt(addr.substring(addr.lastIndexOf(':') + 1));
    }

    private static String field(String clientLine, String name) {
        for (String field : clientLine.trim().split(" ")) {
            if (field.startsWith(name + "=")) {
                return field.substring(name.length() + 1);
            }
        }
        throw new AssertionError("no " + name + " in " + clientLine);
    }
}
