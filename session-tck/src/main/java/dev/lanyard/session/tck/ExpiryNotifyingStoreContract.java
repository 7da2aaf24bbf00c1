package dev.lanyard.session.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.lanyard.session.SessionHandle;
import dev.lanyard.session.SessionId;
import dev.lanyard.session.spi.ExpiryNotifyingStore;
import dev.lanyard.session.spi.Rotation;
import dev.lanyard.session.spi.SessionDelta;
import dev.lanyard.session.spi.SessionRecord;
import dev.lanyard.session.spi.UpdateResult;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The contract of stores that report timeouts ({@link ExpiryNotifyingStore}): a session that times
 * out is reported once, with its last record, after it is gone; sessions ended any other way, or
 * kept alive, are not; every open subscription hears each report and a closed one hears nothing.
 * Stores on real time let their TTLs run out (sessions here live {@link #shortTtl()}); stores on
 * the test clock advance it in {@link #timePasses}.
 *
 * @since 0.1.0
 */
public abstract class ExpiryNotifyingStoreContract {

    private static final SecureRandom RANDOM = new SecureRandom();
    /** A TTL no test outlives. */
    protected static final Duration LONG_TTL = Duration.ofMinutes(30);

    /** The clock the store under test was created with. */
    protected MutableClock clock;
    /** The store under test. */
    protected ExpiryNotifyingStore store;

    /**
     * Creates the store under test, configured to report timeouts, on a fresh or emptied backend.
     *
     * @param clock the test clock
     * @return the store
     */
    protected abstract ExpiryNotifyingStore createStore(MutableClock clock);

    /**
     * Lets sessions written with {@code ttl} time out, and gives the store the chance to notice.
     * Stores on the test clock advance {@link #clock} and sweep; stores on real time need do
     * nothing, as the tests wait up to {@link #reportWithin()} for reports.
     *
     * @param ttl the TTL the sessions were written with
     */
    protected abstract void timePasses(Duration ttl);

    /**
     * @return the TTL of the sessions meant to time out; real-time stores keep it short
     */
    protected Duration shortTtl() {
        return Duration.ofMillis(1500);
    }

    /**
     * @return how long a test waits for a report once {@link #timePasses} returned
     */
    protected Duration reportWithin() {
        return Duration.ofSeconds(15);
    }

    @BeforeEach
    void openStore() {
        clock = MutableClock.startingNow();
        store = createStore(clock);
    }

    @AfterEach
    void closeStore() {
        if (store != null) {
            store.close();
        }
    }

    private static SessionHandle newHandle() {
        return SessionId.generate(RANDOM).handle();
    }

    private SessionRecord created(Duration ttl, Map<String, byte[]> attributes) {
        Instant now = clock.instant();
        SessionRecord r = SessionRecord.builder()
                .handle(newHandle())
                .createdAt(now)
                .lastAccessedAt(now)
                .idleTimeout(ttl)
                .absoluteExpiry(now.plus(LONG_TTL))
                .lastNode("node-a")
                .attributes(attributes)
                .build();
        assertThat(store.create(r, ttl)).isTrue();
        return r;
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static List<SessionHandle> handles(ConcurrentLinkedQueue<SessionRecord> reports) {
        return reports.stream().map(SessionRecord::handle).toList();
    }

    private void awaitReported(ConcurrentLinkedQueue<SessionRecord> reports, SessionHandle handle) {
        await("the store reports " + handle + " as timed out")
                .atMost(reportWithin())
                .pollInterval(Duration.ofMillis(20))
                .until(() -> handles(reports).contains(handle));
    }

    @Test
    void theStoreSaysItReportsTimeouts() {
        assertThat(store.reportsTimeouts()).isTrue();
    }

    @Test
    void aSessionThatTimesOutIsReportedOnceWithItsLastRecordAfterItIsGone() {
        ConcurrentLinkedQueue<SessionRecord> reports = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<Boolean> goneWhenReported = new ConcurrentLinkedQueue<>();
        try (ExpiryNotifyingStore.Subscription subscription = store.onTimeout(r -> {
            goneWhenReported.add(store.load(r.handle()).isEmpty());
            reports.add(r);
        })) {
            SessionRecord r = created(shortTtl(), Map.of("cart", bytes("2 pears")));
            assertThat(store.update(
                                    r.handle(),
                                    new SessionDelta(
                                            Map.of("theme", bytes("dark")),
                                            Set.of(),
                                            clock.instant(),
                                            null,
                                            null,
                                            shortTtl(),
                                            Long.MAX_VALUE))
                            .status())
                    .isEqualTo(UpdateResult.Status.APPLIED);

            timePasses(shortTtl());
            awaitReported(reports, r.handle());

            SessionRecord reported = reports.stream()
                    .filter(x -> x.handle().equals(r.handle()))
                    .findFirst()
                    .orElseThrow();
            assertThat(reported.attributes()).containsOnlyKeys("cart", "theme");
            assertThat(new String(reported.attributes().get("theme"), StandardCharsets.UTF_8))
                    .isEqualTo("dark");
            assertThat(reported.lastNode()).isEqualTo("node-a");
            assertThat(goneWhenReported).containsOnly(true);
            assertThat(store.load(r.handle())).isEmpty();

            // A later timeout, reported, shows the first was not reported twice meanwhile.
            SessionRecord marker = created(shortTtl(), Map.of());
            timePasses(shortTtl());
            awaitReported(reports, marker.handle());
            assertThat(handles(reports)).containsOnlyOnce(r.handle());
        }
    }

    @Test
    void sessionsEndedOtherwiseOrKeptAliveAreNotReported() {
        ConcurrentLinkedQueue<SessionRecord> reports = new ConcurrentLinkedQueue<>();
        try (ExpiryNotifyingStore.Subscription subscription = store.onTimeout(reports::add)) {
            SessionRecord deleted = created(shortTtl(), Map.of());
            SessionRecord rotated = created(shortTtl(), Map.of());
            SessionRecord kept = created(shortTtl(), Map.of());
            assertThat(store.delete(deleted.handle())).isTrue();
            SessionHandle next = newHandle();
            assertThat(store.rotate(
                            rotated.handle(),
                            Rotation.builder()
                                    .newHandle(next)
                                    .lastAccessedAt(clock.instant())
                                    .ttl(LONG_TTL)
                                    .build()))
                    .isPresent();
            assertThat(store.update(
                                    kept.handle(),
                                    new SessionDelta(
                                            Map.of(),
                                            Set.of(),
                                            clock.instant(),
                                            LONG_TTL,
                                            null,
                                            LONG_TTL,
                                            Long.MAX_VALUE))
                            .status())
                    .isEqualTo(UpdateResult.Status.APPLIED);
            SessionRecord marker = created(shortTtl(), Map.of());

            timePasses(shortTtl());
            awaitReported(reports, marker.handle());

            assertThat(handles(reports)).doesNotContain(deleted.handle(), rotated.handle(), next, kept.handle());
            assertThat(store.load(next)).isPresent();
            assertThat(store.load(kept.handle())).isPresent();
        }
    }

    @Test
    void everyOpenSubscriptionHearsEachReportAndAClosedOneNothing() {
        ConcurrentLinkedQueue<SessionRecord> closed = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<SessionRecord> first = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<SessionRecord> second = new ConcurrentLinkedQueue<>();
        ExpiryNotifyingStore.Subscription gone = store.onTimeout(closed::add);
        try (ExpiryNotifyingStore.Subscription thrower = store.onTimeout(r -> {
                    throw new IllegalStateException("a subscriber that fails");
                });
                ExpiryNotifyingStore.Subscription a = store.onTimeout(first::add);
                ExpiryNotifyingStore.Subscription b = store.onTimeout(second::add)) {
            gone.close();
            gone.close();
            SessionRecord r = created(shortTtl(), Map.of());

            timePasses(shortTtl());
            awaitReported(first, r.handle());
            awaitReported(second, r.handle());

            assertThat(closed).isEmpty();
        }
    }
}
