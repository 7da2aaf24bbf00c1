package dev.lanyard.session.redis.testing;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Finds a Redis for tests, in this order:
 * <ol>
 *   <li>the {@code REDIS_URL} environment variable ({@code redis://host:port}), used as is — the
 *       tests then isolate themselves by key prefix and never flush it;
 *   <li>{@code redis-server} on the {@code PATH}, started on a free port in a temporary directory
 *       and killed after;
 *   <li>a Docker engine, when one answers: a throwaway {@code redis:7-alpine} container on a free
 *       loopback port, removed after ({@link DockerRedis} drives the {@code docker} command line, so
 *       this test-jar brings no container library along);
 *   <li>otherwise the test fails with a message saying how to provide Redis. It is never skipped.
 * </ol>
 * Cluster and Sentinel tests always start local processes ({@link LocalRedisCluster},
 * {@link LocalSentinelSet}) and so need {@code redis-server} and {@code redis-cli}.
 */
public final class TestRedis {

    /** How to provide Redis, for failure messages. */
    public static final String HOW_TO = "No Redis for the tests. Provide one of: (1) the environment variable "
            + "REDIS_URL=redis://host:port (a server the tests may write to; they use their own key prefix and never "
            + "flush it); (2) redis-server and redis-cli on the PATH (Debian/Ubuntu: apt-get install redis-server; "
            + "macOS: brew install redis) — the tests start and stop their own servers on free ports; (3) a running Docker "
            + "engine, which starts a redis:7-alpine container. Cluster, Sentinel and fault tests need (2).";

    private TestRedis() {}

    /**
     * Returns a standalone Redis for tests, per the order above.
     *
     * @return the endpoint; close it after the tests
     * @throws IllegalStateException with {@link #HOW_TO} when there is none
     */
    public static RedisEndpoint standalone() {
        String url = System.getenv("REDIS_URL");
        if (url != null && !url.isBlank()) {
            return external(url.trim());
        }
        if (redisServerBinary().isPresent()) {
            return RedisProcess.start();
        }
        if (dockerAnswers()) {
            return DockerRedis.start();
        }
        throw new IllegalStateException(HOW_TO);
    }

    /**
     * Returns a local {@code redis-server} process, for tests that stop, pause or reset it.
     *
     * @param extraArguments more {@code redis-server} arguments
     * @return the running server
     * @throws IllegalStateException with {@link #HOW_TO} when {@code redis-server} is missing
     */
    public static RedisProcess localServer(String... extraArguments) {
        if (redisServerBinary().isEmpty()) {
            throw new IllegalStateException("This test controls a redis-server process itself. " + HOW_TO);
        }
        return RedisProcess.start(extraArguments);
    }

    /** @return the {@code redis-server} binary on the PATH, if any */
    public static Optional<Path> redisServerBinary() {
        return onPath("redis-server");
    }

    /** @return the {@code redis-cli} binary on the PATH, if any */
    public static Optional<Path> redisCliBinary() {
        return onPath("redis-cli");
    }

    private static Optional<Path> onPath(String name) {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String dir : path.split(File.pathSeparator)) {
            Path candidate = Path.of(dir, name);
            if (Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /** @return whether {@code docker info} answers within 5 seconds */
    static boolean dockerAnswers() {
        if (onPath("docker").isEmpty()) {
            return false;
        }
        try {
            Process p = new ProcessBuilder("docker", "info", "--format", "{{.ServerVersion}}")
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            if (!p.waitFor(5, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                return false;
            }
            return p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static RedisEndpoint external(String url) {
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("REDIS_URL is not a URI. " + HOW_TO);
        }
        String host = uri.getHost() == null ? "127.0.0.1" : uri.getHost();
        int port = uri.getPort() < 0 ? 6379 : uri.getPort();
        return new RedisEndpoint() {
            @Override
            public String host() {
                return host;
            }

            @Override
            public int port() {
                return port;
            }

            @Override
            public String uri() {
                return url;
            }

            @Override
            public void close() {
                // Not ours to stop.
            }

            @Override
            public String toString() {
                return "external Redis " + host + ":" + port;
            }
        };
    }
}
