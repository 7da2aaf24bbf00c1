package dev.lanyard.session.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.code_intelligence.jazzer.mutation.annotation.NotNull;
import dev.lanyard.session.SessionHandle;
import dev.lanyard.session.SessionId;
import dev.lanyard.session.UnreadableSessionException;
import java.security.SecureRandom;
import java.util.Map;

/**
 * Fuzzes {@link AttributesJson#decode}, which reads the attributes column whoever can write to the
 * database controls: any text decodes to attributes or is refused with an
 * {@link UnreadableSessionException}, never another exception; what decodes encodes back to the
 * same attributes.
 *
 * <p>{@code mvn verify} replays the inputs under {@code AttributesJsonFuzzTestInputs}; a fuzzing
 * run is described in {@code docs/testing.md}.
 */
class AttributesJsonFuzzTest {

    private final SessionHandle handle = SessionId.generate(new SecureRandom()).handle();

    @FuzzTest
    void decodeReadsAttributesOrRefusesWithATypedException(@NotNull String stored) {
        Map<String, byte[]> attributes;
        try {
            attributes = AttributesJson.decode(handle, stored);
        } catch (UnreadableSessionException refused) {
            assertThat(refused.handle()).isEqualTo(handle);
            return;
        }
        assertThat(AttributesJson.decode(handle, AttributesJson.encode(attributes)))
                .usingRecursiveComparison()
                .isEqualTo(attributes);
    }
}
