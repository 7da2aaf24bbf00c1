package dev.lanyard.session.redis;

import static dev.lanyard.session.redis.NearCacheNodes.awaitActive;
import static dev.lanyard.session.redis.NearCacheNodes.closeAll;
import static dev.lanyard.session.redis.NearCacheNodes.node;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.lanyard.session.ClientInfo;
import dev.lanyard.session.NewSession;
import dev.lanyard.session.ReadMode;
import dev.lanyard.session.Session;
import dev.lanyard.session.SessionManager;
import dev.lanyard.session.SessionUpdate;
import dev.lanyard.session.StoreUnavailableException;
import dev.lanyard.session.redis.testing.RedisProcess;
import dev.lanyard.session.redis.testing.TestRedis;
import dev.lanyard.session.tck.net.FaultProxy;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The near cache's write path, two nodes on one private redis-server: a node's own update costs
 * one round trip and leaves a fresh copy (the next read is a hit), another node's write still
 * drops it, concurrent writes from both nodes never leave a stale copy served, and a lost or
 * replaced data connection drops the copy and turns tracking on again on the new one.
 */
class NearCacheWriteIT {

    private static final Path FIGURES = Path.of("target", "near-cache-figures.txt");

    private RedisProcess redis;
    private NearCachedRedisStore storeA;
    private NearCachedRedisStore storeB;
    private SessionManager nodeA;
    private SessionManager nodeB;
    private final AtomicInteger hitsOnA = new AtomicInteger();
    private final AtomicInteger hitsOnB = new AtomicInteger();

    @BeforeEach
    void startTwoNodes() {
        redis = TestRedis.localServer();
        storeA = open("node-a", redis.uri(), RedisSessionStore.builder());
        storeB = open("node-b", redis.uri(), RedisSessionStore.builder());
        nodeA = node("node-a", storeA, hitsOnA);
        nodeB = node("node-b", storeB, hitsOnB);
        awaitActive(storeA);
        awaitActive(storeB);
    }

    private static NearCachedRedisStore open(String name, String uri, RedisSessionStore.Builder builder) {
        return NearCachedRedisStore.wrap(
                builder.location(uri)
                        .clientName(name)
                        .commandTimeout(Duration.ofSeconds(1))
                        .build(),
                NearCacheOptions.builder()
                        .heartbeatInterval(Duration.ofMillis(200))
                        .build());
    }

    /**
     * The tests' own threads: {@code CompletableFuture}'s default pool may run one task at a time on a
     * two-core machine (Java 25 uses the common pool there, whose parallelism is one), which would leave
     * writers that meet at a barrier waiting for each other.
     */
    private final ExecutorService pool = Executors.newCachedThreadPool();

    @AfterEach
    void stop() {
        pool.shutdownNow();
        closeAll(storeA, storeB, redis);
    }

    /** Resolves on the node until it answers from its near cache; returns that answer. */
    private static Session cached(SessionManager node, AtomicInteger hits, String id) {
        return await("the node serves the session from its near cache")
                .atMost(Duration.ofSeconds(5))
                .pollInterval(Duration.ofMillis(1))
                .ignoreException(StoreUnavailableException.class)
                .until(
                        () -> {
                            int before = hits.get();
                            Session s = node.resolve(id).session().orElseThrow();
                            return hits.get() > before ? s : null;
                        },
                        s -> s != null);
    }

    private static List<String> clientCommands(List<String> commands) {
        return commands.stream().filter(c -> !c.equals("ping")).toList();
    }

