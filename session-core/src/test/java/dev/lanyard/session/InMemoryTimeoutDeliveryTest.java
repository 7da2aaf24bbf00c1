package dev.lanyard.session;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lanyard.session.memory.InMemorySessionStore;
import dev.lanyard.session.spi.ExpiryNotifyingStore;
import dev.lanyard.session.spi.SessionRecord;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/**
 * {@link InMemorySessionStore#purgeExpired()} reports at once even while the store's own timeout
 * thread is delivering: a test (or a caller) that purges and then reads what its subscriber heard
 * must find every timed-out session there, whichever thread told it.
 */
class InMemoryTimeoutDeliveryTest {

    private final TestClock clock = new TestClock();

    @Test
    void purgeExpiredReturnsOnlyOnceTheTimeoutThreadHasToldWhatItTookFromTheQueue() throws Exception {
        // A short sweep interval makes the store's timeout thread sweep every 50 ms of real time.
        InMemorySessionStore store = InMemorySessionStore.create(clock, Duration.ofMillis(50));
        List<SessionHandle> heard = new CopyOnWriteArrayList<>();
        CountDownLatch tickerDelivering = new CountDownLatch(1);
        CountDownLatch releaseTicker = new CountDownLatch(1);
        Thread testThread = Thread.currentThread();
        try (ExpiryNotifyingStore.Subscription subscription = store.onTimeout(r -> {
            if (Thread.currentThread() != testThread && tickerDelivering.getCount() > 0) {
                // The timeout thread, in the middle of telling: held here until the test lets it go.
                tickerDelivering.countDown();
                try {
                    releaseTicker.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            heard.add(r.handle());
        })) {
            SessionHandle handle = SessionId.generate(new SecureRandom()).handle();
            Instant now = clock.instant();
            assertThat(store.create(
                            SessionRecord.builder()
                                    .handle(handle)
                                    .createdAt(now)
                                    .lastAccessedAt(now)
                                    .idleTimeout(Duration.ofMinutes(1))
                                    .absoluteExpiry(now.plus(Duration.ofHours(1)))
                                    .build(),
                            Duration.ofMinutes(1)))
                    .isTrue();
            clock.advance(Duration.ofMinutes(2));
            assertThat(tickerDelivering.await(30, TimeUnit.SECONDS))
                    .as("the timeout thread swept and began to tell")
                    .isTrue();

            AtomicBoolean heardWhenPurgeReturned = new AtomicBoolean();
            Thread purger = new Thread(() -> {
                store.purgeExpired();
                heardWhenPurgeReturned.set(heard.contains(handle));
            });
            purger.start();
            // Either the purge waits for the delivery under way (parked), or it returned without it.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (purger.getState() != Thread.State.WAITING
                    && purger.getState() != Thread.State.TERMINATED
                    && System.nanoTime() < deadline) {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
            }
            releaseTicker.countDown();
            purger.join(TimeUnit.SECONDS.toMillis(30));

            assertThat(purger.isAlive()).isFalse();
            assertThat(heardWhenPurgeReturned)
                    .as("the subscriber had heard of the session when purgeExpired returned")
                    .isTrue();
            assertThat(heard).containsExactly(handle);
        } finally {
            releaseTicker.countDown();
            store.close();
        }
    }
}
