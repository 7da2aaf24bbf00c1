package dev.lanyard.session.redis.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A Sentinel on 127.0.0.1 watching a master at any address (such as one on a {@link NetHost}),
 * named {@link LocalSentinelSet#MASTER_NAME}, quorum 1, down after one second.
 */
public final class NetSentinel {

    private NetSentinel() {}

    /**
     * Starts the sentinel.
     *
     * @param masterHost the master's address
     * @param masterPort the master's port
     * @return the running sentinel; closing it kills it and deletes its directory
     */
    public static RedisProcess start(String masterHost, int masterPort) {
        try {
            Path dir = Files.createTempDirectory("lanyard-netsentinel-");
            Path conf = dir.resolve("sentinel.conf");
            return RedisProcess.onFreePort(() -> {
                int port = RedisProcess.freePort(false);
                LocalSentinelSet.write(
                        conf,
                        String.join(
                                "\n",
                                "port " + port,
                                "bind 127.0.0.1",
                                "daemonize no",
                                "dir " + dir,
                                "logfile " + dir.resolve("redis.log"),
                                "sentinel monitor " + LocalSentinelSet.MASTER_NAME + " " + masterHost + " " + masterPort
                                        + " 1",
                                "sentinel down-after-milliseconds " + LocalSentinelSet.MASTER_NAME + " 1000",
                                "sentinel failover-timeout " + LocalSentinelSet.MASTER_NAME + " 5000",
                                ""));
                return RedisProcess.startSentinel(conf, port);
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Asks a sentinel where the master is now.
     *
     * @param sentinel the sentinel
     * @return host and port
     */
    public static List<?> masterOf(RedisProcess sentinel) {
        return (List<?>) sentinel.call("SENTINEL", "GET-MASTER-ADDR-BY-NAME", LocalSentinelSet.MASTER_NAME);
    }
}