    @Test
    void anOwnWriteCostsOneRoundTripAndTheNextReadIsAHitWithNone() throws IOException {
        NewSession created = nodeA.create(ClientInfo.UNKNOWN);
        String id = created.id().value();
        // One write first, so that Redis has the script and the measured one is a single EVALSHA.
        nodeA.save(
                nodeA.resolve(id).session().orElseThrow(),
                SessionUpdate.builder().put("warm", 1).build());
        Session current = cached(nodeA, hitsOnA, id);
        long missesBefore = storeA.stats().misses();

        try (CommandMonitor monitor = CommandMonitor.start(redis.port())) {
            List<String> write = clientCommands(monitor.roundTrips(() -> assertThat(nodeA.save(
                            current,
                            SessionUpdate.builder().put("cart", "3 items").build()))
                    .isPresent()));
            int hits = hitsOnA.get();
            List<String> read = clientCommands(monitor.roundTrips(
                    () -> assertThat(nodeA.resolve(id).session().orElseThrow().attributes())
                            .containsEntry("cart", "3 items")));
            figure("own write on a cached session: round trips " + write + "; the next read: " + read);

            assertThat(write).as("the writing request's round trips").containsExactly("evalsha");
            assertThat(read).as("the next read's round trips").isEmpty();
            assertThat(hitsOnA.get()).as("the next read is a near-cache hit").isEqualTo(hits + 1);
        }
        assertThat(storeA.stats().misses()).isEqualTo(missesBefore);
        assertThat(nodeA.resolve(id, ReadMode.STORE).session().orElseThrow().attributes())
                .containsEntry("cart", "3 items");
    }

    @Test
    void anotherNodesWriteStillDropsTheCopy() {
        NewSession created = nodeA.create(ClientInfo.UNKNOWN);
        String id = created.id().value();
        cached(nodeA, hitsOnA, id);
        long invalidations = storeA.stats().invalidations();

        Session onB = nodeB.resolve(id).session().orElseThrow();
        assertThat(nodeB.save(onB, SessionUpdate.builder().put("cart", "from B").build()))
                .isPresent();

        await("node A drops its copy and reads node B's write")
                .atMost(Duration.ofSeconds(1))
                .pollInterval(Duration.ofMillis(1))
                .until(() -> "from B"
                        .equals(nodeA.resolve(id)
                                .session()
                                .orElseThrow()
                                .attributes()
                                .get("cart")));
        assertThat(storeA.stats().invalidations()).isGreaterThan(invalidations);
    }

    @Test
    void concurrentWritesFromTwoNodesNeverLeaveAStaleCopyServed() throws Exception {
        NewSession created = nodeA.create(ClientInfo.UNKNOWN);
        String id = created.id().value();
        nodeA.save(
                nodeA.resolve(id).session().orElseThrow(),
                SessionUpdate.builder().put("warm", 1).build());
        cached(nodeA, hitsOnA, id);
        cached(nodeB, hitsOnB, id);
        int hitsBefore = hitsOnA.get() + hitsOnB.get();
        int rounds = 200;
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        CyclicBarrier barrier = new CyclicBarrier(2);
        Queue<String> violations = new ConcurrentLinkedQueue<>();
        CompletableFuture<Integer> a = CompletableFuture.supplyAsync(
                () -> raceRounds(nodeA, "a", "b", id, rounds, deadline, barrier, violations), pool);
        CompletableFuture<Integer> b = CompletableFuture.supplyAsync(
                () -> raceRounds(nodeB, "b", "a", id, rounds, deadline, barrier, violations), pool);
        int doneA = a.get(120, TimeUnit.SECONDS);
        int doneB = b.get(120, TimeUnit.SECONDS);

        int hits = hitsOnA.get() + hitsOnB.get() - hitsBefore;
        figure(String.format(
                "concurrent writes on one session from two nodes: %d rounds of one write per node at the same moment; "
                        + "%d near-cache hits among the reads; %d stale reads",
                Math.min(doneA, doneB), hits, violations.size()));
        assertThat(violations).as("stale reads").isEmpty();
        assertThat(Math.min(doneA, doneB))
                .as("rounds done within the time bound")
                .isPositive();
        assertThat(hits)
                .as("reads between the writes were served from the copies at times")
                .isPositive();
        Map<String, Object> stored =
                nodeA.resolve(id, ReadMode.STORE).session().orElseThrow().attributes();
        for (SessionManager node : List.of(nodeA, nodeB)) {
            assertThat(node.resolve(id).session().orElseThrow().attributes()).isEqualTo(stored);
        }
    }

