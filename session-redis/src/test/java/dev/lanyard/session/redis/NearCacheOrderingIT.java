package dev.lanyard.session.redis;

import static dev.lanyard.session.redis.NearCacheNodes.awaitActive;
import static dev.lanyard.session.redis.NearCacheNodes.closeAll;
import static dev.lanyard.session.redis.NearCacheNodes.node;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.lanyard.session.ClientInfo;
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
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
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
 * The near cache's ordering guarantees when updates race, on one private redis-server: a node's own
 * concurrent updates of one session leave the newest copy cached (Redis counts a session's updates),
 * and two nodes writing one session while one node's invalidations are held back or overtake its
 * replies (its connections run through a {@link FaultProxy}) never serve a value older than their own
 * last acknowledged write or go back behind another node's write they served, and all end on the
 * state in Redis.
 */
class NearCacheOrderingIT {

    private static final Path FIGURES = Path.of("target", "near-cache-figures.txt");

    private RedisProcess redis;
    private FaultProxy proxy;
    private NearCachedRedisStore storeA;
    private NearCachedRedisStore storeB;
    private SessionManager nodeA;
    private SessionManager nodeB;
    private final AtomicInteger hitsOnA = new AtomicInteger();
    private final AtomicInteger hitsOnB = new AtomicInteger();

    @BeforeEach
    void startTwoNodes() {
        redis = TestRedis.localServer();
        proxy = FaultProxy.start("127.0.0.1", redis.port());
        storeA = open("node-a", proxy.uri());
        storeB = open("node-b", redis.uri());
        nodeA = node("node-a", storeA, hitsOnA);
        nodeB = node("node-b", storeB, hitsOnB);
        awaitActive(storeA);
        awaitActive(storeB);
    }

    private static NearCachedRedisStore open(String name, String uri) {
        return NearCachedRedisStore.wrap(
                RedisSessionStore.builder()
                        .location(uri)
                        .clientName(name)
                        .commandTimeout(Duration.ofSeconds(2))
                        .build(),
                NearCacheOptions.builder().build());
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
        closeAll(storeA, storeB, proxy, redis);
    }

    @Test
    void concurrentUpdatesOfOneNodeLeaveTheNewestCopyCached() throws Exception {
        String id = nodeB.create(ClientInfo.UNKNOWN).id().value();
        int writers = 4;
        int rounds = 150;
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        CyclicBarrier barrier = new CyclicBarrier(writers + 1);
        Queue<String> violations = new ConcurrentLinkedQueue<>();
        AtomicInteger round = new AtomicInteger(-1);
        List<CompletableFuture<Void>> threads = new ArrayList<>();
        for (int w = 0; w < writers; w++) {
            String own = "w" + w;
            threads.add(CompletableFuture.runAsync(
                    () -> {
                        try {
                            while (true) {
                                barrier.await(30, TimeUnit.SECONDS);
                                int r = round.get();
                                if (r < 0) {
                                    return;
                                }
                                Session current = nodeB.resolve(id).session().orElseThrow();
                                nodeB.save(
                                        current,
                                        SessionUpdate.builder().put(own, r).build());
                                barrier.await(30, TimeUnit.SECONDS);
                            }
                        } catch (Exception e) {
                            violations.add(own + ": " + e);
                        }
                    },
                    pool));
        }
        int done = 0;
        int missesAfterRounds = 0;
        for (; done < rounds && System.nanoTime() < deadline && violations.isEmpty(); done++) {
            round.set(done);
            barrier.await(30, TimeUnit.SECONDS); // the writers start their round
            barrier.await(30, TimeUnit.SECONDS); // every write of the round was acknowledged
            int hits = hitsOnB.get();
            Map<String, Object> served =
                    nodeB.resolve(id).session().orElseThrow().attributes();
            if (hitsOnB.get() == hits) {
                missesAfterRounds++;
            }
            for (int w = 0; w < writers; w++) {
                if (number(served.get("w" + w)) != done) {
                    violations.add("round " + done + ": served " + served + ", missing w" + w + "'s write");
                }
            }
        }
        round.set(-1);
        barrier.await(30, TimeUnit.SECONDS);
        CompletableFuture.allOf(threads.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        figure(String.format(
                "%d concurrent updates of one session on one node, %d rounds: the next read missed after %d rounds",
                writers, done, missesAfterRounds));

        assertThat(violations).as("stale copies served").isEmpty();
        assertThat(done).as("rounds done within the time bound").isPositive();
        // No other node writes and nothing is invalidated: whichever update's answer comes last, the
        // node keeps the copy of the update Redis applied last, so the read after each round is a hit.
        assertThat(missesAfterRounds)
                .as("rounds after which the node had dropped its copy")
                .isZero();
    }

    @Test
    void delayedOrReorderedInvalidationsNeverLeaveAnOlderValueServed() throws Exception {
        String id = nodeB.create(ClientInfo.UNKNOWN).id().value();
        int rounds = 60;
        int freeWrites = 4;
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        List<String> names = List.of("a1", "a2", "b1");
        List<SessionManager> nodes = List.of(nodeA, nodeA, nodeB);
        CyclicBarrier barrier = new CyclicBarrier(names.size() + 1);
        AtomicInteger round = new AtomicInteger();
        Queue<String> violations = new ConcurrentLinkedQueue<>();
        Map<String, AtomicInteger> acknowledged = new ConcurrentHashMap<>();
        AtomicInteger behind = new AtomicInteger();
        int hitsBefore = hitsOnA.get() + hitsOnB.get();
        List<CompletableFuture<Integer>> writers = new ArrayList<>();
        for (int w = 0; w < names.size(); w++) {
            Writer writer = new Writer(nodes.get(w), names.get(w), names, id, violations, acknowledged, behind, w);
            writers.add(CompletableFuture.supplyAsync(() -> writer.run(barrier, round, freeWrites), pool));
        }
        // Node A's connections run through the proxy. Each round: the writers write freely a few
        // times, then all at the same moment; meanwhile A's invalidation connection's replies are held
        // back (A hears of B's writes late) or A's data connection's replies are delayed (A hears of
        // B's writes before the replies of A's updates that Redis ran before them). Then the faults are
        // released and both nodes must serve exactly what Redis holds.
        int done = 0;
        try {
            for (; done < rounds && System.nanoTime() < deadline && violations.isEmpty(); done++) {
                boolean stall = done % 2 == 0;
                setFaults(stall, !stall);
                round.set(done);
                barrier.await(30, TimeUnit.SECONDS); // the round's free writes
                barrier.await(30, TimeUnit.SECONDS); // the simultaneous write
                barrier.await(30, TimeUnit.SECONDS); // every write of the round acknowledged
                setFaults(false, false);
                assertConverged(id, done, violations);
            }
        } finally {
            round.set(-1);
            barrier.await(30, TimeUnit.SECONDS);
        }
        for (CompletableFuture<Integer> w : writers) {
            w.get(60, TimeUnit.SECONDS);
        }
        int hits = hitsOnA.get() + hitsOnB.get() - hitsBefore;
        figure(String.format(
                "two nodes, three writers, node A's invalidations held back or overtaking its replies: %d rounds of "
                        + "%d writes per writer, %d near-cache hits, %d reads behind another writer's acknowledged "
                        + "write (not told yet), %d violations",
                done, freeWrites + 1, hits, behind.get(), violations.size()));
        assertThat(violations).as("values served older than allowed").isEmpty();
        assertThat(done).as("rounds within the time bound").isPositive();
        assertThat(hits).as("reads served from the copies").isPositive();
    }

    /** Once every write was acknowledged and A's faults released, both nodes serve what Redis holds. */
    private void assertConverged(String id, int round, Queue<String> violations) {
        Map<String, Object> stored =
                nodeB.resolve(id, ReadMode.STORE).session().orElseThrow().attributes();
        for (SessionManager node : List.of(nodeA, nodeB)) {
            String name = node == nodeA ? "node A" : "node B";
            try {
                await("every node serves the state in Redis")
                        .atMost(Duration.ofSeconds(3))
                        .pollInterval(Duration.ofMillis(2))
                        .ignoreException(StoreUnavailableException.class)
                        .until(() -> node.resolve(id).session().orElseThrow().attributes(), stored::equals);
            } catch (org.awaitility.core.ConditionTimeoutException e) {
                violations.add("round " + round + ": " + name + " still serves "
                        + node.resolve(id).session().orElseThrow().attributes() + " 3 s after Redis held "
                        + stored);
            }
        }
    }

    private void setFaults(boolean stallInvalidations, boolean delayData) {
        for (Map<String, String> c : TrackingClients.invalidationConnections(redis, "node-a")) {
            proxy.stallReplies(TrackingClients.port(c), stallInvalidations);
        }
        for (Map<String, String> c : TrackingClients.dataConnections(redis, "node-a")) {
            proxy.delayReplies(TrackingClients.port(c), Duration.ofMillis(delayData ? 3 : 0));
        }
    }

    /**
     * One writer: each round, a few writes of its own attribute (and, at random, of the shared one),
     * then one at the same moment as the other writers. After each write it reads the session twice:
     * every read must show its own last acknowledged write, and no attribute may go back behind a
     * value this writer was already served.
     */
    private record Writer(
            SessionManager node,
            String own,
            List<String> names,
            String id,
            Queue<String> violations,
            Map<String, AtomicInteger> acknowledged,
            AtomicInteger behind,
            long seed) {

        int run(CyclicBarrier barrier, AtomicInteger round, int freeWrites) {
            Random random = new Random(seed);
            Map<String, Integer> seen = new HashMap<>();
            int op = 0;
            try {
                while (true) {
                    barrier.await(30, TimeUnit.SECONDS);
                    if (round.get() < 0) {
                        return op;
                    }
                    for (int i = 0; i < freeWrites && violations.isEmpty(); i++) {
                        writeAndRead(op++, random.nextBoolean(), seen);
                    }
                    barrier.await(30, TimeUnit.SECONDS);
                    writeAndRead(op++, true, seen);
                    barrier.await(30, TimeUnit.SECONDS);
                }
            } catch (Exception e) {
                violations.add(own + ": write " + op + " failed: " + e);
                return op;
            }
        }

        private void writeAndRead(int op, boolean shared, Map<String, Integer> seen) {
            Session current = node.resolve(id).session().orElseThrow();
            SessionUpdate.Builder update = SessionUpdate.builder().put(own, op);
            if (shared) {
                update.put("shared", own + op);
            }
            if (node.save(current, update.build()).isEmpty()) {
                violations.add(own + ": the session was not found at write " + op);
            }
            acknowledged.computeIfAbsent(own, k -> new AtomicInteger(-1)).set(op);
            for (int read = 0; read < 2; read++) {
                Map<String, Integer> acked = new HashMap<>();
                acknowledged.forEach((k, v) -> acked.put(k, v.get()));
                Map<String, Object> served =
                        node.resolve(id).session().orElseThrow().attributes();
                if (number(served.get(own)) != op) {
                    violations.add(own + ": served " + served.get(own) + " after its own write " + op);
                }
                for (String name : names) {
                    int value = number(served.get(name));
                    int before = seen.getOrDefault(name, -1);
                    if (value < before) {
                        violations.add(own + ": served " + name + "=" + value + " after it had served " + before);
                    }
                    seen.merge(name, value, Math::max);
                    if (value < acked.getOrDefault(name, -1)) {
                        behind.incrementAndGet(); // allowed: not told of that write yet
                    }
                }
            }
        }
    }

    private static int number(Object value) {
        return value instanceof Number n ? n.intValue() : -1;
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
