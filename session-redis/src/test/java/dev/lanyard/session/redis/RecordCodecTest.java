package dev.lanyard.session.redis;

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
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RecordCodecTest {

    private static final SessionHandle HANDLE =
            SessionId.generate(new SecureRandom()).handle();
    private static final Instant NOW = Instant.parse("2026-11-23T18:00:00.123Z");

    private static SessionRecord typical() {
        return SessionRecord.builder()
                .handle(HANDLE)
                .userId("alice@example.com")
                .version(3)
                .userVersion(2)
                .createdAt(NOW.minusSeconds(60))
                .lastAccessedAt(NOW)
                .idleTimeout(Duration.ofMinutes(30))
                .absoluteExpiry(NOW.plus(Duration.ofHours(12)))
                .authenticatedAt(NOW.minusSeconds(60))
                .lastNode("node-a")
                .client(ClientInfo.of(
                        "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0", "203.0.113.9"))
                .attributes(
                        Map.of("cart", "3 apples".getBytes(StandardCharsets.UTF_8), "_looks_like_meta", new byte[] {1}))
                .build();
    }

    private static Map<byte[], byte[]> asHash(List<byte[]> flat) {
        Map<byte[], byte[]> hash = new IdentityHashMap<>();
        for (int i = 0; i < flat.size(); i += 2) {
            hash.put(flat.get(i), flat.get(i + 1));
        }
        return hash;
    }

    @Test
    void aRecordRoundTripsThroughItsHashFields() {
        SessionRecord r = typical();
        assertThat(RecordCodec.decode(HANDLE, asHash(RecordCodec.encode(r)))).isEqualTo(r);
        assertThat(RecordCodec.decode(HANDLE, new ArrayList<Object>(RecordCodec.encode(r)), 0))
                .isEqualTo(r);
    }

    @Test
    void theWriteCounterIsReadWhenPresentIgnoredByTheRecordAndZeroWhenAbsent() {
        List<Object> flat = new ArrayList<>(RecordCodec.encode(typical()));
        assertThat(RecordCodec.writes(flat, 0))
                .as("a record written before the counter existed")
                .isZero();
        flat.add(RedisSchema.Field.WRITES.bytes);
        flat.add("42".getBytes(StandardCharsets.US_ASCII));
        assertThat(RecordCodec.writes(flat, 0)).isEqualTo(42);
        assertThat(RecordCodec.decode(HANDLE, flat, 0)).isEqualTo(typical());
        flat.set(flat.size() - 1, "x".getBytes(StandardCharsets.US_ASCII));
        assertThat(RecordCodec.writes(flat, 0))
                .as("an unreadable counter orders nothing")
                .isZero();
    }

    @Test
    void anAnonymousRecordWithoutOptionalFieldsRoundTrips() {
        SessionRecord r = SessionRecord.builder()
                .handle(HANDLE)
                .createdAt(NOW)
                .lastAccessedAt(NOW)
                .idleTimeout(Duration.ofMinutes(15))
                .absoluteExpiry(NOW.plusSeconds(3600))
                .build();
        assertThat(RecordCodec.decode(HANDLE, asHash(RecordCodec.encode(r)))).isEqualTo(r);
    }

    @Test
    void lifetimesAreStoredAsOffsetsFromCreationAndMayPrecedeIt() {
        Instant created = NOW.minusSeconds(60);
        SessionRecord login = SessionRecord.builder()
                .handle(HANDLE)
                .userId("alice")
                .version(2)
                .createdAt(created)
                .lastAccessedAt(NOW)
                .idleTimeout(Duration.ofMinutes(30))
                .absoluteExpiry(created.plus(Duration.ofHours(12)))
                .authenticatedAt(created)
                .build();
        assertThat(meta(login)).isEqualTo("2." + Long.toString(created.toEpochMilli(), 36) + ".ppxc0.0");
        assertThat(RecordCodec.decode(HANDLE, asHash(RecordCodec.encode(login))))
                .isEqualTo(login);
        // A rotated session keeps an authentication time from before its own creation.
        SessionRecord rotated = SessionRecord.builder()
                .handle(HANDLE)
                .userId("alice")
                .version(3)
                .createdAt(NOW)
                .lastAccessedAt(NOW)
                .idleTimeout(Duration.ofMinutes(30))
                .absoluteExpiry(NOW.plus(Duration.ofHours(1)))
                .authenticatedAt(NOW.minusSeconds(600))
                .build();
        assertThat(meta(rotated)).endsWith(".-" + Long.toString(600_000, 36));
        assertThat(RecordCodec.decode(HANDLE, asHash(RecordCodec.encode(rotated))))
                .isEqualTo(rotated);
    }

    @Test
    void offsetsThatOverflowMakeTheRecordUnreadable() {
        Map<byte[], byte[]> hash = asHash(RecordCodec.encode(typical()));
        for (Map.Entry<byte[], byte[]> e : hash.entrySet()) {
            if (new String(e.getKey(), StandardCharsets.UTF_8).equals("m")) {
                e.setValue(
                        ("1." + Long.toString(Long.MAX_VALUE - 5, 36) + "." + Long.toString(Long.MAX_VALUE, 36) + ".")
                                .getBytes(StandardCharsets.UTF_8));
            }
        }
        assertThatThrownBy(() -> RecordCodec.decode(HANDLE, hash)).isInstanceOf(UnreadableSessionException.class);
    }

    private static String meta(SessionRecord r) {
        List<byte[]> flat = RecordCodec.encode(r);
        for (int i = 0; i < flat.size(); i += 2) {
            if (new String(flat.get(i), StandardCharsets.UTF_8).equals("m")) {
                return new String(flat.get(i + 1), StandardCharsets.UTF_8);
            }
        }
        throw new AssertionError("no packed metadata");
    }

    @Test
    void everyMetadataValueOfATypicalSessionFitsListpackLimits() {
        List<byte[]> flat = RecordCodec.encode(typical());
        for (int i = 0; i < flat.size(); i += 2) {
            assertThat(flat.get(i + 1).length)
                    .as(new String(flat.get(i), StandardCharsets.UTF_8))
                    .isLessThanOrEqualTo(64);
        }
    }

    @Test
    void attributesCannotCollideWithMetadata() {
        List<byte[]> flat = RecordCodec.encode(typical());
        List<String> names = new ArrayList<>();
        for (int i = 0; i < flat.size(); i += 2) {
            names.add(new String(flat.get(i), StandardCharsets.UTF_8));
        }
        assertThat(names).contains("_cart", "__looks_like_meta", "m", "l", "i", "z", "u");
        assertThat(names.stream().filter(n -> !n.startsWith("_"))).allMatch(n -> n.length() == 1);
    }

    @Test
    void missingOrDamagedMetadataIsUnreadableNamingTheHandleOnly() {
        Map<String, String> damaged = new HashMap<>();
        damaged.put("m", "not packed metadata");
        damaged.put("l", "12");
        damaged.put("i", "12");
        Map<byte[], byte[]> hash = new IdentityHashMap<>();
        damaged.forEach((k, v) -> hash.put(k.getBytes(StandardCharsets.UTF_8), v.getBytes(StandardCharsets.UTF_8)));
        assertThatThrownBy(() -> RecordCodec.decode(HANDLE, hash))
                .isInstanceOf(UnreadableSessionException.class)
                .hasMessageContaining(HANDLE.value())
                .hasMessageNotContaining("not packed");
        Map<byte[], byte[]> noMeta = new IdentityHashMap<>();
        noMeta.put("_cart".getBytes(StandardCharsets.UTF_8), new byte[] {1});
        assertThatThrownBy(() -> RecordCodec.decode(HANDLE, noMeta)).isInstanceOf(UnreadableSessionException.class);
    }

    @Test
    void everyScriptHasItsOwnDigest() {
        assertThat(java.util.Arrays.stream(Script.values())
                        .map(Script::sha)
                        .distinct()
                        .count())
                .isEqualTo(Script.values().length);
        assertThat(Script.CREATE.sha()).hasSize(40);
    }

    @Test
    void packedPartsSplitAsTheRegexDidAndRefuseAnyOtherCount() {
        for (String packed : new String[] {"1.2.3.4", "a.b.c.", "...", "1a.zz..9", ".x.y.z"}) {
            assertThat(RecordCodec.packedParts(packed)).containsExactly(packed.split("\\.", -1));
        }
        for (String packed : new String[] {"", "1", "1.2", "1.2.3", "1.2.3.4.5", "....", "1.2.3.4."}) {
            assertThatThrownBy(() -> RecordCodec.packedParts(packed)).isInstanceOf(IllegalArgumentException.class);
        }
    }
}
