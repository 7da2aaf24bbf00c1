package dev.lanyard.session.redis;

import dev.lanyard.session.SessionHandle;
import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import io.lettuce.core.codec.StringCodec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads and damages Redis directly, bypassing the store: the TCK hooks, the no-key-without-TTL
 * scan, command counts and memory figures. Standalone or Cluster (commands route by key).
 */
final class DirectRedis implements AutoCloseable {

    private final RedisClient client;
    private final StatefulRedisConnection<String, String> connection;
    private final RedisClusterClient clusterClient;
    private final StatefulRedisClusterConnection<String, String> clusterConnection;
    private final RedisClusterCommands<String, String> sync;

    private DirectRedis(String location) {
        if (location.startsWith("redis-cluster://")) {
            List<RedisURI> seeds = new ArrayList<>();
            for (String seed : location.substring("redis-cluster://".length()).split(",")) {
                seeds.add(RedisURI.create("redis://" + seed));
            }
            client = null;
            connection = null;
            clusterClient = RedisClusterClient.create(seeds);
            clusterConnection = clusterClient.connect(StringCodec.UTF8);
            clusterConnection.setTimeout(Duration.ofSeconds(5));
            sync = clusterConnection.sync();
        } else {
            clusterClient = null;
            clusterConnection = null;
            client = RedisClient.create(RedisURI.create(location));
            connection = client.connect(StringCodec.UTF8);
            connection.setTimeout(Duration.ofSeconds(5));
            sync = connection.sync();
        }
    }

    static DirectRedis connect(String location) {
        return new DirectRedis(location);
    }

    RedisClusterCommands<String, String> sync() {
        return sync;
    }

    // Key names come from the store's schema, never spelled here.

    static String sessionKey(String prefix, SessionHandle handle) {
        return text(new RedisSchema(prefix).sessionKey(handle));
    }

    static String indexKey(String prefix, String userId) {
        return text(new RedisSchema(prefix).indexKey(userId));
    }

    static String userVersionKey(String prefix, String userId) {
        return text(new RedisSchema(prefix).userVersionKey(userId));
    }

    static String timeoutKey(String prefix, SessionHandle handle) {
        return text(new RedisSchema(prefix).timeoutKey(handle));
    }

    static String valueKey(String prefix, String key) {
        return text(new RedisSchema(prefix).valueKey(key));
    }

    private static String text(byte[] key) {
        return new String(key, java.nio.charset.StandardCharsets.UTF_8);
    }

    /**
     * Runs revokeAll's script and nothing after it, as a node that crashed right after its first
     * write leaves the user: the version advanced and the index marked, the sessions not deleted.
     */
    void revokeAllFirstWriteOnly(String prefix, String userId, long nowMillis, Duration lifetime) {
        sync.eval(
                Script.REVOKE_ALL.body(),
                io.lettuce.core.ScriptOutputType.MULTI,
                new String[] {indexKey(prefix, userId), userVersionKey(prefix, userId)},
                Long.toString(nowMillis),
                Long.toString(dev.lanyard.session.redis.RedisSessionStore.RESERVATION_GRACE.toMillis()),
                Long.toString(lifetime.toMillis()));
    }

    boolean exists(String key) {
        return sync.exists(key) > 0;
    }

    Optional<Duration> ttl(String key) {
        long pttl = sync.pttl(key);
        return pttl < 0 ? Optional.empty() : Optional.of(Duration.ofMillis(pttl));
    }

    /** Every key under the prefix, on every node. */
    List<String> keys(String prefix) {
        List<String> keys = new ArrayList<>();
        ScanArgs args = ScanArgs.Builder.matches(prefix + "*").limit(500);
        KeyScanCursor<String> cursor = sync.scan(args);
        keys.addAll(cursor.getKeys());
        while (!cursor.isFinished()) {
            cursor = sync.scan(cursor, args);
            keys.addAll(cursor.getKeys());
        }
        return keys;
    }

    /** Keys under the prefix that have no TTL (PTTL -1). */
    List<String> keysWithoutTtl(String prefix) {
        List<String> immortal = new ArrayList<>();
        for (String key : keys(prefix)) {
            if (sync.pttl(key) == -1) {
                immortal.add(key);
            }
        }
        return immortal;
    }

    /** Calls per command since the last reset, summed over every node. */
    Map<String, Long> commandCalls() {
        Map<String, Long> calls = new HashMap<>();
        List<String> infos = new ArrayList<>();
        if (clusterConnection != null) {
            infos.addAll(clusterConnection
                    .sync()
                    .upstream()
                    .commands()
                    .info("commandstats")
                    .asMap()
                    .values());
        } else {
            infos.add(connection.sync().info("commandstats"));
        }
        for (String info : infos) {
            for (String line : info.split("\r?\n")) {
                if (line.startsWith("cmdstat_")) {
                    String name = line.substring("cmdstat_".length(), line.indexOf(':'));
                    int at = line.indexOf("calls=") + "calls=".length();
                    long n = Long.parseLong(line.substring(at, line.indexOf(',', at)));
                    calls.merge(name, n, Long::sum);
                }
            }
        }
        return calls;
    }

    void resetStats() {
        if (clusterConnection != null) {
            clusterConnection.sync().upstream().commands().configResetstat();
        } else {
            connection.sync().configResetstat();
        }
    }

    @Override
    public void close() {
        if (connection != null) {
            connection.close();
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        }
        if (clusterConnection != null) {
            clusterConnection.close();
            clusterClient.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        }
    }
}
