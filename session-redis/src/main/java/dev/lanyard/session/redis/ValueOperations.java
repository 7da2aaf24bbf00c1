package dev.lanyard.session.redis;

import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import java.time.Duration;
import java.util.Optional;

/**
 * The small-value operations of {@link RedisSessionStore} ({@code AtomicValueStore}), one command
 * or script each on {@code <prefix>v:<key>}. Arguments are checked by the public class.
 * Thread-safe.
 */
final class ValueOperations {

    private final CommandRunner redis;
    private final RedisSchema schema;

    ValueOperations(CommandRunner redis, RedisSchema schema) {
        this.redis = redis;
        this.schema = schema;
    }

    Optional<byte[]> get(String key) {
        return Optional.ofNullable(redis.await(redis.call(r -> r.get(schema.valueKey(key))), "get", null));
    }

    boolean putIfAbsent(String key, byte[] value, Duration ttl) {
        String ok = redis.await(
                redis.call(r ->
                        r.set(schema.valueKey(key), value, SetArgs.Builder.nx().px(ttl.toMillis()))),
                "putIfAbsent",
                null);
        if (!"OK".equals(ok)) {
            return false;
        }
        redis.replicated("putIfAbsent", null);
        return true;
    }

    boolean compareAndSet(String key, byte[] expected, byte[] replacement, Duration ttl) {
        ScriptArgs args = Script.COMPARE_AND_SET
                .args()
                .put("expected", expected)
                .put("replacement", replacement)
                .put("ttl", ttl);
        Long replaced = redis.await(
                redis.script(Script.COMPARE_AND_SET, ScriptOutputType.INTEGER, schema.valueKey(key), args),
                "compareAndSet",
                null);
        if (replaced == null || replaced != 1L) {
            return false;
        }
        redis.replicated("compareAndSet", null);
        return true;
    }

    boolean remove(String key) {
        Long removed = redis.await(redis.call(r -> r.del(schema.valueKey(key))), "remove", null);
        redis.replicated("remove", null);
        return removed != null && removed > 0;
    }
}
