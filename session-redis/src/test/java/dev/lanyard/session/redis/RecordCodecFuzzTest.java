package dev.lanyard.session.redis;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.lanyard.session.SessionHandle;
import dev.lanyard.session.SessionId;
import dev.lanyard.session.UnreadableSessionException;
import dev.lanyard.session.spi.SessionRecord;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Fuzzes {@link RecordCodec}'s decoding of a session hash, whose bytes whoever can write to Redis
 * controls: any hash decodes to a record or is refused with an {@link UnreadableSessionException}
 * (which the manager turns into {@code UNREADABLE}), never another exception. A record that decodes encodes back to the same record.
 *
 * <p>The input is shaped as a hash: each metadata field present or not, then attribute fields.
 * {@code mvn verify} replays the inputs under {@code RecordCodecFuzzTestInputs}; a fuzzing run is
 * described in {@code docs/testing.md}.
 */
class RecordCodecFuzzTest {

    private static final List<String> META_FIELDS = List.of("m", "l", "i", "z", "u", "w", "n", "a", "p");
    private final SessionHandle handle = SessionId.generate(new SecureRandom()).handle();

    @FuzzTest
    void decodeReadsARecordOrRefusesWithATypedException(FuzzedDataProvider data) {
        Map<byte[], byte[]> hash = new LinkedHashMap<>();
        List<Object> flat = new ArrayList<>();
        for (String field : META_FIELDS) {
            if (data.consumeBoolean()) {
                add(
                        hash,
                        flat,
                        field.getBytes(StandardCharsets.UTF_8),
                        data.consumeString(24).getBytes(StandardCharsets.UTF_8));
            }
        }
        int attributes = data.consumeInt(0, 4);
        for (int i = 0; i < attributes; i++) {
            add(hash, flat, data.consumeString(12).getBytes(StandardCharsets.UTF_8), data.consumeBytes(32));
        }
        if (data.consumeBoolean()) {
            add(hash, flat, data.consumeBytes(8), data.consumeRemainingAsBytes());
        }

        SessionRecord fromHash = decodeOrNull(() -> RecordCodec.decode(handle, hash));
        SessionRecord fromFlat = decodeOrNull(() -> RecordCodec.decode(handle, flat, 0));

        if (fromHash != null) {
            assertThat(fromHash.handle()).isEqualTo(handle);
            SessionRecord again = RecordCodec.decode(handle, pairs(RecordCodec.encode(fromHash)), 0);
            assertThat(again).usingRecursiveComparison().isEqualTo(fromHash);
        }
        if (fromFlat != null) {
            assertThat(fromFlat.handle()).isEqualTo(handle);
        }
    }

    private static void add(Map<byte[], byte[]> hash, List<Object> flat, byte[] field, byte[] value) {
        hash.put(field, value);
        flat.add(field);
        flat.add(value);
    }

    private static List<Object> pairs(List<byte[]> encoded) {
        return new ArrayList<>(encoded);
    }

    private interface Decode {
        SessionRecord run();
    }

    private static SessionRecord decodeOrNull(Decode decode) {
        try {
            return decode.run();
        } catch (UnreadableSessionException refused) {
            assertThat(refused.handle()).isNotNull();
            return null;
        }
    }
}
