package dev.lanyard.session.memcached;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.lanyard.session.SessionHandle;
import dev.lanyard.session.SessionId;
import dev.lanyard.session.StoreUnavailableException;
import dev.lanyard.session.memcached.testing.MemcachedProcess;
import dev.lanyard.session.spi.SessionRecord;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The store starts without its server, fails fast and typed while it is away, and recovers without a restart. */
class MemcachedUnavailableIT {

    private static SessionRecord record(SessionHandle handle) {
        Instant now = Instant.now();
        return SessionRecord.builder()
                .handle(handle)
                .createdAt(now)
                .lastAccessedAt(now)
                .idleTimeout(Duration.ofMinutes(30))
                .absoluteExpiry(now.plus(Duration.ofHours(1)))
                .build();
    }

    @Test
    void startsWithoutItsServerFailsWithinTheTimeoutAndRecoversWhenTheServerComes() {
        try (MemcachedSupport support = MemcachedSupport.local(1)) {
            MemcachedProcess server = support.processes.get(0);
            server.kill();
            MemcachedOptions options = support.options()
                    .timeout(Duration.ofMillis(300))
                    .connectTimeout(Duration.ofMillis(300))
                    .build();
            long opening = System.nanoTime();
            try (MemcachedSessionStore store = MemcachedSessionStore.open(options, Clock.systemUTC())) {
                assertThat(Duration.ofNanos(System.nanoTime() - opening)).isLessThan(Duration.ofSeconds(5));
                SessionHandle handle = SessionId.generate(new SecureRandom()).handle();

                for (int i = 0; i < 3; i++) {
                    long start = System.nanoTime();
                    assertThatThrownBy(() -> store.load(handle)).isInstanceOf(StoreUnavailableException.class);
                    assertThatThrownBy(() -> store.create(record(handle), Duration.ofMinutes(1)))
                            .isInstanceOf(StoreUnavailableException.class);
                    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
                }

                server.restart();
                await().atMost(Duration.ofSeconds(15))
                        .pollInterval(Duration.ofMillis(100))
                        .ignoreExceptions()
                        .until(() -> store.create(record(handle), Duration.ofMinutes(1)));
                assertThat(store.load(handle)).isPresent();
                assertThat(store.stats().unavailable()).isPositive();
            }
        }
    }
}
