package dev.lanyard.session.memcached;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lanyard.session.SessionHandle;
import dev.lanyard.session.SessionId;
import dev.lanyard.session.spi.SessionDelta;
import dev.lanyard.session.spi.SessionRecord;
import dev.lanyard.session.spi.UpdateResult;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Compare-and-set under contention: many writers of one session, each its own attributes, none lost. */
class MemcachedCasRaceIT {

    private static final Logger LOG = LoggerFactory.getLogger(MemcachedCasRaceIT.class);
    private static final int THREADS = 32;
    private static final int WRITES_PER_THREAD = 25;

    private static MemcachedSupport support;

    @BeforeAll
    static void startMemcached() {
        support = MemcachedSupport.servers(1);
    }

    @AfterAll
    static void stopMemcached() {
        if (support != null) {
            support.close();
        }
    }

    @Test
    void thirtyTwoWritersOfDifferentAttributesOfOneSessionLoseNothing() throws Exception {
        // Generous bounds: 32 threads on two shared cores, each write its own bounded retry loop.
        MemcachedOptions options = support.options()
                .timeout(Duration.ofSeconds(20))
                .casRetries(10_000)
                .build();
        try (MemcachedSessionStore store = MemcachedSessionStore.open(options, Clock.systemUTC())) {
            Instant now = Instant.now();
            SessionHandle handle = SessionId.generate(new SecureRandom()).handle();
            assertThat(store.create(
                            SessionRecord.builder()
                                    .handle(handle)
                                    .createdAt(now)
                                    .lastAccessedAt(now)
                                    .idleTimeout(Duration.ofMinutes(30))
                                    .absoluteExpiry(now.plus(Duration.ofHours(1)))
                                    .build(),
                            Duration.ofMinutes(30)))
                    .isTrue();

            ExecutorService pool = Executors.newFixedThreadPool(THREADS);
            try {
                CountDownLatch start = new CountDownLatch(1);
                List<Future<?>> writers = new ArrayList<>();
                for (int t = 0; t < THREADS; t++) {
                    int thread = t;
                    writers.add(pool.submit(() -> {
                        start.await();
                        for (int i = 0; i < WRITES_PER_THREAD; i++) {
                            SessionDelta delta = new SessionDelta(
                                    Map.of("t" + thread + "-" + i, ("v" + i).getBytes(StandardCharsets.UTF_8)),
                                    Set.of(),
                                    Instant.now(),
                                    null,
                                    "node-" + thread,
                                    Duration.ofMinutes(30),
                                    Long.MAX_VALUE);
                            assertThat(store.update(handle, delta).status()).isEqualTo(UpdateResult.Status.APPLIED);
                        }
                        return null;
                    }));
                }
                start.countDown();
                for (Future<?> writer : writers) {
                    writer.get(120, TimeUnit.SECONDS);
                }
            } finally {
                pool.shutdownNow();
            }

            Map<String, byte[]> attributes = store.load(handle).orElseThrow().attributes();
            assertThat(attributes).hasSize(THREADS * WRITES_PER_THREAD);
            for (int t = 0; t < THREADS; t++) {
                for (int i = 0; i < WRITES_PER_THREAD; i++) {
                    assertThat(new String(attributes.get("t" + t + "-" + i), StandardCharsets.UTF_8))
                            .isEqualTo("v" + i);
                }
            }
            MemcachedStoreStats stats = store.stats();
            assertThat(stats.casWrites()).isEqualTo(THREADS * WRITES_PER_THREAD);
            assertThat(stats.casGiveUps()).isZero();
            LOG.info(
                    "CAS under {} writers: {} writes, {} retries, retry share {}",
                    THREADS,
                    stats.casWrites(),
                    stats.casRetries(),
                    String.format("%.3f", stats.casRetryShare()));
        }
    }
}
