package dev.lanyard.session.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lanyard.session.ClientInfo;
import dev.lanyard.session.NewSession;
import dev.lanyard.session.Session;
import dev.lanyard.session.SessionManager;
import dev.lanyard.session.SessionUpdate;
import dev.lanyard.session.redis.testing.RedisProcess;
import dev.lanyard.session.redis.testing.TestRedis;
import dev.lanyard.session.tck.net.FaultProxy;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts the commands Redis executes per operation with {@code INFO commandstats} on a private
 * server ({@code CONFIG RESETSTAT} before each measurement) and the round trips with
 * {@code MONITOR}: a resolve is one round trip (a script that only reads for a session this node
 * has not seen, else the hash and the user's version sent together), and a read-only
 * request within the touch interval writes nothing. Also records, without asserting
 * them, the figures for the documentation (commands per request, bytes per session) in
 * {@code target/redis-figures.txt}.
 */
class RedisRoundTripIT {

    private static final Logger LOG = LoggerFactory.getLogger(RedisRoundTripIT.class);

    private static RedisProcess redis;
    private static RedisSessionStore store;
    private static DirectRedis direct;
    private static SessionManager manager;
    private static CommandMonitor monitor;
    private static final Map<String, String> FIGURES = new LinkedHashMap<>();

    @BeforeAll
    static void start() {
        redis = TestRedis.localServer();
        // This class counts commands, not time: a loaded machine (MONITOR on, scripts compiled on their first
        // EVAL) may take longer than the default 250 ms to answer, which says nothing about round trips.
        store = RedisSessionStore.builder()
                .location(redis.uri())
                .commandTimeout(Duration.ofSeconds(2))
                .build();
        direct = DirectRedis.connect(redis.uri());
        manager =
                SessionManager.builder(store).logEvents(false).nodeId("node-a").build();
        monitor = CommandMonitor.start(redis.port());
    }

    @AfterAll
    static void stop() throws IOException {
        StringBuilder text = new StringBuilder();
        FIGURES.forEach((k, v) -> text.append(k).append(": ").append(v).append('\n'));
        Files.createDirectories(Path.of("target"));
        Files.writeString(Path.of("target", "redis-figures.txt"), text.toString(), StandardCharsets.UTF_8);
        LOG.info("Redis figures:\n{}", text);
        if (monitor != null) {
            monitor.close();
        }
        if (direct != null) {
            direct.close();
        }
        if (store != null) {
            store.close();
        }
        if (redis != null) {
            redis.close();
        }
    }

    @BeforeEach
    void warmScripts() {
        // Load every script once, so that counts show EVALSHA and not a first NOSCRIPT + EVAL.
        NewSession s = manager.create(ClientInfo.UNKNOWN);
        manager.resolve(s.id());
        Session saved = manager.save(
                        s.session(), SessionUpdate.builder().put("a", 1).build())
                .orElseThrow();
        NewSession in = manager.login(saved, "warm", ClientInfo.UNKNOWN);
        manager.privilegeChanged(in.session());
        NewSession again = manager.login(null, "warm", ClientInfo.UNKNOWN);
        manager.logout(again.session());
        manager.revokeAll("warm");
        store.putIfAbsent("warm", new byte[] {1}, java.time.Duration.ofSeconds(5));
        store.compareAndSet("warm", new byte[] {1}, new byte[] {2}, java.time.Duration.ofSeconds(5));
        manager.sessionsOf("warm");
        // A session this node has not seen is read by the load script.
        try (RedisSessionStore otherNode = RedisSessionStore.builder()
                .location(redis.uri())
                .commandTimeout(Duration.ofSeconds(2))
                .build()) {
            manager.resolve(SessionManager.builder(otherNode)
                    .logEvents(false)
                    .build()
                    .create(ClientInfo.UNKNOWN)
                    .id());
        }
    }

    private static Map<String, Long> measure(Runnable operation) {
        direct.resetStats();
        operation.run();
        Map<String, Long> calls = new TreeMap<>(direct.commandCalls());
        calls.remove("config|resetstat");
        calls.remove("info");
        return calls;
    }

    private static long total(Map<String, Long> calls) {
        return calls.values().stream().mapToLong(Long::longValue).sum();
    }

    /** Records round trips (MONITOR) and what Redis executed (commandstats, script internals included). */
    private static void figure(String name, Runnable operation) {
        java.util.List<String> trips = monitor.roundTrips(operation);
        FIGURES.put("round trips/" + name, trips.size() + " " + trips);
    }

    private static void executed(String name, Map<String, Long> calls) {
        FIGURES.put("commandstats/" + name, total(calls) + " " + calls);
    }

    @Test
    void resolvingASessionIsOneRoundTripThatOnlyReads() {
        NewSession s = manager.create(ClientInfo.UNKNOWN);
        // This node wrote the session, so it knows the session has no user: a bare HGETALL, no script.
        assertThat(monitor.roundTrips(
                        () -> assertThat(manager.resolve(s.id()).isFound()).isTrue()))
                .containsExactly("hgetall");
        Map<String, Long> calls =
                measure(() -> assertThat(manager.resolve(s.id()).isFound()).isTrue());
        assertThat(calls).containsOnly(Map.entry("hgetall", 1L));
    }

    @Test
    void resolvingALoggedInSessionChecksTheUsersVersionInTheSameRoundTrip() {
        NewSession s = manager.login(null, "round-trip-user", ClientInfo.UNKNOWN);
        assertThat(monitor.roundTrips(
                        () -> assertThat(manager.resolve(s.id()).isFound()).isTrue()))
                .containsExactly("hgetall", "get");
        Map<String, Long> calls =
                measure(() -> assertThat(manager.resolve(s.id()).isFound()).isTrue());
        assertThat(calls).containsOnly(Map.entry("hgetall", 1L), Map.entry("get", 1L));
    }

    @Test
    void aSessionThisNodeHasNotSeenIsReadByTheScriptOnceThenWithoutIt() {
        try (RedisSessionStore otherNode = RedisSessionStore.builder()
                .location(redis.uri())
                .commandTimeout(Duration.ofSeconds(2))
                .build()) {
            NewSession s = SessionManager.builder(otherNode)
                    .logEvents(false)
                    .nodeId("node-b")
                    .build()
                    .login(null, "seen-elsewhere", ClientInfo.UNKNOWN);
            assertThat(monitor.roundTrips(
                            () -> assertThat(manager.resolve(s.id()).isFound()).isTrue()))
                    .as("first read on this node: the script finds the user")
                    .containsExactly("evalsha");
            assertThat(monitor.roundTrips(
                            () -> assertThat(manager.resolve(s.id()).isFound()).isTrue()))
                    .as("later reads: the hash and the user's version, no script")
                    .containsExactly("hgetall", "get");
        }
    }

    @Test
    void theHashAndTheUsersVersionAreSentTogetherNotOneAfterTheOthersAnswer() {
        // Replies held 300 ms by a proxy: commands sent one after the other's answer would reach
        // Redis 300 ms apart; sent together, they run back to back.
        Duration held = Duration.ofMillis(300);
        try (FaultProxy proxy = FaultProxy.start("127.0.0.1", redis.port());
                RedisSessionStore delayed = RedisSessionStore.builder()
                        .location(proxy.uri())
                        .commandTimeout(Duration.ofSeconds(5))
                        .build()) {
            SessionManager node = SessionManager.builder(delayed)
                    .logEvents(false)
                    .nodeId("node-c")
                    .build();
            NewSession s = node.login(null, "pipelined-user", ClientInfo.UNKNOWN);
            proxy.delayReplies(held);
            long[] took = new long[1];
            List<CommandMonitor.Sent> sent = monitor.sent(() -> {
                long start = System.nanoTime();
                assertThat(node.resolve(s.id()).isFound()).isTrue();
                took[0] = System.nanoTime() - start;
            });
            assertThat(sent).extracting(CommandMonitor.Sent::command).containsExactly("hgetall", "get");
            assertThat(Duration.ofNanos(took[0])).as("the replies were held").isGreaterThanOrEqualTo(held);
            assertThat(sent.get(1).seconds() - sent.get(0).seconds())
                    .as("seconds between the two commands at Redis")
                    .isLessThan(held.toMillis() / 2000.0);
        }
    }

    @Test
    void aReadOnlyRequestWithinTheTouchIntervalWritesNothing() {
        NewSession s = manager.create(ClientInfo.UNKNOWN);
        Map<String, Long> calls = measure(() -> {
            Session resolved = manager.resolve(s.id()).session().orElseThrow();
            manager.save(resolved, SessionUpdate.none());
        });
        assertThat(calls).containsOnly(Map.entry("hgetall", 1L));
    }

    @Test
    void anAttributeWriteIsOneScriptCall() {
        NewSession s = manager.create(ClientInfo.UNKNOWN);
        Session resolved = manager.resolve(s.id()).session().orElseThrow();
        Map<String, Long> calls = measure(() -> assertThat(monitor.roundTrips(() -> manager.save(
                        resolved, SessionUpdate.builder().put("cart", "1").build())))
                .containsExactly("evalsha"));
        assertThat(calls).containsEntry("evalsha", 1L).doesNotContainKeys("eval", "hgetall");
    }

    @Test
    void recordsCommandsPerRequest() {
        NewSession first = manager.create(ClientInfo.UNKNOWN);
        executed("resolve", measure(() -> manager.resolve(first.id())));
        figure("first request (create)", () -> manager.create(ClientInfo.UNKNOWN));
        NewSession s = manager.create(ClientInfo.UNKNOWN);
        figure("resolve", () -> manager.resolve(s.id()));
        executed("resolve + one attribute write (script internals included)", measure(() -> {
            Session r = manager.resolve(s.id()).session().orElseThrow();
            manager.save(r, SessionUpdate.builder().put("cart", "2 pears").build());
        }));
        figure("resolve + one attribute write", () -> {
            Session r = manager.resolve(s.id()).session().orElseThrow();
            manager.save(r, SessionUpdate.builder().put("cart", "3 pears").build());
        });
        NewSession[] loggedIn = new NewSession[1];
        Session current = manager.resolve(s.id()).session().orElseThrow();
        figure(
                "login (anonymous session, first of the user)",
                () -> loggedIn[0] = manager.login(current, "figures", ClientInfo.UNKNOWN));
        Session otherCurrent = manager.resolve(
                        manager.create(ClientInfo.UNKNOWN).id())
                .session()
                .orElseThrow();
        figure("login (second session of the user)", () -> manager.login(otherCurrent, "figures", ClientInfo.UNKNOWN));
        figure(
                "privilege change (rotation of an authenticated session)",
                () -> loggedIn[0] =
                        manager.privilegeChanged(loggedIn[0].session()).orElseThrow());
        figure("logout of an authenticated session", () -> manager.logout(loggedIn[0].session()));
        NewSession anonymous = manager.create(ClientInfo.UNKNOWN);
        figure("logout of an anonymous session", () -> manager.logout(anonymous.session()));
        assertThat(FIGURES).containsKey("round trips/resolve");
    }

    @Test
    void recordsBytesPerSession() {
        SessionManager node =
                SessionManager.builder(store).logEvents(false).nodeId("node-a").build();
        NewSession anonymous = node.create(
                ClientInfo.of("Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0", "203.0.113.9"));
        NewSession s = node.login(
                anonymous.session(),
                "alice@example.com",
                ClientInfo.of("Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0", "203.0.113.9"));
        node.save(
                s.session(),
                SessionUpdate.builder()
                        .put("cart", "3 apples")
                        .put("theme", "dark")
                        .put("visits", 3)
                        .build());
        String sessionKey =
                DirectRedis.sessionKey(store.keyPrefix(), s.session().handle());
        String indexKey = DirectRedis.indexKey(store.keyPrefix(), "alice@example.com");
        long sessionBytes = direct.sync().memoryUsage(sessionKey);
        long indexBytes = direct.sync().memoryUsage(indexKey);
        String encoding = direct.sync().objectEncoding(sessionKey);
        Map<String, String> fields = direct.sync().hgetall(sessionKey);
        int longestValue = fields.values().stream()
                .mapToInt(v -> v.getBytes(StandardCharsets.UTF_8).length)
                .max()
                .orElse(0);
        node.login(null, "alice@example.com", ClientInfo.UNKNOWN);
        long indexBytesWithTwo = direct.sync().memoryUsage(indexKey);
        FIGURES.put("bytes/session hash (3 small attributes, logged in)", Long.toString(sessionBytes));
        FIGURES.put("bytes/user index with this one session", Long.toString(indexBytes));
        FIGURES.put("bytes/one more index entry", Long.toString(indexBytesWithTwo - indexBytes));
        FIGURES.put("bytes/total for the session and its index", Long.toString(sessionBytes + indexBytes));
        FIGURES.put(
                "session hash encoding",
                encoding + " (" + fields.size() + " fields, longest value " + longestValue + " bytes)");
        FIGURES.put("user index encoding", direct.sync().objectEncoding(indexKey));
        assertThat(encoding).isEqualTo("listpack");
    }
}
