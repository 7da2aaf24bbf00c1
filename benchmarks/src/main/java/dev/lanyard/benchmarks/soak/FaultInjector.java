package dev.lanyard.benchmarks.soak;

import dev.lanyard.benchmarks.ReportLog;
import dev.lanyard.session.jwt.TokenKeySet;
import dev.lanyard.session.redis.testing.RedisProcess;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The soak's fault cycle: waits for each scheduled fault's time, injects it into the deployment or
 * the nodes, waits for its recovery, and records the window from injection to recovery. Runs on its
 * own thread; a failure of the harness itself is kept for {@link #rethrow()}.
 */
final class FaultInjector implements Runnable {

    private static final Duration NODE_DOWN_TIME = Duration.ofSeconds(2);
    /** The longest the harness waits for both nodes' stores to answer again after a fault. */
    private static final Duration SERVING_LIMIT = Duration.ofSeconds(30);
    /** The longest the harness waits for a near cache to turn off, or on again. */
    private static final Duration TRACKING_LIMIT = Duration.ofSeconds(30);

    private static final Duration PAUSE_TIME =
            AppNode.COMMAND_TIMEOUT.multipliedBy(5).dividedBy(2);

    /** One fault from its injection to its recovery. */
    record Window(Fault fault, long start, long end) {}

    /**
     * What a {@link Fault#BLACKHOLE_TRACKING} did.
     *
     * @param silencedAt when the invalidation connections were silenced ({@link System#nanoTime()})
     * @param connections how many were silenced
     * @param answeredFor per node, how long its cache still answered after the silence (nanoseconds)
     * @param backAfter how long after the silence both caches answered again, on new connections
     */
    record TrackingSilence(long silencedAt, int connections, long[] answeredFor, long backAfter) {}

    private final List<SoakConfig.ScheduledFault> schedule;
    private final long startNanos;
    private final Deployment redis;
    private final AppNode[] nodes;
    private final TokenKeySet keys;
    private final boolean nearCache;
    private final ConcurrentLinkedQueue<Window> windows = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<TrackingSilence> silences = new ConcurrentLinkedQueue<>();
    private volatile Exception failure;

    /**
     * @param schedule the faults, in order of their times
     * @param startNanos the soak's start ({@link System#nanoTime()}), from which the times count
     * @param nodes the two app nodes; a node restart replaces its entry
     * @param nearCache whether the nodes run the near cache (a restarted node too)
     */
    FaultInjector(
            List<SoakConfig.ScheduledFault> schedule,
            long startNanos,
            Deployment redis,
            AppNode[] nodes,
            TokenKeySet keys,
            boolean nearCache) {
        this.nearCache = nearCache;
        this.schedule = schedule;
        this.startNanos = startNanos;
        this.redis = redis;
        this.nodes = nodes;
        this.keys = keys;
    }

    /** The windows of the faults injected so far. */
    ConcurrentLinkedQueue<Window> windows() {
        return windows;
    }

    /** What each {@link Fault#BLACKHOLE_TRACKING} so far did. */
    ConcurrentLinkedQueue<TrackingSilence> silences() {
        return silences;
    }

    @Override
    public void run() {
        try {
            for (SoakConfig.ScheduledFault scheduled : schedule) {
                long wait = startNanos + scheduled.at().toNanos() - System.nanoTime();
                if (wait > 0) {
                    Thread.sleep(TimeUnit.NANOSECONDS.toMillis(wait));
                }
                long start = System.nanoTime();
                inject(scheduled.fault());
                if (scheduled.fault().storeDown()) {
                    // The fault lasts, for the shoppers, until both nodes' stores answer again: Redis answering
                    // PING is not yet the nodes having reconnected (a reconnect delay, a probe), which on a
                    // loaded machine can outlast the grace period that follows the window.
                    AppNode.awaitServing(nodes, SERVING_LIMIT);
                }
                windows.add(new Window(scheduled.fault(), start, System.nanoTime()));
                ReportLog.line(
                        "soak: %s at %.1fs, recovered after %d ms",
                        scheduled.fault().label(),
                        (start - startNanos) / 1e9,
                        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            failure = e;
        }
    }

    private void inject(Fault fault) throws Exception {
        switch (fault) {
            case NODE_RESTART: {
                int port = nodes[1].port();
                nodes[1].close();
                Thread.sleep(NODE_DOWN_TIME.toMillis());
                nodes[1] = AppNode.start("node-b", port, redis.location(), keys, nearCache);
                break;
            }
            case REDIS_RESTART: {
                RedisProcess master = redis.master();
                master.stop();
                master.restart();
                redis.settle();
                break;
            }
            case REDIS_CRASH: {
                RedisProcess master = redis.master();
                master.kill();
                master.restart();
                redis.settle();
                break;
            }
            case REDIS_PAUSE: {
                RedisProcess master = redis.master();
                master.pause();
                try {
                    Thread.sleep(PAUSE_TIME.toMillis());
                } finally {
                    master.resume();
                }
                redis.settle();
                break;
            }
            case SENTINEL_FAILOVER:
                redis.failover();
                redis.settle();
                break;
            case DATABASE_RESTART:
                redis.database().restart();
                break;
            case NETWORK_BLACKHOLE:
                redis.blackhole(PAUSE_TIME);
                break;
            case LATENCY:
                redis.slowLink(AppNode.COMMAND_TIMEOUT.dividedBy(5), PAUSE_TIME);
                redis.slowLink(AppNode.COMMAND_TIMEOUT.multipliedBy(2), PAUSE_TIME.dividedBy(2));
                break;
            case BLACKHOLE_TRACKING:
                silences.add(silenceTracking());
                break;
            default:
                throw new IllegalStateException("unknown fault " + fault);
        }
    }

    /**
     * Silences the near caches' invalidation connections once both caches answer, watches each cache
     * stop answering (its lease lapses or a heartbeat fails), then waits until both answer again on
     * new connections; the data connections are left alone throughout.
     */
    private TrackingSilence silenceTracking() {
        awaitCaches(true, TRACKING_LIMIT, "answer before the silence");
        int silenced = redis.silenceInvalidationConnections();
        long silencedAt = System.nanoTime();
        long[] answeredFor = new long[nodes.length];
        java.util.Arrays.fill(answeredFor, -1);
        int active = nodes.length;
        while (active > 0) {
            long now = System.nanoTime();
            active = 0;
            for (int i = 0; i < nodes.length; i++) {
                if (answeredFor[i] < 0) {
                    if (nodes[i].nearCache().isActive()) {
                        active++;
                    } else {
                        answeredFor[i] = now - silencedAt;
                    }
                }
            }
            if (active > 0 && now - silencedAt > TRACKING_LIMIT.toNanos()) {
                throw new IllegalStateException("a near cache still answered " + TRACKING_LIMIT.toSeconds()
                        + " s after its invalidation connection went silent");
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2));
        }
        awaitCaches(true, TRACKING_LIMIT, "answer again on new invalidation connections");
        return new TrackingSilence(silencedAt, silenced, answeredFor, System.nanoTime() - silencedAt);
    }

    private void awaitCaches(boolean active, Duration limit, String what) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!java.util.Arrays.stream(nodes).allMatch(n -> n.nearCache().isActive() == active)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(
                        "the near caches did not " + what + " within " + limit.toSeconds() + " s");
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
    }

    /** Throws what stopped the cycle, if anything did. */
    void rethrow() throws Exception {
        if (failure != null) {
            throw failure;
        }
    }
}
