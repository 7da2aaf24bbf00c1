package dev.lanyard.session.memcached;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lanyard.session.ClientInfo;
import dev.lanyard.session.NewSession;
import dev.lanyard.session.SessionManager;
import dev.lanyard.session.SessionUpdate;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What one session costs in Memcached's memory, as Memcached itself counts it ({@code stats bytes}:
 * item headers, keys and values): the figure the sizing rule in docs/memcached.md starts from.
 */
class MemcachedFootprintIT {

    private static final Logger LOG = LoggerFactory.getLogger(MemcachedFootprintIT.class);
    private static final int SESSIONS = 1_000;

    @Test
    void aLoggedInSessionWithThreeSmallAttributesTakesUnderHalfAKilobyte() {
        try (MemcachedSupport support = MemcachedSupport.local(1);
                MemcachedSessionStore store = support.store(Clock.systemUTC())) {
            SessionManager manager =
                    SessionManager.builder(store).logEvents(false).build();
            String server = support.servers.get(0);
            long before = support.direct.stat(server, "bytes");
            for (int i = 0; i < SESSIONS; i++) {
                NewSession s = manager.login(
                        null,
                        "user-" + i + "@example.com",
                        ClientInfo.of("Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0", "192.0.2.17"));
                manager.save(
                                s.session(),
                                SessionUpdate.builder()
                                        .put("cart", "3 apples")
                                        .put("theme", "dark")
                                        .put("visits", i)
                                        .build())
                        .orElseThrow();
            }
            long perSession = (support.direct.stat(server, "bytes") - before) / SESSIONS;
            LOG.info("bytes per session in memcached (item header, key and value; 3 small attributes): {}", perSession);
            assertThat(perSession).isPositive().isLessThan(512);
        }
    }
}