    /**
     * Rounds in which both nodes write the same session at the same moment (each its own counter and
     * a shared attribute), then check: right after its own write a node reads that write, and once
     * both writes were acknowledged each node serves both within a bound. A copy stored from a reply
     * that raced with the other node's invalidation would miss the other node's write, and nothing
     * would drop it before the bound.
     */
    private static int raceRounds(
            SessionManager node,
            String own,
            String other,
            String id,
            int rounds,
            long deadline,
            CyclicBarrier barrier,
            Queue<String> violations) {
        int r = 0;
        try {
            for (; r < rounds && System.nanoTime() < deadline && violations.isEmpty(); r++) {
                Session current = node.resolve(id).session().orElseThrow();
                barrier.await(10, TimeUnit.SECONDS);
                if (node.save(
                                current,
                                SessionUpdate.builder()
                                        .put(own, r)
                                        .put("shared", own + r)
                                        .build())
                        .isEmpty()) {
                    violations.add(own + ": the session was not found in round " + r);
                }
                int ownNow = number(
                        node.resolve(id).session().orElseThrow().attributes().get(own));
                if (ownNow != r) {
                    violations.add(own + ": read " + ownNow + " right after its own write of " + r);
                }
                barrier.await(10, TimeUnit.SECONDS);
                int round = r;
                long until = System.nanoTime() + Duration.ofSeconds(2).toNanos();
                Map<String, Object> seen =
                        node.resolve(id).session().orElseThrow().attributes();
                while (number(seen.get(other)) != round && System.nanoTime() < until) {
                    Thread.onSpinWait();
                    seen = node.resolve(id).session().orElseThrow().attributes();
                }
                if (number(seen.get(other)) != round || number(seen.get(own)) != round) {
                    violations.add(own + ": still served " + seen + " 2 s after both writes of round " + round
                            + " were acknowledged");
                }
                barrier.await(10, TimeUnit.SECONDS);
            }
        } catch (Exception e) {
            violations.add(own + ": round " + r + " failed: " + e);
        }
        return r;
    }

    private static int number(Object value) {
        return value == null ? -1 : ((Number) value).intValue();
    }

    @Test
    void losingTheDataConnectionDropsTheCopyAndTurnsTrackingOnAgainOnTheNewOne() {
        NewSession created = nodeB.create(ClientInfo.UNKNOWN);
        String id = created.id().value();
        cached(nodeA, hitsOnA, id);
        long resets = storeA.stats().resets();

        assertThat(TrackingClients.kill(redis, TrackingClients.dataConnections(redis, "node-a")))
                .as("node A's data connection killed")
                .isEqualTo(1);

        await("node A noticed the lost data connection")
                .atMost(Duration.ofSeconds(2))
                .until(() -> storeA.stats().resets() > resets);
        int hits = hitsOnA.get();
        await().atMost(Duration.ofSeconds(3))
                .ignoreException(StoreUnavailableException.class)
                .until(() -> nodeA.resolve(id).isFound());
        assertThat(hitsOnA.get())
                .as("the first read after the loss is not served from the copy")
                .isEqualTo(hits);

        awaitActive(storeA);
        assertThat(TrackingClients.dataConnections(redis, "node-a"))
                .as("tracking is on again on node A's new data connection")
                .hasSize(1);
        assertThat(TrackingClients.invalidationConnections(redis, "node-a"))
                .as("redirected to node A's invalidation connection")
                .hasSize(1);
        assertWritePathWorks(id);
    }

