package dev.lanyard.session.memcached;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.lanyard.session.SessionHandle;
import dev.lanyard.session.SessionId;
import dev.lanyard.session.StoreUnavailableException;
import dev.lanyard.session.memcached.testing.MemcachedProcess;
import dev.lanyard.session.spi.SessionRecord;
import dev.lanyard.session.tck.net.FaultProxy;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Memcached server that vanishes without a reset (a {@link FaultProxy} blackhole: nothing
 * answers, nothing is closed): calls fail typed within the timeout, and the store uses the server
 * again within seconds once it is reachable, without a restart (XMemcached's own heartbeat alone
 * takes about 20 s: the store closes a connection after three timeouts in a row).
 */
class MemcachedBlackholeIT {

    private static final Logger LOG = LoggerFactory.getLogger(MemcachedBlackholeIT.class);
    private static final Duration TIMEOUT = Duration.ofMillis(300);

    @Test
    void aBlackholedServerFailsCallsTypedWithinTheTimeoutAndTheStoreRecovers() {
        try (MemcachedProcess server = MemcachedProcess.start();
                FaultProxy proxy = FaultProxy.start("127.0.0.1", server.port());
                MemcachedSessionStore store = MemcachedSessionStore.open(
                        MemcachedOptions.builder()
                                .keyPrefix("blackhole:")
                                .server("127.0.0.1:" + proxy.port())
                                .timeout(TIMEOUT)
                                .connectTimeout(TIMEOUT)
                                .build(),
                        Clock.systemUTC())) {
            SessionHandle handle = SessionId.generate(new SecureRandom()).handle();
            Instant now = Instant.now();
            SessionRecord record = SessionRecord.builder()
                    .handle(handle)
                    .createdAt(now)
                    .lastAccessedAt(now)
                    .idleTimeout(Duration.ofMinutes(30))
                    .absoluteExpiry(now.plus(Duration.ofHours(1)))
                    .build();
            assertThat(store.create(record, Duration.ofMinutes(30))).isTrue();

            proxy.blackhole();
            long slowest = 0;
            for (int i = 0; i < 10; i++) {
                long start = System.nanoTime();
                assertThatThrownBy(() -> store.load(handle)).isInstanceOf(StoreUnavailableException.class);
                long took = System.nanoTime() - start;
                slowest = Math.max(slowest, took);
                assertThat(Duration.ofNanos(took))
                        .as("call %s while blackholed", i)
                        .isLessThan(TIMEOUT.plusSeconds(2));
            }

            proxy.restore();
            long restored = System.nanoTime();
            await("the store uses the server again")
                    .atMost(Duration.ofSeconds(10))
                    .pollInterval(Duration.ofMillis(100))
                    .ignoreException(StoreUnavailableException.class)
                    .until(() -> store.load(handle).isPresent());
            LOG.info(
                    "blackhole: Memcached (timeout {} ms): calls failed in at most {} ms; used again {} ms after the "
                            + "blackhole ended",
                    TIMEOUT.toMillis(),
                    slowest / 1_000_000,
                    (System.nanoTime() - restored) / 1_000_000);
        }
    }
}
