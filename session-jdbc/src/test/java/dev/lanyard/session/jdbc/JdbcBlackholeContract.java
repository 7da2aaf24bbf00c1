package dev.lanyard.session.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.lanyard.session.SessionHandle;
import dev.lanyard.session.SessionId;
import dev.lanyard.session.SessionStores;
import dev.lanyard.session.StoreUnavailableException;
import dev.lanyard.session.jdbc.testing.DatabaseProcess;
import dev.lanyard.session.spi.SessionRecord;
import dev.lanyard.session.spi.SessionStore;
import dev.lanyard.session.tck.net.FaultProxy;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A database that vanishes without a reset (a {@link FaultProxy} blackhole: nothing answers, nothing
 * is closed), under a store opened from a location. The statement timeout alone cannot end a call
 * then (its cancel request is not answered either); the socket timeout the location adds must, and
 * the store must use the database again once it is reachable. One subclass per dialect.
 */
abstract class JdbcBlackholeContract {

    private static final Logger LOG = LoggerFactory.getLogger(JdbcBlackholeContract.class);
    private static final Duration TIMEOUT = Duration.ofSeconds(1);
    /**
     * A failing call ends within this: a socket read of the query timeout plus one second, then
     * possibly a new connection's start-up bounded the same way, and a loaded machine's margin.
     */
    private static final Duration FAIL_WITHIN = Duration.ofSeconds(10);

    /** @return a private database server of the dialect under test, started */
    abstract DatabaseProcess startDatabase();

    /**
     * @param port the proxy's port on 127.0.0.1
     * @param query the store's own location parameters, to append
     * @return the store location that reaches the database through the proxy
     */
    abstract String location(int port, String query);

    @Test
    void aBlackholedDatabaseFailsCallsTypedWithinTheSocketTimeoutAndTheStoreRecovers() {
        SecureRandom random = new SecureRandom();
        try (DatabaseProcess db = startDatabase();
                FaultProxy proxy = FaultProxy.start("127.0.0.1", db.port())) {
            SessionStore store = SessionStores.open(location(
                    proxy.port(),
                    "schema=CREATE&timeout=PT1S&sweepInterval=PT0S&tablePrefix=" + JdbcTestSupport.freshPrefix()));
            try {
                SessionHandle handle = SessionId.generate(random).handle();
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
                for (int i = 0; i < 3; i++) {
                    long start = System.nanoTime();
                    // run apart, so that a read left to the kernel's retransmission horizon fails the test
                    // instead of holding it for fifteen minutes
                    assertThatThrownBy(() -> assertTimeoutPreemptively(FAIL_WITHIN, () -> store.load(handle)))
                            .isInstanceOf(StoreUnavailableException.class);
                    long took = System.nanoTime() - start;
                    slowest = Math.max(slowest, took);
                    assertThat(Duration.ofNanos(took))
                            .as("call %s while blackholed", i)
                            .isLessThan(FAIL_WITHIN);
                }

                proxy.restore();
                long restored = System.nanoTime();
                await().atMost(Duration.ofSeconds(15))
                        .pollInterval(Duration.ofMillis(50))
                        .ignoreException(StoreUnavailableException.class)
                        .until(() -> store.load(handle).isPresent());
                LOG.info(
                        "blackhole: {} (timeout {} ms): calls failed in at most {} ms; used again {} ms after "
                                + "the blackhole ended",
                        getClass().getSimpleName(),
                        TIMEOUT.toMillis(),
                        slowest / 1_000_000,
                        (System.nanoTime() - restored) / 1_000_000);
            } finally {
                store.close();
            }
        }
    }
}
