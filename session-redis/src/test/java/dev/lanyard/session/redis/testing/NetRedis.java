package dev.lanyard.session.redis.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@code redis-server} on a {@link NetHost}: it listens on the host's address, so every
 * connection to it crosses the link that {@link NetHost#blackhole()} cuts. Closing it kills the
 * server and deletes its directory; the host stays (its owner closes it).
 */
public final class NetRedis implements RedisEndpoint {

    private final NetHost host;
    private final int port;
    private final Path directory;

    private NetRedis(NetHost host, int port, Path directory) {
        this.host = host;
        this.port = port;
        this.directory = directory;
    }

    /**
     * Starts a server on the host and waits until it answers.
     *
     * @param host the test host
     * @param extraArguments more {@code redis-server} arguments
     * @return the running server
     */
    public static NetRedis start(NetHost host, String... extraArguments) {
        Path binary = TestRedis.redisServerBinary().orElseThrow(() -> new IllegalStateException(TestRedis.HOW_TO));
        int port = RedisProcess.freePort(false);
        Path directory;
        try {
            directory = Files.createTempDirectory("lanyard-netredis-" + port + "-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> args = new ArrayList<>(List.of(
                binary.toString(),
                "--port",
                Integer.toString(port),
                "--bind",
                host.address(),
                "--protected-mode",
                "no",
                "--dir",
                directory.toString(),
                "--daemonize",
                "no",
                "--logfile",
                directory.resolve("redis.log").toString(),
                "--save",
                "",
                "--appendonly",
                "no"));
        args.addAll(List.of(extraArguments));
        Process process = host.start(directory, args);
        NetRedis redis = new NetRedis(host, port, directory);
        if (!RedisProcess.poll(Duration.ofSeconds(10), () -> !process.isAlive() || Resp.answers(host.address(), port))
                || !process.isAlive()) {
            String log = redis.log();
            redis.close();
            throw new IllegalStateException("redis-server in " + host + " did not start; its log ends with:\n" + log);
        }
        return redis;
    }

    @Override
    public String host() {
        return host.address();
    }

    @Override
    public int port() {
        return port;
    }

    @Override
    public String uri() {
        return "redis://" + host.address() + ":" + port;
    }

    /**
     * Sends a command over the link (it fails while the link is cut).
     *
     * @param args the command
     * @return the reply
     */
    public Object call(String... args) {
        return Resp.call(host.address(), port, Duration.ofSeconds(2), args);
    }

    /** @return the end of the server's log */
    public String log() {
        try {
            Path log = directory.resolve("redis.log");
            String text = Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
            return text.length() > 2000 ? text.substring(text.length() - 2000) : text;
        } catch (IOException e) {
            return "(log unreadable)";
        }
    }

    /** Deletes the directory; the host kills the process when it closes. */
    @Override
    public void close() {
        RedisProcess.deleteRecursively(directory);
    }

    @Override
    public String toString() {
        return "NetRedis[" + host.address() + ":" + port + "]";
    }
}
