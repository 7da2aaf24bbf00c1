package dev.lanyard.session.servlet;

import dev.lanyard.session.memcached.MemcachedOptions;
import dev.lanyard.session.memcached.MemcachedSessionStore;
import dev.lanyard.session.memcached.testing.MemcachedProcess;
import java.time.Clock;
import java.time.Duration;

/** Two private memcached servers for one run of the suite, and the Memcached store over both. */
final class MemcachedBacking implements AutoCloseable {

    private final MemcachedProcess first = MemcachedProcess.start();
    private final MemcachedProcess second = MemcachedProcess.start();

    /**
     * @param clock the suite's clock
     * @return a store sharding over both servers; the suite closes it
     */
    MemcachedSessionStore store(Clock clock) {
        return MemcachedSessionStore.open(
                MemcachedOptions.builder()
                        .server(first.address())
                        .server(second.address())
                        .timeout(Duration.ofSeconds(2))
                        .build(),
                clock);
    }

    /** @return where init-parameters point a deployment: both servers, by the store's own URI */
    String uri() {
        return "memcached://" + first.address() + "," + second.address();
    }

    @Override
    public void close() {
        first.close();
        second.close();
    }
}