    @Test
    void replacingAnUnansweringDataConnectionDropsTheCopyAndTurnsTrackingOnAgain() {
        // Node A through a proxy, with only the timeout fallback: silencing its data connection makes
        // its commands time out, and after three the store replaces the connection.
        storeA.close();
        try (FaultProxy proxy = FaultProxy.start("127.0.0.1", redis.port())) {
            storeA = open(
                    "node-a",
                    proxy.uri(),
                    RedisSessionStore.builder().liveness(new ConnectionLiveness(null, Duration.ofSeconds(5), 3)));
            nodeA = node("node-a", storeA, hitsOnA);
            awaitActive(storeA);
            NewSession created = nodeB.create(ClientInfo.UNKNOWN);
            String id = created.id().value();
            cached(nodeA, hitsOnA, id);
            long resets = storeA.stats().resets();
            List<Map<String, String>> data = TrackingClients.dataConnections(redis, "node-a");
            assertThat(data).hasSize(1);

            assertThat(proxy.silence(TrackingClients.port(data.get(0)))).isTrue();
            await("node A replaced its data connection")
                    .atMost(Duration.ofSeconds(15))
                    .pollInterval(Duration.ofMillis(10))
                    .ignoreException(StoreUnavailableException.class)
                    .until(() -> nodeA.resolve(id, ReadMode.STORE).isFound());

            // The store swaps the new connection in first and runs its replacement actions (the near cache's
            // reset among them) right after: a read may already have been answered on it in between. Until
            // the reset, the cache is still active in the old epoch, so awaiting it alone would prove nothing.
            await("the replacement moved the epoch")
                    .atMost(Duration.ofSeconds(2))
                    .pollInterval(Duration.ofMillis(5))
                    .until(() -> storeA.stats().resets() > resets);
            awaitActive(storeA);
            await("tracking is on again on node A's new data connection")
                    .atMost(Duration.ofSeconds(2))
                    .until(() -> TrackingClients.dataConnections(redis, "node-a").stream()
                            .anyMatch(c -> !c.get("id").equals(data.get(0).get("id"))));
            // Another node's write reaches node A's copy through the new data connection's tracking.
            cached(nodeA, hitsOnA, id);
            Session onB = nodeB.resolve(id).session().orElseThrow();
            assertThat(nodeB.save(
                            onB,
                            SessionUpdate.builder().put("cart", "after replace").build()))
                    .isPresent();
            await("node A reads node B's write")
                    .atMost(Duration.ofSeconds(1))
                    .pollInterval(Duration.ofMillis(1))
                    .until(() -> "after replace"
                            .equals(nodeA.resolve(id)
                                    .session()
                                    .orElseThrow()
                                    .attributes()
                                    .get("cart")));
        } finally {
            storeA.close();
            storeA = null;
        }
    }

    /** Another node's write reaches node A's copy, and node A's own write leaves a fresh copy. */
    private void assertWritePathWorks(String id) {
        cached(nodeA, hitsOnA, id);
        Session onB = nodeB.resolve(id).session().orElseThrow();
        assertThat(nodeB.save(onB, SessionUpdate.builder().put("cart", "from B").build()))
                .isPresent();
        await("node A reads node B's write")
                .atMost(Duration.ofSeconds(1))
                .pollInterval(Duration.ofMillis(1))
                .until(() -> "from B"
                        .equals(nodeA.resolve(id)
                                .session()
                                .orElseThrow()
                                .attributes()
                                .get("cart")));

        Session onA = cached(nodeA, hitsOnA, id);
        assertThat(nodeA.save(onA, SessionUpdate.builder().put("cart", "from A").build()))
                .isPresent();
        int hits = hitsOnA.get();
        assertThat(nodeA.resolve(id).session().orElseThrow().attributes()).containsEntry("cart", "from A");
        assertThat(hitsOnA.get()).as("node A's own write left a fresh copy").isEqualTo(hits + 1);
    }

    private static void figure(String line) throws IOException {
        Files.createDirectories(FIGURES.getParent());
        Files.writeString(
                FIGURES,
                line + System.lineSeparator(),
                StandardCharsets.UTF_8,
                StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
    }
}
