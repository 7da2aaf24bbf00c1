package dev.lanyard.session.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lanyard.session.SessionHandle;
import dev.lanyard.session.SessionId;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import org.junit.jupiter.api.Test;

/** The session keys built from pre-encoded starts are the bytes of the documented key strings. */
class RedisSchemaKeysTest {

    @Test
    void sessionAndTimeoutKeysAreTheEncodedKeyStrings() {
        SessionHandle handle = SessionId.generate(new SecureRandom()).handle();
        for (String prefix : new String[] {"", "lanyard:", "prëfix-ü:"}) {
            RedisSchema schema = new RedisSchema(prefix);
            assertThat(schema.sessionKey(handle)).isEqualTo(utf8(prefix + "s:{" + handle.value() + "}"));
            assertThat(schema.timeoutKey(handle)).isEqualTo(utf8(prefix + "x:{" + handle.value() + "}"));
            assertThat(schema.sessionKeys(handle))
                    .isDeepEqualTo(new byte[][] {schema.sessionKey(handle), schema.timeoutKey(handle)});
            assertThat(schema.prefixBytes()).isEqualTo(utf8(prefix));
        }
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
