package dev.lanyard.session.memcached;

import static org.awaitility.Awaitility.await;

import dev.lanyard.session.SessionHandle;
import dev.lanyard.session.memcached.testing.MemcachedProcess;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The Memcached servers a test class runs on, and stores on them with a fresh key prefix each.
 * Lookup: the servers named by {@code LANYARD_TEST_MEMCACHED} (comma-separated {@code host:port})
 * if set; else {@code memcached} processes on the PATH, started on free ports; else a loud failure
 * ({@link MemcachedProcess#HOW_TO}).
 */
final class MemcachedSupport implements AutoCloseable {

    final List<MemcachedProcess> processes;
    final List<String> servers;
    final DirectMemcached direct;
    private final String prefix = "lanyard-it-" + UUID.randomUUID().toString().substring(0, 8) + ":";
    private final AtomicInteger stores = new AtomicInteger();
    private volatile String current = prefix;

    private MemcachedSupport(List<MemcachedProcess> processes, List<String> servers) {
        this.processes = processes;
        this.servers = List.copyOf(servers);
        this.direct = new DirectMemcached(servers);
    }

    /**
     * @param count how many servers
     * @return servers from the environment, or that many private processes
     */
    static MemcachedSupport servers(int count) {
        String explicit = System.getenv("LANYARD_TEST_MEMCACHED");
        if (explicit != null && !explicit.isBlank()) {
            return new MemcachedSupport(
                    List.of(),
                    Arrays.stream(explicit.split(",")).map(String::trim).toList());
        }
        return local(count);
    }

    /**
     * @param count how many servers
     * @return that many private processes, which the test may kill and restart
     */
    static MemcachedSupport local(int count) {
        List<MemcachedProcess> started = new ArrayList<>();
        try {
            for (int i = 0; i < count; i++) {
                started.add(MemcachedProcess.start());
            }
        } catch (RuntimeException e) {
            started.forEach(MemcachedProcess::close);
            throw e;
        }
        return new MemcachedSupport(
                started, started.stream().map(MemcachedProcess::address).toList());
    }

    /** @return options for these servers with a fresh key prefix, so tests that reuse user IDs stay apart */
    MemcachedOptions.Builder options() {
        current = prefix + "t" + stores.incrementAndGet() + ":";
        MemcachedOptions.Builder b =
                MemcachedOptions.builder().keyPrefix(current).timeout(Duration.ofSeconds(2));
        servers.forEach(b::server);
        return b;
    }

    /**
     * A store with a generous timeout: the contract is about behaviour, on two shared cores, where 16
     * racing writers of one session may each wait long for their turn.
     */
    MemcachedSessionStore store(Clock clock) {
        return MemcachedSessionStore.open(
                options().timeout(Duration.ofSeconds(10)).casRetries(10_000).build(), clock);
    }

    String key(SessionHandle handle) {
        return current + "s:" + handle.value();
    }

    boolean holds(SessionHandle handle) {
        return direct.holds(key(handle));
    }

    /** Waits, with a deadline, until Memcached's own expiry has removed the session's item. */
    void awaitGone(SessionHandle handle, Duration ttl) {
        await().atMost(ttl.plusSeconds(5)).pollInterval(Duration.ofMillis(100)).until(() -> !holds(handle));
    }

    @Override
    public void close() {
        processes.forEach(MemcachedProcess::close);
    }
}
