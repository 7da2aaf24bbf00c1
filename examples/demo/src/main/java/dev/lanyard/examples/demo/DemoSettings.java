package dev.lanyard.examples.demo;

import java.util.Map;
import java.util.Objects;

/**
 * What the demo is started with, read from environment variables.
 *
 * @param host the address to listen on ({@code LANYARD_HOST}, default {@code 127.0.0.1}: the demo has
 *     well-known passwords, so it does not listen on every interface unless told to)
 * @param port the port ({@code PORT}, default 8080; 0 picks a free one)
 * @param store the session store location ({@code LANYARD_STORE}, default {@code memory:};
 *     {@code redis://host:6379} shares sessions between several instances)
 * @param nodeId this instance's name ({@code LANYARD_NODE_ID}, default {@code node-<port>})
 * @param devCookie {@code LANYARD_DEV_COOKIE=true}: a plain {@code lanyard-dev-session} cookie without
 *     {@code Secure}, for browsers that reach the demo over plain HTTP on a host other than
 *     {@code localhost}. Never in production.
 */
record DemoSettings(String host, int port, String store, String nodeId, boolean devCookie) {

    /** Checks the values. */
    DemoSettings {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(store, "store");
        Objects.requireNonNull(nodeId, "nodeId");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("PORT must be between 0 and 65535");
        }
    }

    /**
     * Reads the settings from the environment.
     *
     * @param env the environment ({@code System.getenv()})
     * @return the settings
     * @throws IllegalArgumentException naming the variable that is wrong
     */
    static DemoSettings from(Map<String, String> env) {
        int port;
        try {
            port = Integer.parseInt(env.getOrDefault("PORT", "8080").trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("PORT must be a number", e);
        }
        String nodeId = env.getOrDefault("LANYARD_NODE_ID", "node-" + port);
        return new DemoSettings(
                env.getOrDefault("LANYARD_HOST", "127.0.0.1"),
                port,
                env.getOrDefault("LANYARD_STORE", "memory:"),
                nodeId,
                Boolean.parseBoolean(env.getOrDefault("LANYARD_DEV_COOKIE", "false")));
    }
}
