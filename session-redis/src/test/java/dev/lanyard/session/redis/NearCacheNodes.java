package dev.lanyard.session.redis;

import static org.awaitility.Awaitility.await;

import dev.lanyard.session.SessionManager;
import dev.lanyard.session.event.SessionEvent;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/** What the near cache's integration tests share: nodes that count their hits, waiting for a channel, closing. */
final class NearCacheNodes {

    private NearCacheNodes() {}

    /**
     * A node over a near-cached store that counts the resolutions its copy answered.
     *
     * @param name the node's ID
     * @param store the store
     * @param hits incremented on every resolution from the near cache
     * @return the node's manager
     */
    static SessionManager node(String name, NearCachedRedisStore store, AtomicInteger hits) {
        return SessionManager.builder(store)
                .nodeId(name)
                .logEvents(false)
                .listener(event -> {
                    if (event instanceof SessionEvent.Resolved r && r.source() == SessionEvent.Source.NEAR_CACHE) {
                        hits.incrementAndGet();
                    }
                })
                .build();
    }

    /** Waits until the store's invalidation channel is confirmed, so that its copies are served. */
    static void awaitActive(NearCachedRedisStore store) {
        await("the near cache's channel is active")
                .atMost(Duration.ofSeconds(5))
                .pollInterval(Duration.ofMillis(10))
                .until(store::isActive);
    }

    /** Closes each of the resources that is not null, in order. */
    static void closeAll(AutoCloseable... resources) {
        for (AutoCloseable c : resources) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
