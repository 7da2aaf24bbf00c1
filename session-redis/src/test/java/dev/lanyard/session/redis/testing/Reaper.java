package dev.lanyard.session.redis.testing;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The backstop that kills every server process a test started and did not close, when the JVM
 * exits. Tests close their processes in {@code @AfterAll}; this only catches what a crash leaves.
 */
final class Reaper {

    private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(Reaper::killAll, "lanyard-redis-reaper"));
    }

    private Reaper() {}

    static void track(Process process) {
        LIVE.add(process);
    }

    static void untrack(Process process) {
        LIVE.remove(process);
    }

    private static void killAll() {
        for (Process p : LIVE) {
            p.destroyForcibly();
        }
        for (Process p : LIVE) {
            try {
                p.waitFor(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
