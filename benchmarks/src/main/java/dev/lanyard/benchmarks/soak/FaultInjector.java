package dev.lanyard.benchmarks.soak;

import dev.lanyard.benchmarks.ReportLog;
import dev.lanyard.session.jwt.TokenKeySet;
import dev.lanyard.session.redis.testing.RedisProcess;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

/**
 * The soak's fault cycle: waits for each scheduled fault's time, injects it into the deployment or
 * the nodes, waits for its recovery, and records the window from injection to recovery. Runs on its
 * own thread; a failure of the harness itself is kept for {@link #rethrow()}.
 */
final class FaultInjector implements Runnable {

    private static final Duration NODE_DOWN_TIME = Duration.ofSeconds(2);
    private static final Duration PAUSE_TIME =
            AppNode.COMMAND_TIMEOUT.multipliedBy(5).dividedBy(2);

    /** One fault from its injection to its recovery. */
    record Window(Fault fault, long start, long end) {}

    private final List<SoakConfig.ScheduledFault> schedule;
    private final long startNanos;
    private final Deployment redis;
    private final AppNode[] nodes;
    private final TokenKeySet keys;
    private final ConcurrentLinkedQueue<Window> windows = new ConcurrentLinkedQueue<>();
    private volatile Exception failure;

    /**
     * @param schedule the faults, in order of their times
     * @param startNanos the soak's start ({@link System#nanoTime()}), from which the times count
     * @param nodes the two app nodes; a node restart replaces its entry
     */
    FaultInjector(
            List<SoakConfig.ScheduledFault> schedule,
            long startNanos,
            Deployment redis,
            AppNode[] nodes,
            TokenKeySet keys) {
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
                nodes[1] = AppNode.start("node-b", port, redis.location(), keys);
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
                AppNode.awaitServing(nodes, Duration.ofSeconds(30));
                break;
            case LATENCY:
                redis.slowLink(AppNode.COMMAND_TIMEOUT.dividedBy(5), PAUSE_TIME);
                redis.slowLink(AppNode.COMMAND_TIMEOUT.multipliedBy(2), PAUSE_TIME.dividedBy(2));
                AppNode.awaitServing(nodes, Duration.ofSeconds(30));
                break;
            default:
                throw new IllegalStateException("unknown fault " + fault);
        }
    }

    /** Throws what stopped the cycle, if anything did. */
    void rethrow() throws Exception {
        if (failure != null) {
            throw failure;
        }
    }
}
