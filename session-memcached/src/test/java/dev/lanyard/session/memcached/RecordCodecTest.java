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
import java.util.HexFormat;
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

    /**
     * Items outlive a deployment: nodes of the previous and the next version read each other's
     * items during a rolling upgrade. These bytes were written by the first version of the codec
     * (streams); every later version must read them to the same session and write it back to the
     * same bytes.
     */
    @Test
    void theLayoutIsTheOneEarlierVersionsWrote() {
        SessionRecord record = SessionRecord.builder()
                .handle(handle)
                .userId("alice")
                .version(3)
                .userVersion(2)
                .createdAt(now)
                .lastAccessedAt(now.plusMillis(5))
                .idleTimeout(Duration.ofMinutes(30).plusNanos(7))
                .absoluteExpiry(now.plus(Duration.ofHours(12)))
                .authenticatedAt(now)
                .lastNode("node-\u00e4")
                .client(ClientInfo.of("Firefox/128", "192.0.2.7"))
                .attributes(Map.of("cart", "3 \u00e4pples".getBytes(StandardCharsets.UTF_8)))
                .build();
        byte[] written = HexFormat.of()
                .parseHex("4c0100000001a25060f0db00000000000000030000000000000002000000006b169fc0075bcd1500"
                        + "0000006b169fc007a81855000000000000070800000007000000006b174880075bcd150100000000"
                        + "6b169fc0075bcd150100000005616c69636501000000076e6f64652dc3a40000000b46697265666f"
                        + "78203132380000000c3139322e302e322e302f3234000000010000000463617274000000093320c3"
                        + "a470706c6573");
        assertThat(RecordCodec.decode(handle, written).record()).isEqualTo(record);
        assertThat(RecordCodec.encode(record, now.plusSeconds(60))).isEqualTo(written);

        SessionRecord anonymous = SessionRecord.builder()
                .handle(handle)
                .createdAt(now)
                .lastAccessedAt(now)
                .idleTimeout(Duration.ofMinutes(15))
                .absoluteExpiry(now.plus(Duration.ofHours(12)))
                .build();
        byte[] anonymousWritten = HexFormat.of()
                .parseHex("4c0100000001a25060f0db00000000000000010000000000000000000000006b169fc0075bcd1500"
                        + "0000006b169fc0075bcd15000000000000038400000000000000006b174880075bcd150000000000"
                        + "00000000000000000000");
        assertThat(RecordCodec.decode(handle, anonymousWritten).record()).isEqualTo(anonymous);
        assertThat(RecordCodec.encode(anonymous, now.plusSeconds(60))).isEqualTo(anonymousWritten);

        assertThat(RecordCodec.tombstone(now.plusSeconds(5)))
                .isEqualTo(HexFormat.of().parseHex("4c0101000001a250601a03"));
    }

    /** A delta's write encodes as the record built from the changed values would. */
    @Test
    void encodingWithChangedValuesEqualsEncodingTheChangedRecord() {
        SessionRecord old = record();
        Map<String, byte[]> attributes = Map.of("other", new byte[] {1, 2});
        SessionRecord changed = old.mutate()
                .lastAccessedAt(now.plusSeconds(9))
                .idleTimeout(Duration.ofMinutes(5))
                .lastNode("node-b")
                .attributes(attributes)
                .build();
        assertThat(RecordCodec.encode(
                        old, now.plusSeconds(9), Duration.ofMinutes(5), "node-b", attributes, now.plusSeconds(60)))
                .isEqualTo(RecordCodec.encode(changed, now.plusSeconds(60)));
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
