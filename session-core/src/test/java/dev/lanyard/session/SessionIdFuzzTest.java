package dev.lanyard.session;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.code_intelligence.jazzer.mutation.annotation.NotNull;
import dev.lanyard.session.memory.InMemorySessionStore;
import java.util.Optional;

/**
 * Fuzzes what a client presents as a session ID: {@link SessionId#parse} and
 * {@link SessionManager#resolve(String)} answer with a typed outcome for any text and never throw.
 *
 * <p>{@code mvn verify} replays the inputs under {@code SessionIdFuzzTestInputs}; a fuzzing run is
 * described in {@code docs/testing.md}.
 */
class SessionIdFuzzTest {

    private final TestClock clock = new TestClock();
    private final SessionManager manager = SessionManager.builder(InMemorySessionStore.create(clock))
            .clock(clock)
            .logEvents(false)
            .build();

    @FuzzTest
    void parseAcceptsOnlyTheIdForm(@NotNull String presented) {
        Optional<SessionId> id = SessionId.parse(presented);

        boolean wellFormed = presented.length() == SessionId.LENGTH
                && presented.chars().allMatch(c -> c < 128 && (Character.isLetterOrDigit(c) || c == '-' || c == '_'));
        assertThat(id.isPresent()).as("parsed").isEqualTo(wellFormed);
        id.ifPresent(parsed -> assertThat(parsed.value()).isEqualTo(presented));
    }

    @FuzzTest
    void resolveAnswersWithAStatusForAnyText(String presented) {
        Resolution resolution = manager.resolve(presented);

        assertThat(resolution.isFound()).isFalse();
        assertThat(resolution.status()).isIn(ResolutionStatus.MALFORMED, ResolutionStatus.UNKNOWN);
    }
}
