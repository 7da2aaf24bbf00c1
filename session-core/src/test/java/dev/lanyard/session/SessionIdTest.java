package dev.lanyard.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SessionIdTest {

    private final SecureRandom random = new SecureRandom();

    @Test
    void generatedIdsAre43Base64UrlCharactersAndDistinct() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            String value = SessionId.generate(random).value();
            assertThat(value).hasSize(43).matches("[A-Za-z0-9_-]{43}");
            assertThat(seen.add(value)).isTrue();
        }
    }

    @Test
    void generatedIdsCarry256BitsOfRandomness() {
        byte[] decoded =
                Base64.getUrlDecoder().decode(SessionId.generate(random).value());
        assertThat(decoded).hasSize(32);
    }

    @Test
    void theHandleIsTheSha256OfTheId() throws Exception {
        SessionId id = SessionId.generate(random);
        byte[] digest = MessageDigest.getInstance("SHA-256").digest(id.value().getBytes(StandardCharsets.US_ASCII));
        assertThat(id.handle().value())
                .isEqualTo(Base64.getUrlEncoder().withoutPadding().encodeToString(digest));
        assertThat(id.handle().value()).isNotEqualTo(id.value());
    }

    @Test
    void parseRejectsEverythingThatIsNotAnId() {
        assertThat(SessionId.parse(null)).isEmpty();
        assertThat(SessionId.parse("")).isEmpty();
        assertThat(SessionId.parse("a".repeat(42))).isEmpty();
        assertThat(SessionId.parse("a".repeat(44))).isEmpty();
        assertThat(SessionId.parse("a".repeat(42) + "=")).isEmpty();
        assertThat(SessionId.parse("a".repeat(42) + "+")).isEmpty();
        assertThat(SessionId.parse("a".repeat(42) + "\u0000")).isEmpty();
        assertThat(SessionId.parse("é".repeat(43))).isEmpty();
        assertThat(SessionId.parse("x".repeat(10_240))).isEmpty();
    }

    @Test
    void parseAcceptsWhatGenerateProduces() {
        SessionId id = SessionId.generate(random);
        assertThat(SessionId.parse(id.value())).contains(id);
    }

    @Test
    void toStringShowsTheHandleNeverTheSecret() {
        SessionId id = SessionId.generate(random);
        assertThat(id.toString())
                .doesNotContain(id.value())
                .contains(id.handle().value());
    }

    @Test
    void equalityComparesTheSecrets() {
        SessionId id = SessionId.generate(random);
        assertThat(SessionId.parse(id.value()).orElseThrow()).isEqualTo(id).hasSameHashCodeAs(id);
        assertThat(SessionId.generate(random)).isNotEqualTo(id);
    }

    @Test
    void aMalformedHandleIsRefusedWithoutEchoingIt() {
        String junk = "secret-looking-junk";
        assertThatThrownBy(() -> SessionHandle.of(junk))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageNotContaining(junk);
        assertThat(SessionHandle.isWellFormed(
                        SessionId.generate(random).handle().value()))
                .isTrue();
    }
}
