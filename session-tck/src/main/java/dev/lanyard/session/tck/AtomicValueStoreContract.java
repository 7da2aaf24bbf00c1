package dev.lanyard.session.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lanyard.session.spi.AtomicValueStore;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The contract of stores that also implement {@link AtomicValueStore}. Extend it in the
 * adapter's tests, alongside {@link SessionStoreContract}.
 *
 * @since 0.1.0
 */
public abstract class AtomicValueStoreContract {

    private static final Duration TTL = Duration.ofMinutes(5);

    /** The clock the test controls. */
    protected MutableClock clock;

    /** The store under test, fresh for each test. */
    protected AtomicValueStore values;

    /**
     * Creates the store under test.
     *
     * @param clock the test's clock, for stores that follow one
     * @return a new store
     */
    protected abstract AtomicValueStore createValueStore(MutableClock clock);

    /**
     * Makes time pass until a value written with {@code ttl} has expired in the backend. The
     * default advances {@link #clock}; stores on real time wait for the key to disappear.
     *
     * @param key the key
     * @param ttl the TTL it was written with
     */
    protected void awaitExpiry(String key, Duration ttl) {
        clock.advance(ttl.plusMillis(1));
    }

    /**
     * Releases the store after each test; the default closes it when it is {@link AutoCloseable}.
     *
     * @throws Exception if closing fails
     */
    @AfterEach
    protected void closeValueStore() throws Exception {
        if (values instanceof AutoCloseable closeable) {
            closeable.close();
        }
    }

    @BeforeEach
    void openValueStore() {
        clock = MutableClock.startingNow();
        values = createValueStore(clock);
    }

    private static String key() {
        return "tck:" + UUID.randomUUID();
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void anAbsentKeyReadsEmpty() {
        assertThat(values.get(key())).isEmpty();
    }

    @Test
    void putIfAbsentWritesOnceOnly() {
        String key = key();
        assertThat(values.putIfAbsent(key, bytes("first"), TTL)).isTrue();
        assertThat(values.putIfAbsent(key, bytes("second"), TTL)).isFalse();
        assertThat(values.get(key)).hasValueSatisfying(v -> assertThat(v).isEqualTo(bytes("first")));
    }

    @Test
    void compareAndSetReplacesOnlyTheExpectedValue() {
        String key = key();
        values.putIfAbsent(key, bytes("v1"), TTL);
        assertThat(values.compareAndSet(key, bytes("other"), bytes("v2"), TTL)).isFalse();
        assertThat(values.compareAndSet(key, bytes("v1"), bytes("v2"), TTL)).isTrue();
        assertThat(values.get(key)).hasValueSatisfying(v -> assertThat(v).isEqualTo(bytes("v2")));
        assertThat(values.compareAndSet(key(), bytes("v1"), bytes("v2"), TTL)).isFalse();
    }

    @Test
    void ofRacingCompareAndSetsExactlyOneWins() throws Exception {
        String key = key();
        values.putIfAbsent(key, bytes("start"), TTL);
        int threads = 32;
        AtomicInteger winners = new AtomicInteger();
        Races.run(threads, n -> {
            if (values.compareAndSet(key, bytes("start"), bytes("winner-" + n), TTL)) {
                winners.incrementAndGet();
            }
        });
        assertThat(winners.get()).isEqualTo(1);
    }

    @Test
    void removeIsIdempotent() {
        String key = key();
        values.putIfAbsent(key, bytes("v"), TTL);
        assertThat(values.remove(key)).isTrue();
        assertThat(values.remove(key)).isFalse();
        assertThat(values.get(key)).isEmpty();
    }

    @Test
    void valuesExpireWithTheirTtl() {
        String key = key();
        Duration shortTtl = Duration.ofMillis(1500);
        values.putIfAbsent(key, bytes("v"), shortTtl);
        awaitExpiry(key, shortTtl);
        assertThat(values.get(key)).isEmpty();
        assertThat(values.putIfAbsent(key, bytes("again"), TTL)).isTrue();
    }

    @Test
    void binaryValuesRoundTrip() {
        byte[] all = new byte[256];
        for (int i = 0; i < all.length; i++) {
            all[i] = (byte) i;
        }
        String key = key();
        values.putIfAbsent(key, all, TTL);
        assertThat(values.get(key)).hasValueSatisfying(v -> assertThat(v).isEqualTo(all));
    }

    @Test
    void badKeysAndOversizedValuesAreRefused() {
        assertThatThrownBy(() -> values.putIfAbsent("", bytes("v"), TTL)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> values.putIfAbsent("has space", bytes("v"), TTL))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> values.putIfAbsent(key(), new byte[AtomicValueStore.MAX_VALUE_BYTES + 1], TTL))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
