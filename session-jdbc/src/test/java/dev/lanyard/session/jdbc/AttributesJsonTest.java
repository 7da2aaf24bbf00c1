package dev.lanyard.session.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lanyard.session.SessionId;
import dev.lanyard.session.UnreadableSessionException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AttributesJsonTest {

    private static final dev.lanyard.session.SessionHandle HANDLE =
            SessionId.generate(new SecureRandom()).handle();

    @Test
    void namesWithQuotesControlCharactersAndUnicodeRoundTrip() {
        Map<String, byte[]> attributes = new LinkedHashMap<>();
        attributes.put("plain", "v".getBytes(StandardCharsets.UTF_8));
        attributes.put("quote\" back\\slash", new byte[] {0, 1, 2});
        attributes.put("tab\tnew\nline\u0001", new byte[0]);
        attributes.put("ünïcødé ☃", new byte[] {(byte) 0xff});
        Map<String, byte[]> back = AttributesJson.decode(HANDLE, AttributesJson.encode(attributes));
        assertThat(back).containsOnlyKeys(attributes.keySet().toArray(String[]::new));
        attributes.forEach((name, value) -> assertThat(back.get(name)).isEqualTo(value));
    }

    @Test
    void aPatchRemovesWithNullAndAPutWinsOverARemovalOfTheSameName() {
        String patch = AttributesJson.patch(Set.of("gone", "back"), Map.of("back", new byte[] {1}));
        assertThat(patch)
                .contains("\"gone\":null")
                .contains("\"back\":\"AQ==\"")
                .doesNotContain("\"back\":null");
    }

    @Test
    void touchedNamesCarryTheirLengthsOnce() {
        assertThat(AttributesJson.touched(Set.of("ab"), Set.of("ab"))).isEqualTo("[{\"n\":\"ab\",\"l\":2}]");
    }

    @Test
    void whatIsNotAFlatObjectOfBase64IsUnreadable() {
        for (String bad :
                new String[] {"\"not an object\"", "{\"a\":1}", "{\"a\":\"!!\"}", "{", "[]", "{\"a\":\"AQ==\"} x"}) {
            assertThatThrownBy(() -> AttributesJson.decode(HANDLE, bad)).isInstanceOf(UnreadableSessionException.class);
        }
        assertThat(AttributesJson.decode(HANDLE, " { } ")).isEmpty();
    }
}
