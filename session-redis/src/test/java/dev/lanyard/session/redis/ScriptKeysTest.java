package dev.lanyard.session.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Every script touches only keys passed in KEYS, and the lint that says so catches violations. */
class ScriptKeysTest {

    private static List<String> lint(Script script) {
        String lua = script.body().substring(RedisSchema.luaPrelude().length());
        return ScriptKeyLint.violations(lua, script.keyNames().size(), script.singleServer());
    }

    @ParameterizedTest
    @EnumSource(Script.class)
    void everyKeyAScriptTouchesIsPassedInKeys(Script script) {
        assertThat(lint(script)).as(script.file()).isEmpty();
    }

    @Test
    void onlyTheSessionReadsDeriveAKeyAndTheyNeverRunOnCluster() {
        assertThat(List.of(Script.values()).stream().filter(Script::singleServer))
                .containsExactlyInAnyOrder(Script.LOAD, Script.CLAIM, Script.UPDATE_LOAD);
    }

    @Test
    void aKeyBuiltFromArgvIsCaught() {
        String lua = "local v = redis.call('GET', ARGV[1] .. 'uv:{' .. ARGV[2] .. '}')\nreturn v\n";
        assertThat(ScriptKeyLint.violations(lua, 1, false))
                .singleElement()
                .asString()
                .contains("GET touches a key not passed in KEYS");
    }

    @Test
    void aLiteralKeyAmongSeveralIsCaught() {
        String lua = "redis.call('DEL', KEYS[1], 'lanyard:s:{abc}')\n";
        assertThat(ScriptKeyLint.violations(lua, 1, false))
                .singleElement()
                .asString()
                .contains("'lanyard:s:{abc}'");
    }

    @Test
    void aLocalThatIsNotFromKeysIsCaught() {
        String lua = "local k = ARGV[1]\nreturn redis.call('HGET', k, F.USER)\n";
        assertThat(ScriptKeyLint.violations(lua, 1, false))
                .singleElement()
                .asString()
                .contains("HGET touches a key not passed in KEYS: k");
    }

    @Test
    void aLocalFromKeysIsAccepted() {
        String lua = "local idx = KEYS[1]\nreturn redis.call('ZSCORE', idx, ARGV[1])\n";
        assertThat(ScriptKeyLint.violations(lua, 1, false)).isEmpty();
    }

    @Test
    void aLocalFromKeysAssignedAgainIsCaught() {
        String lua = "local idx = KEYS[1]\nidx = ARGV[1]\nreturn redis.call('ZSCORE', idx, 'm')\n";
        assertThat(ScriptKeyLint.violations(lua, 1, false))
                .singleElement()
                .asString()
                .contains("assigned again");
    }

    @Test
    void anUndeclaredKeysIndexIsCaught() {
        String lua = "return redis.call('GET', KEYS[3])\n";
        assertThat(ScriptKeyLint.violations(lua, 2, false))
                .singleElement()
                .asString()
                .contains("KEYS[3] is not declared");
    }

    @Test
    void anUnknownCommandIsCaught() {
        String lua = "return redis.call('RENAME', KEYS[1], KEYS[2])\n";
        assertThat(ScriptKeyLint.violations(lua, 2, false))
                .singleElement()
                .asString()
                .contains("unknown command RENAME");
    }

    @Test
    void theVersionReadIsCaughtInAScriptNotMarkedSingleServer() {
        String lua = Script.LOAD.body().substring(RedisSchema.luaPrelude().length());
        assertThat(ScriptKeyLint.violations(lua, 2, true)).isEmpty();
        assertThat(ScriptKeyLint.violations(lua, 2, false))
                .anySatisfy(v -> assertThat(v).contains("userVersionKey"));
    }

    @Test
    void aRealScriptWithASeededViolationIsCaught() {
        String seeded = Script.DELETE
                .source()
                .replace("redis.call('DEL', KEYS[1])", "redis.call('DEL', ARGV[1] .. 's:{' .. ARGV[2] .. '}')");
        assertThat(seeded).isNotEqualTo(Script.DELETE.source());
        assertThat(ScriptKeyLint.violations(seeded, 2, false))
                .singleElement()
                .asString()
                .contains("DEL touches a key not passed in KEYS");
    }

    @Test
    void argumentsAreGivenByTheNamesTheScriptDeclares() {
        assertThat(Script.COMPARE_AND_SET.argNames()).containsExactly("expected", "replacement", "ttl");
        assertThatThrownBy(() -> Script.COMPARE_AND_SET.args().put("replacement", "x"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("expected expected");
        assertThatThrownBy(
                        () -> Script.COMPARE_AND_SET.args().put("expected", "x").build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("[replacement, ttl]");
        assertThat(Script.COMPARE_AND_SET
                        .args()
                        .put("expected", "a")
                        .put("replacement", "b")
                        .put("ttl", 5L)
                        .build()
                        .length)
                .isEqualTo(3);
    }

    @Test
    void keysAreCheckedAgainstTheDeclaredCount() {
        assertThatThrownBy(() -> Script.CONFIRM.checkKeys(new byte[][] {{1}}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("[index, version]");
        Script.REVOKE_OTHERS.checkKeys(new byte[][] {{1}, {2}});
        Script.REVOKE_OTHERS.checkKeys(new byte[][] {{1}, {2}, {3}});
    }
}
