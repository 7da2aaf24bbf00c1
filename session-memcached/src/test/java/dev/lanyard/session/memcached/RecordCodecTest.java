package dev.lanyard.session.memcached;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lanyard.session.ClientInfo;
import dev.lanyard.session.SessionHandle;
import dev.lanyard.session.SessionId;
import dev.lanyard.session.UnreadableSessionException;
import dev.lanyard.session.spi.SessionRecord;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RecordCodecTest {

    private final SessionHandle handle = SessionId.generate(new SecureRandom()).handle();
    private final Instant now = Instant.parse("2026-12-07T12:00:00.123456789Z");

    private SessionRecord record() {
        return SessionRecord.builder()
                .handle(handle)
                .userId("alice")
                .version(3)
                .userVersion(2)
                .createdAt(now)
                .lastAccessedAt(now)
                .idleTimeout(Duration.ofMinutes(30))
                .absoluteExpiry(now.plus(Duration.ofHours(12)))
                .authenticatedAt(now)
                .lastNode("node-a")
                .client(ClientInfo.of("Firefox/128", "192.0.2.7"))
                .attributes(Map.of("cart", "3 apples".getBytes(StandardCharsets.UTF_8), "empty", new byte[0]))
                .build();
    }

    @Test
    void aRecordRoundTripsWithItsDeadline() {
        byte[] bytes = RecordCodec.encode(record(), now.plusSeconds(60));
        RecordCodec.Item item = RecordCodec.decode(handle, bytes);
        assertThat(item.record()).isEqualTo(record());
        assertThat(item.deadline()).isEqualTo(now.plusSeconds(60).truncatedTo(java.time.temporal.ChronoUnit.MILLIS));
        assertThat(item.liveAt(now)).isTrue();
        assertThat(item.liveAt(now.plusSeconds(60))).isFalse();
    }

    @Test
    void aTombstoneIsNoSession() {
        RecordCodec.Item item = RecordCodec.decode(handle, RecordCodec.tombstone(now.plusSeconds(5)));
        assertThat(item.moved()).isTrue();
        assertThat(item.liveAt(now)).isFalse();
    }

    @Test
    void damagedBytesAreUnreadableAndNameTheHandle() {
        byte[] bytes = RecordCodec.encode(record(), now.plusSeconds(60));
        for (byte[] damaged : new byte[][] {
            {0},
            "garbage".getBytes(StandardCharsets.US_ASCII),
            Arrays.copyOf(bytes, bytes.length - 3),
            Arrays.copyOf(bytes, bytes.length + 1)
        }) {
            assertThatThrownBy(() -> RecordCodec.decode(handle, damaged))
                    .isInstanceOf(UnreadableSessionException.class)
                    .satisfies(e -> assertThat(((UnreadableSessionException) e).handle())
                            .isEqualTo(handle));
        }
    }

    @Test
    void aDamagedLengthNeverAllocatesWhatItClaims() {
        byte[] bytes = RecordCodec.encode(record(), now.plusSeconds(60));
        // the user ID's length field follows the fixed header; claim 2 GiB
        byte[] damaged = bytes.clone();
        int lengthAt = 3 + 8 + 8 + 8 + 12 + 12 + 12 + 12 + 1 + 12 + 1;
        damaged[lengthAt] = 0x7f;
        assertThatThrownBy(() -> RecordCodec.decode(handle, damaged)).isInstanceOf(UnreadableSessionException.class);
    }

    @Test
    void memcachedExpiryRoundsUpToWholeSeconds() {
        assertThat(MemcachedSessionStore.expiry(Duration.ofMillis(1500))).isEqualTo(2);
        assertThat(MemcachedSessionStore.expiry(Duration.ofMillis(1))).isEqualTo(1);
        assertThat(MemcachedSessionStore.expiry(Duration.ofMinutes(30))).isEqualTo(1800);
        assertThat(MemcachedSessionStore.expiry(Duration.ofDays(40)))
                .isGreaterThan((int) (System.currentTimeMillis() / 1000));
    }
}
