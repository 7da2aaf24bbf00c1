package dev.lanyard.session.redis;

import dev.lanyard.session.redis.testing.RedisProcess;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Finds a near-cached store's two connections in {@code CLIENT LIST}: the data connection, which
 * has tracking on ({@code t} flag) and redirects it ({@code redir=}), and the invalidation
 * connection it redirects to (which tracks user version keys in broadcast mode itself).
 */
final class TrackingClients {

    private TrackingClients() {}

    /** The fields of every client line. */
    static List<Map<String, String>> clients(RedisProcess redis) {
        Object list = redis.call("CLIENT", "LIST");
        String text = list instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : String.valueOf(list);
        List<Map<String, String>> clients = new ArrayList<>();
        for (String line : text.split("\r?\n")) {
            if (line.isBlank()) {
                continue;
            }
            Map<String, String> fields = new HashMap<>();
            for (String field : line.trim().split(" ")) {
                int eq = field.indexOf('=');
                if (eq > 0) {
                    fields.put(field.substring(0, eq), field.substring(eq + 1));
                }
            }
            clients.add(fields);
        }
        return clients;
    }

    /** The data connections with tracking on, of the named client (any name when null). */
    static List<Map<String, String>> dataConnections(RedisProcess redis, String name) {
        return clients(redis).stream()
                .filter(c -> name == null || name.equals(c.get("name")))
                .filter(c -> c.getOrDefault("flags", "").contains("t"))
                .filter(c -> Long.parseLong(c.getOrDefault("redir", "-1")) > 0)
                .toList();
    }

    /** The connections that the named client's data connections redirect invalidations to. */
    static List<Map<String, String>> invalidationConnections(RedisProcess redis, String name) {
        List<String> targets =
                dataConnections(redis, name).stream().map(c -> c.get("redir")).toList();
        return clients(redis).stream()
                .filter(c -> targets.contains(c.get("id")))
                .toList();
    }

    /** Kills the given connections; returns how many were killed. */
    static long kill(RedisProcess redis, List<Map<String, String>> connections) {
        long killed = 0;
        for (Map<String, String> c : connections) {
            Object n = redis.call("CLIENT", "KILL", "ID", c.get("id"));
            killed += n instanceof Long l ? l : 0;
        }
        return killed;
    }

    /** The client port of a connection. */
    static int port(Map<String, String> connection) {
        String addr = connection.get("addr");
        return Integer.parseInt(addr.substring(addr.lastIndexOf(':') + 1));
    }
}
