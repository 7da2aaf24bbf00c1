package dev.lanyard.session.memcached;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.code_intelligence.jazzer.mutation.annotation.NotNull;
import dev.lanyard.session.SessionHandle;
import dev.lanyard.session.SessionId;
import dev.lanyard.session.UnreadableSessionException;
import java.security.SecureRandom;

/**
 * Fuzzes {@link RecordCodec#decode}, which reads item bytes whoever can write to Memcached
 * controls: any bytes decode to an item or are refused with an {@link UnreadableSessionException},
 * never another exception; an item that decodes encodes back to the same bytes' meaning.
 *
 * <p>{@code mvn verify} replays the inputs under {@code RecordCodecFuzzTestInputs}; a fuzzing run
 * is described in {@code docs/testing.md}.
 */
class RecordCodecFuzzTest {

    private final SessionHandle handle = SessionId.generate(new SecureRandom()).handle();

    @FuzzTest
    void decodeReadsAnItemOrRefusesWithATypedException(byte @NotNull [] stored) {
        RecordCodec.Item item;
        try {
            item = RecordCodec.decode(handle, stored);
        } catch (UnreadableSessionException refused) {
            assertThat(refused.handle()).isEqualTo(handle);
            return;
        }
        byte[] again = item.record() == null
                ? RecordCodec.tombstone(item.deadline())
                : RecordCodec.encode(item.record(), item.deadline());
        assertThat(RecordCodec.decode(handle, again)).usingRecursiveComparison().isEqualTo(item);
    }
}
