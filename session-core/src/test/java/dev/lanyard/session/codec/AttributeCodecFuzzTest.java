package dev.lanyard.session.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.code_intelligence.jazzer.mutation.annotation.NotNull;
import dev.lanyard.session.UnreadableAttributeException;

/**
 * Fuzzes {@link DefaultAttributeCodec#decode} with the bytes a store hands back, which whoever can
 * write to the store controls: every input is read back as a value or refused with an
 * {@link UnreadableAttributeException}, never another exception; a value it reads back can be
 * written again.
 *
 * <p>{@code mvn verify} replays the inputs under {@code AttributeCodecFuzzTestInputs} (among them
 * well-formed encodings of every tag and serialized JDK collections); a fuzzing run is described
 * in {@code docs/testing.md}. In fuzzing mode Jazzer's deserialization detector also watches for a
 * gadget reached through the allow-list.
 */
class AttributeCodecFuzzTest {

    private final DefaultAttributeCodec codec = DefaultAttributeCodec.create();

    @FuzzTest
    void decodeReadsAValueOrRefusesWithATypedException(byte @NotNull [] stored) {
        Object value;
        try {
            value = codec.decode("cart", stored);
        } catch (UnreadableAttributeException refused) {
            assertThat(refused.attribute()).isEqualTo("cart");
            return;
        }
        if (value == null) {
            return; // a serialized null: the session treats it as an absent attribute
        }
        Throwable rewrite = catchThrowable(() -> codec.encode("cart", value));
        assertThat(rewrite).as("writing back a value that was read").isNull();
    }
}
